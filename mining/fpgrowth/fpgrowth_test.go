package fpgrowth

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/crmwh/crmwh/internal/datasets"
)

// bruteForce counts every subset of every basket.
func bruteForce(baskets [][]int32) map[string]int64 {
	out := map[string]int64{}
	for _, b := range baskets {
		uniq := map[int32]bool{}
		var items []int32
		for _, it := range b {
			if !uniq[it] {
				uniq[it] = true
				items = append(items, it)
			}
		}
		sortInt32(items)
		for mask := 1; mask < 1<<len(items); mask++ {
			var s []int32
			for i, it := range items {
				if mask&(1<<i) != 0 {
					s = append(s, it)
				}
			}
			out[itemKey(s)]++
		}
	}
	return out
}

func sortInt32(s []int32) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func stream(baskets [][]int32) func(func([]int32)) error {
	return func(emit func([]int32)) error {
		for _, b := range baskets {
			emit(b)
		}
		return nil
	}
}

// randomBaskets makes n baskets of up to maxSize-1 of the items, with skewed popularity and
// duplicates now and then.
func randomBaskets(rng *rand.Rand, items, n, maxSize int) [][]int32 {
	baskets := make([][]int32, n)
	for i := range baskets {
		for range rng.IntN(maxSize) {
			baskets[i] = append(baskets[i], int32(rng.IntN(1+rng.IntN(items))))
		}
	}
	return baskets
}

// Property: FP-growth's itemsets and supports equal a brute-force count's, over many random
// basket sets, supports and length limits.
func TestFPGrowthMatchesBruteForce(t *testing.T) {
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 1))
		items := 4 + rng.IntN(10)
		baskets := randomBaskets(rng, items, 20+rng.IntN(200), 9)
		minCount := int64(1 + rng.IntN(6))
		maxLen := rng.IntN(4) // 0: no limit
		got, n, err := Mine(context.Background(), items, stream(baskets), minCount, maxLen)
		if err != nil {
			t.Fatal(err)
		}
		if n != int64(len(baskets)) {
			t.Fatalf("seed %d: %d baskets counted, want %d", seed, n, len(baskets))
		}
		want := map[string]int64{}
		for k, c := range bruteForce(baskets) {
			if c >= minCount && (maxLen == 0 || strings.Count(k, ",")+1 <= maxLen) {
				want[k] = c
			}
		}
		if got.Len() != len(want) {
			t.Errorf("seed %d (min %d, max len %d): %d itemsets, brute force %d", seed, minCount, maxLen, got.Len(), len(want))
		}
		for k := range got.Len() {
			key := itemKey(got.At(k))
			if want[key] != got.Counts[k] {
				t.Errorf("seed %d: itemset {%s} count %d, brute force %d", seed, key, got.Counts[k], want[key])
			}
		}
	}
}

// readGroceries reads the shared groceries baskets as item ids.
func readGroceries(t testing.TB) ([][]int32, []string) {
	t.Helper()
	path, err := datasets.Path("groceries.csv")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ids := map[string]int32{}
	var names []string
	var baskets [][]int32
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var b []int32
		for _, it := range strings.Split(sc.Text(), ",") {
			id, ok := ids[it]
			if !ok {
				id = int32(len(names))
				ids[it] = id
				names = append(names, it)
			}
			b = append(b, id)
		}
		baskets = append(baskets, b)
	}
	return baskets, names
}

// The groceries data at support 0.006 and confidence 0.25 gives arules' 463 rules of two or more items.
func TestGroceriesRules(t *testing.T) {
	baskets, names := readGroceries(t)
	minCount := int64(0.006*float64(len(baskets)) + 0.999999) // support ≥ 0.006
	sets, n, err := Mine(context.Background(), len(names), stream(baskets), minCount, 0)
	if err != nil {
		t.Fatal(err)
	}
	rules := Rules(sets, n, RuleOptions{MinConfidence: 0.25, MinLen: 2, MaxConsequent: 1})
	if len(rules) != 463 {
		t.Errorf("%d rules, want 463 (itemsets %d)", len(rules), sets.Len())
	}
	if len(rules) > 0 {
		r := rules[0]
		t.Logf("top rule by lift: %v → %v, lift %.3f", r.Antecedent, r.Consequent, r.Lift)
	}
}

// MineCounted, given the items' basket counts from elsewhere (here the brute force's single
// items), finds what Mine finds in two passes; counts of other baskets are an error, not a
// wrong result.
func TestMineCountedMatchesMine(t *testing.T) {
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 2))
		items := 3 + rng.IntN(12)
		baskets := randomBaskets(rng, items, 10+rng.IntN(150), 8)
		counts := make([]int64, items)
		for k, c := range bruteForce(baskets) {
			if !strings.Contains(k, ",") {
				var it int
				if _, err := fmt.Sscan(k, &it); err != nil {
					t.Fatal(err)
				}
				counts[it] = c
			}
		}
		minCount, maxLen := int64(1+rng.IntN(5)), rng.IntN(4)
		want, _, err := Mine(context.Background(), items, stream(baskets), minCount, maxLen)
		if err != nil {
			t.Fatal(err)
		}
		got, n, err := MineCounted(context.Background(), counts, int64(len(baskets)), stream(baskets), minCount, maxLen)
		if err != nil {
			t.Fatal(err)
		}
		if n != int64(len(baskets)) || !slices.Equal(got.Items, want.Items) || !slices.Equal(got.Offsets, want.Offsets) || !slices.Equal(got.Counts, want.Counts) {
			t.Errorf("seed %d: MineCounted found %d itemsets in %d baskets, Mine %d", seed, got.Len(), n, want.Len())
		}
		if _, _, err := MineCounted(context.Background(), counts, int64(len(baskets))+1, stream(baskets), minCount, maxLen); err == nil {
			t.Errorf("seed %d: counts of %d baskets for %d baskets: no error", seed, len(baskets)+1, len(baskets))
		}
	}
}
