package mining

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/crmwh/crmwh/mining/fpgrowth"
)

// TestRecommendBatches checks Recommend's recommendations worked by hand, read in batches of
// every size from one customer to all of them: a batch bound must neither split nor drop a
// customer. With a rule of empty antecedent every customer's rows are read; without one, only
// the rows a rule can use (recommend_owned.sql), which must not change a recommendation.
func TestRecommendBatches(t *testing.T) {
	ctx := context.Background()
	rules := []fpgrowth.Rule{
		{Antecedent: []int32{0}, Consequent: []int32{1}, Confidence: 0.8, Lift: 2},      // rule 1
		{Antecedent: []int32{0, 2}, Consequent: []int32{3}, Confidence: 0.9, Lift: 1.5}, // rule 2
		{Antecedent: []int32{2}, Consequent: []int32{1}, Confidence: 0.5, Lift: 3},      // rule 3
		{Consequent: []int32{4}, Confidence: 0.1, Lift: 1},                              // rule 4, empty antecedent
	}
	// (customer, item, basis, blocked): bought items are the basis and blocked; a returned one is
	// blocked only.
	owned := [][4]any{
		{"a", 0, true, true},
		{"b", 0, true, true}, {"b", 2, true, true},
		{"c", 2, true, true}, {"c", 1, false, true},
		{"d", 4, true, true},
		{"e", 0, true, true}, {"e", 1, true, true},
		{"f", 0, true, true}, {"f", 2, true, true}, {"f", 3, false, true},
		{"g", 2, true, true},
	}
	// By hand, top 2 by confidence, an item scored by its best rule: customer|item|rank|rule.
	cases := []struct {
		name  string
		rules []fpgrowth.Rule
		want  []string
	}{
		{"all rules", rules, []string{
			"a|1|1|1", "a|4|2|4",
			"b|3|1|2", "b|1|2|1",
			"c|4|1|4",
			"e|4|1|4",
			"f|1|1|1", "f|4|2|4",
			"g|1|1|3", "g|4|2|4",
		}},
		// c's item 1 and e's are blocked consequents, d's item 4 is in no rule
		{"no empty antecedent", rules[:3], []string{
			"a|1|1|1",
			"b|3|1|2", "b|1|2|1",
			"f|1|1|1",
			"g|1|1|3",
		}},
	}
	for _, tc := range cases {
		for _, batch := range []int{1, 2, 3, 6, 7, 0} {
			t.Run(fmt.Sprintf("%s, batch %d", tc.name, batch), func(t *testing.T) {
				fit, want := &AssocFit{Rules: tc.rules}, tc.want
				conn := emptyConn(t)
				if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE owned (customer_id VARCHAR, item_id INTEGER, basis BOOLEAN, blocked BOOLEAN)"); err != nil {
					t.Fatal(err)
				}
				for _, o := range owned {
					if _, err := conn.ExecContext(ctx, "INSERT INTO owned VALUES (?, ?, ?, ?)", o[:]...); err != nil {
						t.Fatal(err)
					}
				}
				n, err := fit.Recommend(ctx, conn, "owned", 5, Recommending{TopN: 2, Score: "confidence", Batch: batch})
				if err != nil {
					t.Fatal(err)
				}
				got := rowText(t, conn, `SELECT customer_id, item_id, "rank", rule_id FROM recs_raw ORDER BY customer_id, "rank"`)
				if n != int64(len(want)) || !slices.Equal(got, want) {
					t.Errorf("Recommend wrote %d:\n%q\nwant %d:\n%q", n, got, len(want), want)
				}
			})
		}
	}
}
