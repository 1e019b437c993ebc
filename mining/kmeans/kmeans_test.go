package kmeans

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/crmwh/crmwh/mining/matrix"
)

// blobs draws n rows around centres spread uniformly in [-10, 10]^d, as scikit-learn's
// make_blobs does, and returns the rows and their true centre.
func blobs(seed uint64, n, d, centres int, std float64) (*matrix.Dense, []int32) {
	rng := rand.New(rand.NewPCG(seed, 3))
	c := make([]float64, centres*d)
	for i := range c {
		c[i] = rng.Float64()*20 - 10
	}
	m := &matrix.Dense{Data: make([]float64, n*d), Rows: n, Cols: d}
	truth := make([]int32, n)
	for i := range n {
		truth[i] = int32(i % centres)
		for j := range d {
			m.Data[i*d+j] = c[int(truth[i])*d+j] + rng.NormFloat64()*std
		}
	}
	return m, truth
}

func TestKMeansRecoversBlobs(t *testing.T) {
	for _, c := range []struct {
		n, d, k int
		std     float64
	}{
		{20000, 8, 8, 1}, {5000, 2, 5, 0.5}, {3000, 20, 4, 2},
	} {
		x, truth := blobs(7, c.n, c.d, c.k, c.std)
		res, err := Fit(context.Background(), x, Options{K: c.k, NInit: 3, MaxIter: 300, Tol: 1e-4, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if ari := AdjustedRand(res.Labels, truth); ari < 0.95 {
			t.Errorf("%+v: adjusted Rand index %.4f, want > 0.95", c, ari)
		}
		again, _ := Fit(context.Background(), x, Options{K: c.k, NInit: 3, MaxIter: 300, Tol: 1e-4, Seed: 1})
		if again.Inertia != res.Inertia || AdjustedRand(again.Labels, res.Labels) != 1 {
			t.Errorf("%+v: same seed, different result", c)
		}
	}
}

// Hamerly's bounds only skip work: the clustering equals plain Lloyd's.
func TestKMeansMatchesPlainLloyd(t *testing.T) {
	x, _ := blobs(11, 4000, 3, 6, 4) // overlapping: many iterations, many changes
	res, err := Fit(context.Background(), x, Options{K: 6, NInit: 1, MaxIter: 500, Tol: 0, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	// Plain Lloyd from the same seeding.
	f := newFit(x, 6)
	if err := f.seed(context.Background(), rand.New(rand.NewPCG(5, 0x6b6d65616e73)), 2+int(math.Log(6))); err != nil {
		t.Fatal(err)
	}
	centers := append([]float64(nil), f.centers...)
	labels := make([]int32, x.Rows)
	for range 500 {
		for i := range x.Rows {
			best := math.Inf(1)
			for j := range 6 {
				if s := sqDist(x.Row(i), centers[j*3:(j+1)*3]); s < best {
					best, labels[i] = s, int32(j)
				}
			}
		}
		sums, n := make([]float64, 18), make([]float64, 6)
		for i, l := range labels {
			n[l]++
			for t := range 3 {
				sums[int(l)*3+t] += x.Row(i)[t]
			}
		}
		for j := range 18 {
			sums[j] /= n[j/3]
		}
		centers = sums
	}
	if ari := AdjustedRand(res.Labels, labels); ari != 1 {
		t.Errorf("Hamerly and plain Lloyd disagree: adjusted Rand %.6f", ari)
	}
}
