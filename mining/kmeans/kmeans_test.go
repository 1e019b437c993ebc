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
	labels := plainLloyd(x, f.centers, 500)
	if ari := AdjustedRand(res.Labels, labels); ari != 1 {
		t.Errorf("Hamerly and plain Lloyd disagree: adjusted Rand %.6f", ari)
	}
}

// plainLloyd is Lloyd's algorithm as written in the textbook, from the given centres, for iters
// iterations: the reference the fits are compared with.
func plainLloyd(x *matrix.Dense, start []float64, iters int) []int32 {
	d := x.Cols
	k := len(start) / d
	centers := append([]float64(nil), start...)
	labels := make([]int32, x.Rows)
	for range iters {
		for i := range x.Rows {
			best := math.Inf(1)
			for j := range k {
				if s := sqDist(x.Row(i), centers[j*d:(j+1)*d]); s < best {
					best, labels[i] = s, int32(j)
				}
			}
		}
		sums, n := make([]float64, k*d), make([]float64, k)
		for i, l := range labels {
			n[l]++
			for t := range d {
				sums[int(l)*d+t] += x.Row(i)[t]
			}
		}
		for j := range k * d {
			sums[j] /= n[j/d]
		}
		centers = sums
	}
	return labels
}

// A fit started from given centres (the cluster job's fit on every customer, started from the
// fit on a sample) is Lloyd's from those centres, and as good as seeded restarts on all rows.
func TestKMeansFromGivenCentres(t *testing.T) {
	x, _ := blobs(17, 6000, 4, 5, 3)
	sample := &matrix.Dense{Data: x.Data[:1500*4], Rows: 1500, Cols: 4} // blobs cycles through the centres: every one is in the sample
	opt := Options{K: 5, NInit: 4, MaxIter: 500, Tol: 0, Seed: 3}
	onSample, err := Fit(context.Background(), sample, opt)
	if err != nil {
		t.Fatal(err)
	}
	seeded, err := Fit(context.Background(), x, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Init = onSample.Centers
	warm, err := Fit(context.Background(), x, opt)
	if err != nil {
		t.Fatal(err)
	}
	if ari := AdjustedRand(warm.Labels, plainLloyd(x, onSample.Centers, 500)); ari != 1 {
		t.Errorf("the fit from given centres is not Lloyd's from them: adjusted Rand %.6f", ari)
	}
	if warm.Inertia > seeded.Inertia*1.001 {
		t.Errorf("inertia %.2f from the sample's centres, %.2f from four seeded restarts", warm.Inertia, seeded.Inertia)
	}
	t.Logf("iterations %d warm, %d seeded; inertia %.4f warm, %.4f seeded", warm.Iterations, seeded.Iterations, warm.Inertia, seeded.Inertia)
	if warm.Iterations >= seeded.Iterations {
		t.Errorf("%d iterations from the sample's centres, %d from seeding: nothing was saved", warm.Iterations, seeded.Iterations)
	}
	// Started from its own result, a fit stops at once with the same clusters.
	opt.Init = warm.Centers
	again, err := Fit(context.Background(), x, opt)
	if err != nil {
		t.Fatal(err)
	}
	if again.Iterations != 1 || again.Inertia != warm.Inertia || AdjustedRand(again.Labels, warm.Labels) != 1 {
		t.Errorf("from converged centres: %d iterations, inertia %.6f against %.6f", again.Iterations, again.Inertia, warm.Inertia)
	}
	opt.Init = warm.Centers[:7]
	if _, err := Fit(context.Background(), x, opt); err == nil {
		t.Error("7 starting values for 5 centres of 4 features were accepted")
	}
}
