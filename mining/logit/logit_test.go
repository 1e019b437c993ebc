package logit

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/crmwh/crmwh/mining/matrix"
)

// Data drawn from a known logistic model gives its coefficients back (on the standardised
// scale), a constant feature gets 0, and the fit is deterministic.
func TestFitRecoversCoefficients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 40000
	x := &matrix.Dense{Rows: n, Cols: 3, Data: make([]float64, 3*n)}
	y := make([]int32, n)
	for i := range n {
		a, b := rng.NormFloat64(), 5+2*rng.NormFloat64() // b: mean 5, sd 2
		x.Data[i*3], x.Data[i*3+1], x.Data[i*3+2] = a, b, 7
		logit := -0.5 + 1.2*a - 0.8*(b-5)/2
		if rng.Float64() < 1/(1+math.Exp(-logit)) {
			y[i] = 1
		}
	}
	m, err := Fit(context.Background(), x, y, Options{C: 1e6, MaxIter: 500})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("coefficients %v, intercept %.4f, %d iterations", m.Coef, m.Intercept, m.Iterations)
	for j, want := range []float64{1.2, -0.8, 0} {
		if math.Abs(m.Coef[j]-want) > 0.05 {
			t.Errorf("coefficient %d: %.4f, want %.2f", j, m.Coef[j], want)
		}
	}
	if math.Abs(m.Intercept+0.5) > 0.05 {
		t.Errorf("intercept %.4f, want -0.5", m.Intercept)
	}
	again, _ := Fit(context.Background(), x, y, Options{C: 1e6, MaxIter: 500})
	if again.Intercept != m.Intercept {
		t.Error("two fits differ")
	}
	// A strong penalty shrinks the coefficients towards 0.
	small, err := Fit(context.Background(), x, y, Options{C: 1e-5, MaxIter: 500})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(small.Coef[0]) >= math.Abs(m.Coef[0])/2 {
		t.Errorf("C = 1e-5 leaves coefficient %.4f (unpenalised %.4f)", small.Coef[0], m.Coef[0])
	}
}
