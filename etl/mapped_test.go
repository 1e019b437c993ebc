package etl_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/etl"
	"github.com/crmwh/crmwh/warehouse"
)

// clean_id in a mapping turns the ids a spreadsheet exported as numbers (17850.0) back into the
// ids the rest of the export uses: the invoice example then has one customer, not two.
func TestMappedCleanID(t *testing.T) {
	dir := t.TempDir()
	csv := "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n" +
		"536365,85123A,HEART HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n" +
		"536366,71053,LANTERN,6,12/1/2010 9:26,3.39,17850,United Kingdom\n" +
		"536367,71053,LANTERN,2,12/1/2010 9:30,3.00,13047.0,United Kingdom\n"
	if err := os.WriteFile(filepath.Join(dir, "invoices.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CRMWH_EXAMPLES", dir)
	cfg, err := configs.Load("../configs/examples/invoices.yaml", true)
	if err != nil {
		t.Fatal(err)
	}
	lake := t.TempDir()
	if _, err := etl.ExtractMapped(context.Background(), cfg.Source, dir, lake, pgDay1); err != nil {
		t.Fatal(err)
	}
	db, err := warehouse.Open(context.Background(), "", warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for table, want := range map[string]string{"customers": "13047,17850", "orders": "17850,17850,13047"} {
		var got string
		if err := db.QueryRow("SELECT string_agg(customer_id, ',' ORDER BY "+map[string]string{"customers": "customer_id", "orders": "order_id"}[table]+") FROM read_parquet(?)",
			etl.PartitionFile(lake, table, pgDay1)).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: customer ids %s, want %s", table, got, want)
		}
	}
	// The cost is 60% of the median price: LANTERN sold at 3.39 and 3.00.
	var cost string
	if err := db.QueryRow("SELECT unit_cost FROM read_parquet(?) WHERE product_id = '71053'", etl.PartitionFile(lake, "products", pgDay1)).Scan(&cost); err != nil || !strings.HasPrefix(cost, "1.92") {
		t.Errorf("unit cost %q (%v), want 0.6 × median(3.39, 3.00) = 1.92", cost, err)
	}
}
