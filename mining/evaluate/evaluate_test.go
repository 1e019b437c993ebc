package evaluate

import (
	"math"
	"testing"
)

// Binary's figures on cases worked by hand: AUC counts ties half, the confusion matrix follows
// the threshold, and the split keeps each class's share.
func TestBinaryByHand(t *testing.T) {
	cases := []struct {
		name           string
		p              []float64
		label          []bool
		auc            float64
		tp, fp, tn, fn int
	}{
		{"perfect", []float64{0.9, 0.8, 0.2, 0.1}, []bool{true, true, false, false}, 1, 2, 0, 2, 0},
		{"reversed", []float64{0.1, 0.2, 0.8, 0.9}, []bool{true, true, false, false}, 0, 0, 2, 0, 2},
		{"ties", []float64{0.5, 0.5, 0.5, 0.5}, []bool{true, false, true, false}, 0.5, 2, 2, 0, 0},
		{"one swap", []float64{0.9, 0.4, 0.6, 0.1}, []bool{true, true, false, false}, 0.75, 1, 1, 1, 1},
	}
	for _, c := range cases {
		m := Binary(c.p, c.label, 0.5)
		if math.Abs(m.AUC-c.auc) > 1e-12 || m.TP != c.tp || m.FP != c.fp || m.TN != c.tn || m.FN != c.fn {
			t.Errorf("%s: AUC %.3f TP %d FP %d TN %d FN %d, want %.3f %d %d %d %d", c.name, m.AUC, m.TP, m.FP, m.TN, m.FN,
				c.auc, c.tp, c.fp, c.tn, c.fn)
		}
	}
	y := make([]int32, 1000)
	for i := range y {
		if i%4 == 0 {
			y[i] = 1
		}
	}
	test := StratifiedSplit(y, 2, 0.3, 7)
	var held [2]int
	for i, in := range test {
		if in {
			held[y[i]]++
		}
	}
	if held[0] != 225 || held[1] != 75 {
		t.Errorf("held out %v of 750/250, want 225 and 75", held)
	}
}
