package mining

import (
	"context"
	"math"
	"testing"

	"github.com/crmwh/crmwh/internal/datasets"
)

// telcoPath is the shared Telco churn data.
func telcoPath(t *testing.T) string {
	t.Helper()
	p, err := datasets.Path("telco_churn.csv")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fitTable encodes a table, splits it, fits and evaluates: the steps of `crmwh mine tree`.
func fitTable(t *testing.T, table, label string, depth int) (*Tree, BinaryMetrics) {
	t.Helper()
	ctx := context.Background()
	conn, _ := memConn(t, "2026-01-31", []purchase{{"c", "2026-01-01", 1}})
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE telco AS SELECT * FROM read_csv(?)", telcoPath(t)); err != nil {
		t.Fatal(err)
	}
	enc, err := NewTreeEncoding(ctx, conn, table, label, nil, nil, 32)
	if err != nil {
		t.Fatal(err)
	}
	x, labels, err := enc.Encode(ctx, conn, table, label)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]int32, len(labels))
	for i, l := range labels {
		if l.String == "Yes" || l.String == "true" {
			y[i] = 1
		}
	}
	test := StratifiedSplit(y, 2, 0.3, 42)
	train, ytr := &Matrix{Cols: x.Cols}, []int32{}
	for i := range x.Rows {
		if !test[i] {
			train.Data = append(train.Data, x.Row(i)...)
			train.Rows++
			ytr = append(ytr, y[i])
		}
	}
	tree, err := FitTree(train, ytr, 2, enc.Features, []string{"No", "Yes"}, TreeOptions{Criterion: "gini", MaxDepth: depth, MinLeaf: 1})
	if err != nil {
		t.Fatal(err)
	}
	var p []float64
	var lab []bool
	for i := range x.Rows {
		if test[i] {
			p = append(p, tree.Proba(x.Row(i))[1])
			lab = append(lab, y[i] == 1)
		}
	}
	return tree, Evaluate(p, lab, 0.5)
}

func TestTreeOnTelco(t *testing.T) {
	for _, depth := range []int{4, 5, 6, 8} {
		tree, m := fitTable(t, "telco", "Churn", depth)
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

// golearn's tree, adapted, classifies the held-out Telco rows about as well (for the README).
func TestGolearnOnTelco(t *testing.T) {
	if testing.Short() {
		t.Skip("golearn is slow")
	}
	ctx := context.Background()
	conn, _ := memConn(t, "2026-01-31", []purchase{{"c", "2026-01-01", 1}})
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE telco AS SELECT * FROM read_csv(?)", telcoPath(t)); err != nil {
		t.Fatal(err)
	}
	enc, err := NewTreeEncoding(ctx, conn, "telco", "Churn", nil, nil, 32)
	if err != nil {
		t.Fatal(err)
	}
	x, labels, err := enc.Encode(ctx, conn, "telco", "Churn")
	if err != nil {
		t.Fatal(err)
	}
	y := make([]int32, len(labels))
	for i, l := range labels {
		if l.String == "true" {
			y[i] = 1
		}
	}
	test := StratifiedSplit(y, 2, 0.3, 42)
	train, ytr := &Matrix{Cols: x.Cols}, []int32{}
	for i := range x.Rows {
		if !test[i] {
			train.Data = append(train.Data, x.Row(i)...)
			train.Rows++
			ytr = append(ytr, y[i])
		}
	}
	g, err := FitGolearn(train, ytr, 2, enc.Features, []string{"false", "true"}, TreeOptions{Criterion: "gini", MaxDepth: 5})
	if err != nil {
		t.Fatal(err)
	}
	var p []float64
	var lab []bool
	for i := range x.Rows {
		if test[i] {
			p = append(p, g.Proba(x.Row(i))[1])
			lab = append(lab, y[i] == 1)
		}
	}
	m := Evaluate(p, lab, 0.5)
	t.Logf("golearn depth 5: %d nodes, AUC %.4f", len(g.Nodes), m.AUC)
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
