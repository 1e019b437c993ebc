package btyd

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// GammaGamma holds the parameters of the Gamma-Gamma model of spend per purchase (Fader, Hardie &
// Lee 2005): a customer's purchases are gamma(p, nu) in value, and nu is gamma(q, gamma) across
// customers.
type GammaGamma struct {
	P, Q, Gamma float64
}

// SpendSet is the Gamma-Gamma input: for each repeat customer, the number of repeat purchases x
// and their mean value m. Sums that do not depend on the parameters are kept as they are added.
type SpendSet struct {
	x, m []float64
	// sums over customers of x·ln m, ln m, x·ln x: the parts of the likelihood that are constant
	sumXLnM, sumLnM, sumXLnX float64
	// customers per x, for the terms that depend only on x; xs keeps first-seen order so that
	// sums run in the same order every time
	perX map[float64]float64
	xs   []float64
}

// Add counts one customer with x ≥ 1 repeat purchases of mean value m > 0; others are ignored and
// reported false, as the model is undefined for them.
func (s *SpendSet) Add(x int, m float64) bool {
	if x < 1 || !(m > 0) || math.IsInf(m, 0) {
		return false
	}
	if s.perX == nil {
		s.perX = map[float64]float64{}
	}
	xf, lm := float64(x), math.Log(m)
	s.x, s.m = append(s.x, xf), append(s.m, m)
	s.sumXLnM += xf * lm
	s.sumLnM += lm
	s.sumXLnX += xf * math.Log(xf)
	if _, ok := s.perX[xf]; !ok {
		s.xs = append(s.xs, xf)
	}
	s.perX[xf]++
	return true
}

// Customers is the number of customers added.
func (s *SpendSet) Customers() int { return len(s.x) }

// MeanSpend is the mean of the customers' mean values, summed in the order they were added.
func (s *SpendSet) MeanSpend() float64 {
	mean := 0.0
	for _, m := range s.m {
		mean += m / float64(len(s.m))
	}
	return mean
}

// eval returns the total log-likelihood and its gradient in (p, q, gamma).
func (s *SpendSet) eval(g GammaGamma) (float64, [3]float64) {
	p, q, gm := g.P, g.Q, g.Gamma
	n := float64(len(s.x))
	lgQ, _ := math.Lgamma(q)
	psiQ := mathext.Digamma(q)
	ll := q*math.Log(gm)*n + p*s.sumXLnM - s.sumLnM + p*s.sumXLnX - n*lgQ
	d := [3]float64{s.sumXLnM + s.sumXLnX, n * (math.Log(gm) - psiQ), n * q / gm}
	for _, x := range s.xs {
		c := s.perX[x]
		lg1, _ := math.Lgamma(p*x + q)
		lg2, _ := math.Lgamma(p * x)
		psi1, psi2 := mathext.Digamma(p*x+q), mathext.Digamma(p*x)
		ll += c * (lg1 - lg2)
		d[0] += c * x * (psi1 - psi2)
		d[1] += c * psi1
	}
	for i, x := range s.x {
		v := x*s.m[i] + gm
		lv := math.Log(v)
		ll -= (p*x + q) * lv
		d[0] -= x * lv
		d[1] -= lv
		d[2] -= (p*x + q) / v
	}
	return ll, d
}

// LogLik is the total Gamma-Gamma log-likelihood of the customers under g.
func (g GammaGamma) LogLik(s *SpendSet) float64 {
	ll, _ := s.eval(g)
	return ll
}

// FitGammaGamma estimates the parameters by maximum likelihood: BFGS on the log-parameters, with
// the analytic gradient.
func FitGammaGamma(ctx context.Context, s *SpendSet) (GammaGamma, FitInfo, error) {
	n := float64(len(s.x))
	if n < 2 {
		return GammaGamma{}, FitInfo{}, errors.New("Gamma-Gamma: at least two repeat customers are needed")
	}
	var meanM float64
	for _, m := range s.m {
		meanM += m / n
	}
	from := func(v []float64) GammaGamma {
		return GammaGamma{P: math.Exp(v[0]), Q: math.Exp(v[1]), Gamma: math.Exp(v[2])}
	}
	// Start at p = q = 1 and gamma on the scale of the spend.
	start := []float64{0, 0, math.Log(meanM)}
	fn := &cachedObjective{eval: func(v []float64) (float64, []float64) {
		g := from(v)
		ll, d := s.eval(g)
		return -ll / n, []float64{-d[0] * g.P / n, -d[1] * g.Q / n, -d[2] * g.Gamma / n}
	}}
	v, info, err := minimize(ctx, fn, start)
	if err != nil {
		return GammaGamma{}, info, fmt.Errorf("Gamma-Gamma fit: %w", err)
	}
	info.LogLik *= -n
	return from(v), info, nil
}

// ExpectedSpend is the expected value of a future purchase of a customer with x repeat purchases
// of mean value m; with x = 0 it is the population mean. It needs q > 1 (a finite mean).
func (g GammaGamma) ExpectedSpend(x int, m float64) float64 {
	xf := float64(x)
	if x == 0 {
		m = 0
	}
	return (g.Gamma + xf*m) * g.P / (g.P*xf + g.Q - 1)
}
