package mining

import (
	"context"
	"math"
	"testing"

	"github.com/crmwh/crmwh/internal/datasets"
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
		Options: TreeOptions{Criterion: "gini", MaxDepth: depth, MinLeaf: 1}, TestFraction: 0.3, Seed: 42, Threshold: 0.5})
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

// Both criteria find an exact split, leaves keep at least MinLeaf rows, and three classes work.
func TestTreeCriteriaAndLeaves(t *testing.T) {
	x := &Matrix{Cols: 2}
	var y []int32
	for i := range 300 {
		a, b := float64(i%10), float64(i%7)
		x.Data = append(x.Data, a, b)
		x.Rows++
		switch {
		case a < 3:
			y = append(y, 0)
		case b < 4:
			y = append(y, 1)
		default:
			y = append(y, 2)
		}
	}
	for _, crit := range []string{"gini", "entropy"} {
		tree, err := FitTree(x, y, 3, []string{"a", "b"}, []string{"x", "y", "z"}, TreeOptions{Criterion: crit, MaxDepth: 3, MinLeaf: 5})
		if err != nil {
			t.Fatal(err)
		}
		wrong := 0
		for i := range x.Rows {
			p := tree.Proba(x.Row(i))
			if p[y[i]] < 0.99 {
				wrong++
			}
		}
		if wrong != 0 {
			t.Errorf("%s: %d rows misclassified on separable data", crit, wrong)
		}
		for _, nd := range tree.Nodes {
			if nd.Feature < 0 && nd.Samples < 5 {
				t.Errorf("%s: a leaf with %d rows, below the minimum of 5", crit, nd.Samples)
			}
		}
	}
	if _, err := FitTree(x, y, 3, []string{"a", "b"}, nil, TreeOptions{Criterion: "chaos", MaxDepth: 3}); err == nil {
		t.Error("an unknown criterion was accepted")
	}
}
