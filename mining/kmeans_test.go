package mining

import (
	"math"
	"math/rand/v2"
	"testing"
)

// blobs draws n rows around centres spread uniformly in [-10, 10]^d, as scikit-learn's
// make_blobs does, and returns the rows and their true centre.
func blobs(seed uint64, n, d, centres int, std float64) (*Matrix, []int32) {
	rng := rand.New(rand.NewPCG(seed, 3))
	c := make([]float64, centres*d)
	for i := range c {
		c[i] = rng.Float64()*20 - 10
	}
	m := &Matrix{Data: make([]float64, n*d), Rows: n, Cols: d}
	truth := make([]int32, n)
	for i := range n {
		truth[i] = int32(i % centres)
		for j := range d {
			m.Data[i*d+j] = c[int(truth[i])*d+j] + rng.NormFloat64()*std
		}
	}
	return m, truth
}

// adjustedRand is the adjusted Rand index of two labelings (1: identical up to renaming).
func adjustedRand(a, b []int32) float64 {
	type pair struct{ x, y int32 }
	joint, ra, rb := map[pair]float64{}, map[int32]float64{}, map[int32]float64{}
	for i := range a {
		joint[pair{a[i], b[i]}]++
		ra[a[i]]++
		rb[b[i]]++
	}
	c2 := func(v float64) float64 { return v * (v - 1) / 2 }
	var sj, sa, sb float64
	for _, v := range joint {
		sj += c2(v)
	}
	for _, v := range ra {
		sa += c2(v)
	}
	for _, v := range rb {
		sb += c2(v)
	}
	expected := sa * sb / c2(float64(len(a)))
	return (sj - expected) / ((sa+sb)/2 - expected)
}

func TestKMeansRecoversBlobs(t *testing.T) {
	for _, c := range []struct {
		n, d, k int
		std     float64
	}{
		{20000, 8, 8, 1}, {5000, 2, 5, 0.5}, {3000, 20, 4, 2},
	} {
		x, truth := blobs(7, c.n, c.d, c.k, c.std)
		res, err := KMeans(x, KMeansOptions{K: c.k, NInit: 3, MaxIter: 300, Tol: 1e-4, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if ari := adjustedRand(res.Labels, truth); ari < 0.95 {
			t.Errorf("%+v: adjusted Rand index %.4f, want > 0.95", c, ari)
		}
		again, _ := KMeans(x, KMeansOptions{K: c.k, NInit: 3, MaxIter: 300, Tol: 1e-4, Seed: 1})
		if again.Inertia != res.Inertia || adjustedRand(again.Labels, res.Labels) != 1 {
			t.Errorf("%+v: same seed, different result", c)
		}
	}
}

// Hamerly's bounds only skip work: the clustering equals plain Lloyd's.
func TestKMeansMatchesPlainLloyd(t *testing.T) {
	x, _ := blobs(11, 4000, 3, 6, 4) // overlapping: many iterations, many changes
	res, err := KMeans(x, KMeansOptions{K: 6, NInit: 1, MaxIter: 500, Tol: 0, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	// Plain Lloyd from the same seeding.
	f := newFit(x, 6)
	f.seed(rand.New(rand.NewPCG(5, 0x6b6d65616e73)), 2+int(math.Log(6)))
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
	if ari := adjustedRand(res.Labels, labels); ari != 1 {
		t.Errorf("Hamerly and plain Lloyd disagree: adjusted Rand %.6f", ari)
	}
}
