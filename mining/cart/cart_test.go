package cart

import (
	"context"
	"testing"

	"github.com/crmwh/crmwh/mining/matrix"
)

// Both criteria find an exact split, leaves keep at least MinLeaf rows, and three classes work.
func TestTreeCriteriaAndLeaves(t *testing.T) {
	x := &matrix.Dense{Cols: 2}
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
		tree, err := Fit(context.Background(), x, y, 3, []string{"a", "b"}, []string{"x", "y", "z"}, Options{Criterion: crit, MaxDepth: 3, MinLeaf: 5})
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
	if _, err := Fit(context.Background(), x, y, 3, []string{"a", "b"}, nil, Options{Criterion: "chaos", MaxDepth: 3}); err == nil {
		t.Error("an unknown criterion was accepted")
	}
}
