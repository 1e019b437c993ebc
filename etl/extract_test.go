package etl

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// tableNames is the contract's table names in the order of the indexes.
func tableNames(order []int) []string {
	out := make([]string, len(order))
	for k, i := range order {
		out[k] = Contract[i].Name
	}
	return out
}

func TestLargestFirst(t *testing.T) {
	var contract []string
	for _, tb := range Contract {
		contract = append(contract, tb.Name)
	}
	for _, tc := range []struct {
		name string
		size map[string]float64
		head []string // the first tables of the order; the rest follow in contract order
	}{
		{"no sizes: contract order", nil, nil},
		{"largest first", map[string]float64{"order_items": 900, "orders": 400, "customers": 100}, []string{"order_items", "orders", "customers"}},
		{"ties in contract order", map[string]float64{"surveys": 5, "orders": 5, "stores": 7}, []string{"stores", "orders", "surveys"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tableNames(largestFirst(tc.size))
			want := slices.Clone(tc.head)
			for _, n := range contract {
				if !slices.Contains(tc.head, n) {
					want = append(want, n)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("order %v, want %v", got, want)
			}
		})
	}
}

func TestCSVSizes(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"orders.csv": "order_id\n1\n", "order_items.csv": "order_id,line_number\n1,1\n1,2\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	size := csvSizes(dir)
	if len(size) != 2 || size["orders"] != 11 || size["order_items"] != 29 {
		t.Fatalf("sizes %v, want orders 11 and order_items 29 bytes only", size)
	}
	if got := tableNames(largestFirst(size))[:2]; !slices.Equal(got, []string{"order_items", "orders"}) {
		t.Errorf("first two %v, want order_items, orders", got)
	}
}
