package kmeans

import "testing"

func TestChooseK(t *testing.T) {
	cases := []struct {
		name string
		ks   []int
		sil  []float64
		tol  float64
		want int // the k chosen
	}{
		{"best alone (the demo's k = 2 against 4 by 0.004)", []int{2, 3, 4, 5}, []float64{0.277, 0.240, 0.273, 0.250}, 0, 2},
		{"within tolerance the larger k", []int{2, 3, 4, 5}, []float64{0.277, 0.240, 0.273, 0.250}, 0.02, 4},
		{"a wider tolerance reaches further", []int{2, 3, 4, 5}, []float64{0.277, 0.240, 0.273, 0.250}, 0.03, 5},
		{"a tie without tolerance: the larger k", []int{3, 4}, []float64{0.3, 0.3}, 0, 4},
		{"candidates in any order", []int{6, 3, 5, 4}, []float64{0.10, 0.31, 0.30, 0.35}, 0.02, 4},
		{"just within the tolerance", []int{3, 4}, []float64{0.5, 0.4801}, 0.02, 4}, {"just outside it", []int{3, 4}, []float64{0.5, 0.4799}, 0.02, 3},
		{"one candidate", []int{3}, []float64{0.1}, 0.02, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.ks[ChooseK(tc.ks, tc.sil, tc.tol)]; got != tc.want {
				t.Errorf("chose k = %d, want %d", got, tc.want)
			}
		})
	}
}
