package kmeans

import (
	"context"
	"math"
	"testing"

	"github.com/crmwh/crmwh/mining/matrix"
)

func dense(rows [][]float64) *matrix.Dense {
	m := &matrix.Dense{Rows: len(rows), Cols: len(rows[0])}
	for _, r := range rows {
		m.Data = append(m.Data, r...)
	}
	return m
}

// The silhouette equals scikit-learn's silhouette_score on a small case, for two labelings at once.
func TestSilhouetteMatchesScikitLearn(t *testing.T) {
	x := dense([][]float64{{0, 0}, {0, 1}, {1, 0}, {5, 5}, {5, 6}, {6, 5}, {6, 6}, {10, 0}})
	all := []int{0, 1, 2, 3, 4, 5, 6, 7}
	got, err := Silhouettes(context.Background(), x, all, [][]int32{{0, 0, 0, 1, 1, 1, 1, 2}, {0, 0, 1, 1, 1, 1, 0, 1}}, []int{3, 2})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{0.7338680173886367, 0.042870989282287664} {
		if math.Abs(got[i]-want) > 1e-12 {
			t.Errorf("labeling %d: silhouette %.15f, want %.15f", i, got[i], want)
		}
	}
}

func TestKMeansEdgeCases(t *testing.T) {
	// k above the number of distinct rows: k is lowered to it, every row sits on its centre.
	x := dense([][]float64{{1, 1}, {1, 1}, {2, 2}, {3, 3}, {3, 3}, {2, 2}})
	res, err := Fit(context.Background(), x, Options{K: 5, NInit: 2, MaxIter: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.K != 3 || res.Inertia != 0 || len(res.Sizes) != 3 {
		t.Errorf("k=5 on 3 distinct rows: k %d, inertia %g, sizes %v; want 3 clusters, inertia 0", res.K, res.Inertia, res.Sizes)
	}
	// A far outlier gets a cluster of its own.
	b, _ := blobs(3, 400, 2, 2, 0.5)
	b.Data = append(b.Data, 500, 500)
	b.Rows++
	res, err = Fit(context.Background(), b, Options{K: 3, NInit: 1, MaxIter: 100, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if l := res.Labels[b.Rows-1]; res.Sizes[l] != 1 {
		t.Errorf("the outlier's cluster has %d rows, want 1", res.Sizes[l])
	}
	// An empty cluster is re-seeded, not dropped: start one centre far from every row.
	f := newFit(b, 3)
	copy(f.centers, []float64{b.Data[0], b.Data[1], b.Data[2], b.Data[3], 1e6, 1e6})
	r, err := f.lloyd(context.Background(), 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Reseeded == 0 || r.K != 3 {
		t.Errorf("re-seeded %d times, k %d", r.Reseeded, r.K)
	}
	for c, n := range r.Sizes {
		if n == 0 {
			t.Errorf("cluster %d is empty", c)
		}
	}
	// NaN is refused with a clear error.
	if _, err := Fit(context.Background(), dense([][]float64{{1}, {math.NaN()}}), Options{K: 1}); err == nil {
		t.Error("NaN accepted")
	}
}
