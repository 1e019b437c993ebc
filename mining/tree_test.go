package mining

import (
	"context"
	"math"
	"testing"

	"github.com/crmwh/crmwh/internal/datasets"
	"github.com/crmwh/crmwh/mining/cart"
)

// trainTelco trains on the shared Telco churn data as `crmwh mine tree --label Churn
// --test-fraction 0.3 --seed 42` does, with the given engine and depth.
func trainTelco(t *testing.T, engine string, depth int) *TreeFit {
	t.Helper()
	path, err := datasets.Path("telco_churn.csv")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, _ := memConn(t, "2026-01-31", []purchase{{"c", "2026-01-01", 1}})
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE telco AS SELECT * FROM read_csv(?)", path); err != nil {
		t.Fatal(err)
	}
	fit, err := TrainTree(ctx, conn, TreeSpec{Table: "telco", Label: "Churn", MaxCategories: 32, Engine: engine,
		Options: cart.Options{Criterion: "gini", MaxDepth: depth, MinLeaf: 1}, TestFraction: 0.3, Seed: 42, Threshold: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	return fit
}

func TestTreeOnTelco(t *testing.T) {
	for _, depth := range []int{4, 5, 6, 8} {
		fit := trainTelco(t, "crmwh", depth)
		tree, m := fit.Tree, fit.Metrics
		t.Logf("depth %d: %d nodes, AUC %.4f accuracy %.4f", depth, len(tree.Nodes), m.AUC, m.Accuracy)
		if depth == 5 && m.AUC < 0.80 {
			t.Errorf("depth 5: AUC %.4f, want at least 0.80", m.AUC)
		}
		for _, nd := range tree.Nodes {
			if nd.Feature < 0 {
				s := 0.0
				for _, c := range nd.Counts {
					s += c / float64(nd.Samples)
				}
				if math.Abs(s-1) > 1e-12 {
					t.Fatalf("leaf probabilities sum to %v", s)
				}
			}
		}
	}
}

// golearn's CART, adapted, grows the same tree as ours on the Telco data: same nodes, same
// hold-out AUC (the comparison the README reports).
func TestGolearnOnTelco(t *testing.T) {
	ours, theirs := trainTelco(t, "crmwh", 5), trainTelco(t, "golearn", 5)
	t.Logf("depth 5: crmwh %d nodes, AUC %.4f; golearn %d nodes, AUC %.4f",
		len(ours.Tree.Nodes), ours.Metrics.AUC, len(theirs.Tree.Nodes), theirs.Metrics.AUC)
	if len(theirs.Tree.Nodes) != len(ours.Tree.Nodes) || math.Abs(theirs.Metrics.AUC-ours.Metrics.AUC) > 1e-9 {
		t.Errorf("golearn's tree differs from ours")
	}
}
