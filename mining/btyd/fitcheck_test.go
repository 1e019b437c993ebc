package btyd

import (
	"context"
	"math"
	"testing"
)

// P(X(t) = x) sums to 1 over x; the expected counts of a fit on simulated data follow the
// observed ones; and the probabilities equal a direct simulation of the model.
func TestFitCheck(t *testing.T) {
	p := BGNBD{R: 0.5, Alpha: 6, A: 0.7, B: 2.5}
	sum := 0.0
	for x := range 400 {
		sum += p.ProbPurchases(x, 104)
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("P(X(104) = x) sums to %.12f over x", sum)
	}
	if p.ProbPurchases(0, 0) != 1 || p.ProbPurchases(1, 0) != 0 {
		t.Error("a customer observed for no time has made no repeat purchase")
	}
	// Against a simulation with every customer observed for the same T = 78.
	rfts, _ := simulate(21, 200000, p, GammaGamma{P: 6, Q: 4, Gamma: 15}, 78, 78)
	observed, expected := p.FitCheck(rfts, 7)
	n := float64(rfts.Customers())
	for x := range observed {
		t.Logf("%d%s repeat purchases: observed %.0f, expected %.1f", x, map[bool]string{true: "+"}[x == 7], observed[x], expected[x])
		// Binomial noise: 4 standard deviations.
		q := expected[x] / n
		if sd := math.Sqrt(n * q * (1 - q)); math.Abs(observed[x]-expected[x]) > 4*sd+1 {
			t.Errorf("%d repeat purchases: %.0f observed, %.1f expected (sd %.1f)", x, observed[x], expected[x], sd)
		}
	}
	// A fitted model's expected counts add up to the customers.
	fit, _, err := FitBGNBD(context.Background(), rfts)
	if err != nil {
		t.Fatal(err)
	}
	_, e := fit.FitCheck(rfts, 7)
	total := 0.0
	for _, v := range e {
		total += v
	}
	if math.Abs(total-n) > 1e-6*n {
		t.Errorf("expected counts add up to %.3f, customers %.0f", total, n)
	}
}
