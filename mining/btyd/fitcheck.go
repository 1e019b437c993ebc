package btyd

import "math"

// ProbPurchases is P(X(t) = x): the probability that a customer drawn from the BG/NBD population
// makes exactly x repeat purchases in a period of length t (Fader, Hardie & Lee 2005, eq. 8).
func (p BGNBD) ProbPurchases(x int, t float64) float64 {
	if t <= 0 { // observed for no time (first purchase on the last day): no repeat purchase yet
		if x == 0 {
			return 1
		}
		return 0
	}
	r, alpha, a, b := p.R, p.Alpha, p.A, p.B
	xf := float64(x)
	lbeta := func(u, v float64) float64 {
		lu, _ := math.Lgamma(u)
		lv, _ := math.Lgamma(v)
		luv, _ := math.Lgamma(u + v)
		return lu + lv - luv
	}
	lg := func(v float64) float64 { l, _ := math.Lgamma(v); return l }
	// log of Γ(r+j) / (Γ(r) j!) (α/(α+t))^r (t/(α+t))^j: the NBD's P(j purchases by t) while alive
	nbd := func(j float64) float64 {
		return lg(r+j) - lg(r) - lg(j+1) + r*math.Log(alpha/(alpha+t)) + j*math.Log(t/(alpha+t))
	}
	out := math.Exp(lbeta(a, b+xf) - lbeta(a, b) + nbd(xf))
	if x > 0 {
		tail := 0.0
		for j := range x {
			tail += math.Exp(nbd(float64(j)))
		}
		out += math.Exp(lbeta(a+1, b+xf-1)-lbeta(a, b)) * (1 - tail)
	}
	return out
}

// FitCheck compares, for repeat-purchase counts 0 .. top−1 and top or more, how many customers of
// s made that many repeat purchases in their observation period with how many the model
// expects: the sum over customers of P(X(T) = x). It is the usual check of a BG/NBD fit.
func (p BGNBD) FitCheck(s *RFTSet, top int) (observed, expected []float64) {
	observed, expected = make([]float64, top+1), make([]float64, top+1)
	for i, h := range s.groups {
		w := s.counts[i]
		observed[min(h.X, top)] += w
		rest := 1.0
		for x := range top {
			px := p.ProbPurchases(x, h.T)
			expected[x] += w * px
			rest -= px
		}
		expected[top] += w * math.Max(0, rest)
	}
	return observed, expected
}
