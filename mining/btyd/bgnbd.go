package btyd

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/optimize"
)

// BGNBD holds the parameters of the beta-geometric/negative binomial distribution model of repeat
// buying (Fader, Hardie & Lee 2005): purchase rates are gamma(r, alpha) across customers, and after
// each purchase a customer drops out with a probability that is beta(a, b) across customers.
type BGNBD struct {
	R, Alpha, A, B float64
}

// RFT is the purchase history BG/NBD needs from one customer: X repeat purchases (purchase days
// after the first), the last of them at Tx, observed until T. Tx and T count time units from the
// first purchase.
type RFT struct {
	X     int
	Tx, T float64
}

// RFTSet is many customers' histories compressed to the distinct (x, t_x, T) with their counts:
// customers sharing a history contribute the same likelihood term, and at daily or weekly
// resolution most do, so a fit costs the distinct histories rather than the customers.
type RFTSet struct {
	index  map[RFT]int
	groups []RFT
	counts []float64
	n      float64
}

// Add counts one customer's history.
func (s *RFTSet) Add(h RFT) {
	if s.index == nil {
		s.index = make(map[RFT]int)
	}
	i, ok := s.index[h]
	if !ok {
		i = len(s.groups)
		s.index[h] = i
		s.groups = append(s.groups, h)
		s.counts = append(s.counts, 0)
	}
	s.counts[i]++
	s.n++
}

// Customers is how many histories were added; Distinct how many of them differ.
func (s *RFTSet) Customers() int { return int(s.n) }

// Distinct is the number of distinct histories.
func (s *RFTSet) Distinct() int { return len(s.groups) }

// FitInfo describes how a maximum-likelihood fit ended.
type FitInfo struct {
	LogLik      float64 // total log-likelihood at the estimate
	Iterations  int
	Evaluations int
	Status      string
}

// bgnbdTables holds what the likelihood needs per distinct x, T and t_x, so that the per-customer
// work is a few lookups, one exp and one log.
type bgnbdTables struct {
	xs, ts, txs  []float64
	xi, ti, txi  []int32
	perX         []bgnbdX
	logT, invT   []float64
	logTx, invTx []float64
	workers      int
}

type bgnbdX struct {
	a12, c4                        float64 // A1+A2 and ln a − ln(b+x−1)
	dA12r, dA12alpha, dA12a, dA12b float64
	db4                            float64 // d(c4)/db
}

func newBGNBDTables(ctx context.Context, s *RFTSet) (*bgnbdTables, error) {
	t := &bgnbdTables{workers: runtime.GOMAXPROCS(0)}
	xIdx, tIdx, txIdx := map[float64]int32{}, map[float64]int32{}, map[float64]int32{}
	lookup := func(m map[float64]int32, vals *[]float64, v float64) int32 {
		i, ok := m[v]
		if !ok {
			i = int32(len(*vals))
			m[v] = i
			*vals = append(*vals, v)
		}
		return i
	}
	t.xi = make([]int32, len(s.groups))
	t.ti = make([]int32, len(s.groups))
	t.txi = make([]int32, len(s.groups))
	for g, h := range s.groups {
		if g%(1<<16) == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		t.xi[g] = lookup(xIdx, &t.xs, float64(h.X))
		t.ti[g] = lookup(tIdx, &t.ts, h.T)
		t.txi[g] = lookup(txIdx, &t.txs, h.Tx)
	}
	t.perX = make([]bgnbdX, len(t.xs))
	t.logT, t.invT = make([]float64, len(t.ts)), make([]float64, len(t.ts))
	t.logTx, t.invTx = make([]float64, len(t.txs)), make([]float64, len(t.txs))
	return t, nil
}

// fill computes the tables for one parameter point.
func (t *bgnbdTables) fill(p BGNBD) {
	r, alpha, a, b := p.R, p.Alpha, p.A, p.B
	lgR, _ := math.Lgamma(r)
	lgAB, _ := math.Lgamma(a + b)
	lgB, _ := math.Lgamma(b)
	psiR, psiAB, psiB := mathext.Digamma(r), mathext.Digamma(a+b), mathext.Digamma(b)
	lnAlpha := math.Log(alpha)
	for i, x := range t.xs {
		lgRX, _ := math.Lgamma(r + x)
		lgBX, _ := math.Lgamma(b + x)
		lgABX, _ := math.Lgamma(a + b + x)
		psiABX := mathext.Digamma(a + b + x)
		e := bgnbdX{
			a12:       lgRX - lgR + r*lnAlpha + lgAB + lgBX - lgB - lgABX,
			dA12r:     mathext.Digamma(r+x) - psiR + lnAlpha,
			dA12alpha: r / alpha,
			dA12a:     psiAB - psiABX,
			dA12b:     psiAB + mathext.Digamma(b+x) - psiB - psiABX,
		}
		if x > 0 {
			e.c4 = math.Log(a) - math.Log(b+x-1)
			e.db4 = -1 / (b + x - 1)
		}
		t.perX[i] = e
	}
	for i, v := range t.ts {
		t.logT[i], t.invT[i] = math.Log(alpha+v), 1/(alpha+v)
	}
	for i, v := range t.txs {
		t.logTx[i], t.invTx[i] = math.Log(alpha+v), 1/(alpha+v)
	}
}

// eval returns the total log-likelihood and its gradient in (r, alpha, a, b), summing the groups
// in fixed chunks so that the result does not depend on scheduling.
func (t *bgnbdTables) eval(p BGNBD, counts []float64) (float64, [4]float64) {
	t.fill(p)
	n := len(counts)
	chunks := min(t.workers*4, max(1, n/20000))
	parts := make([][5]float64, chunks)
	var wg sync.WaitGroup
	sem := make(chan struct{}, t.workers)
	for c := range chunks {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			parts[c] = t.evalRange(p, counts, c*n/chunks, (c+1)*n/chunks)
		}()
	}
	wg.Wait()
	var ll float64
	var g [4]float64
	for _, s := range parts {
		ll += s[0]
		for k := range g {
			g[k] += s[k+1]
		}
	}
	return ll, g
}

func (t *bgnbdTables) evalRange(p BGNBD, counts []float64, lo, hi int) [5]float64 {
	var s [5]float64
	for g := lo; g < hi; g++ {
		w := counts[g]
		xi := t.xi[g]
		e := &t.perX[xi]
		x := t.xs[xi]
		rx := p.R + x
		lT, iT := t.logT[t.ti[g]], t.invT[t.ti[g]]
		a3 := -rx * lT
		ll, w3, w4 := e.a12+a3, 1.0, 0.0
		var lTx, iTx float64
		if x > 0 {
			lTx, iTx = t.logTx[t.txi[g]], t.invTx[t.txi[g]]
			a4 := e.c4 - rx*lTx
			// log(exp(a3) + exp(a4)) without overflow; w3, w4 are the two terms' shares.
			m := math.Max(a3, a4)
			e3, e4 := math.Exp(a3-m), math.Exp(a4-m)
			ll = e.a12 + m + math.Log(e3+e4)
			w3 = e3 / (e3 + e4)
			w4 = 1 - w3
		}
		s[0] += w * ll
		s[1] += w * (e.dA12r - w3*lT - w4*lTx)
		s[2] += w * (e.dA12alpha - rx*(w3*iT+w4*iTx))
		s[3] += w * (e.dA12a + w4/p.A)
		s[4] += w * (e.dA12b + w4*e.db4)
	}
	return s
}

// LogLik is the total BG/NBD log-likelihood of the histories under p.
func (p BGNBD) LogLik(s *RFTSet) float64 {
	t, _ := newBGNBDTables(context.Background(), s) // never cancelled
	ll, _ := t.eval(p, s.counts)
	return ll
}

// FitBGNBD estimates the parameters by maximum likelihood: BFGS on the log-parameters, with the
// analytic gradient.
func FitBGNBD(ctx context.Context, s *RFTSet) (BGNBD, FitInfo, error) {
	if s.Distinct() == 0 {
		return BGNBD{}, FitInfo{}, errors.New("BG/NBD: no customers to fit")
	}
	if s.n < 2 {
		return BGNBD{}, FitInfo{}, errors.New("BG/NBD: at least two customers are needed")
	}
	repeat := false
	var meanT float64
	for i, h := range s.groups {
		repeat = repeat || h.X > 0
		meanT += h.T * s.counts[i] / s.n
	}
	if !repeat {
		return BGNBD{}, FitInfo{}, errors.New("BG/NBD: no customer has a repeat purchase, so purchase rates cannot be estimated")
	}
	t, err := newBGNBDTables(ctx, s)
	if err != nil {
		return BGNBD{}, FitInfo{}, err
	}
	from := func(v []float64) BGNBD {
		return BGNBD{R: math.Exp(v[0]), Alpha: math.Exp(v[1]), A: math.Exp(v[2]), B: math.Exp(v[3])}
	}
	// Start at r = a = b = 1 and alpha on the scale of the observation time.
	start := []float64{0, math.Log(math.Max(meanT, 1)), 0, 0}
	fn := &cachedObjective{eval: func(v []float64) (float64, []float64) {
		if ctx.Err() != nil {
			return math.NaN(), make([]float64, 4) // the recorder ends the fit
		}
		p := from(v)
		ll, g := t.eval(p, s.counts)
		grad := []float64{-g[0] * p.R / s.n, -g[1] * p.Alpha / s.n, -g[2] * p.A / s.n, -g[3] * p.B / s.n}
		return -ll / s.n, grad
	}}
	p, info, err := minimize(ctx, fn, start)
	if err != nil {
		return BGNBD{}, info, fmt.Errorf("BG/NBD fit: %w", err)
	}
	info.LogLik *= -s.n
	return from(p), info, nil
}

// PAlive is the probability that a customer with history h is still active at T.
func (p BGNBD) PAlive(h RFT) float64 {
	if h.X == 0 {
		return 1
	}
	x := float64(h.X)
	return 1 / (1 + p.A/(p.B+x-1)*math.Exp((p.R+x)*(math.Log(p.Alpha+h.T)-math.Log(p.Alpha+h.Tx))))
}

// ExpectedIfAlive is the expected number of purchases in (T, T+t] of a customer with x repeat
// purchases observed for T, given that the customer is still active: the model's conditional
// expectation divided by P(alive). It does not depend on t_x, so callers can share it between
// customers.
func (p BGNBD) ExpectedIfAlive(x int, T, t float64) float64 {
	if t <= 0 {
		return 0
	}
	xf := float64(x)
	a, b, c := p.R+xf, p.B+xf, p.A+p.B+xf-1
	z := t / (p.Alpha + T + t)
	lh, sign := logHyp2F1(a, b, c, z)
	second := 1 - sign*math.Exp(lh+(p.R+xf)*math.Log((p.Alpha+T)/(p.Alpha+T+t)))
	return (p.A + p.B + xf - 1) / (p.A - 1) * second
}

// ExpectedPurchases is the expected number of purchases in (T, T+t] of a customer with history h.
func (p BGNBD) ExpectedPurchases(h RFT, t float64) float64 {
	return p.PAlive(h) * p.ExpectedIfAlive(h.X, h.T, t)
}

// cachedObjective evaluates value and gradient together, once per point: gonum asks for them
// separately, and both come from one pass over the data.
type cachedObjective struct {
	eval  func([]float64) (float64, []float64)
	x     []float64
	f     float64
	g     []float64
	evals int
}

func (c *cachedObjective) at(x []float64) {
	if c.x != nil && equal(c.x, x) {
		return
	}
	c.f, c.g = c.eval(x)
	c.x = append(c.x[:0], x...)
	c.evals++
}

func equal(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// minimize runs BFGS to a tight gradient threshold: the objectives are mean log-likelihoods, so
// the threshold is relative to one customer's contribution, and 1e-7 leaves the parameters
// accurate to about six digits while staying clear of floating-point noise in the sums. When the
// maximum lies on the boundary (a parameter heading to 0 or infinity, as when no customer ever
// drops out), BFGS's line search fails; Nelder-Mead then walks towards the boundary as far as it
// makes a difference, and the status says so. A cancelled ctx stops either within one evaluation.
func minimize(ctx context.Context, c *cachedObjective, start []float64) ([]float64, FitInfo, error) {
	prob := optimize.Problem{
		Func: func(x []float64) float64 { c.at(x); return c.f },
		Grad: func(grad, x []float64) { c.at(x); copy(grad, c.g) },
	}
	stop := cancelRecorder{ctx}
	settings := &optimize.Settings{GradientThreshold: 1e-7, MajorIterations: 2000, Recorder: stop}
	res, err := optimize.Minimize(prob, start, settings, &optimize.BFGS{})
	if err := ctx.Err(); err != nil {
		return nil, FitInfo{}, err
	}
	info := FitInfo{Evaluations: c.evals, Status: "converged"}
	if res != nil {
		info.Iterations, info.LogLik = res.Stats.MajorIterations, res.F
	}
	switch {
	case err == nil && res.Status == optimize.GradientThreshold:
	case res != nil && !math.IsNaN(res.F) && maxAbs(c.g) < 1e-5:
		// The line search could make no more progress at a point whose gradient is already
		// negligible: converged as far as floating point allows.
	default:
		from := start
		if res != nil && !math.IsNaN(res.F) && !math.IsInf(res.F, 0) {
			from = res.X
		}
		nm, nmErr := optimize.Minimize(optimize.Problem{Func: prob.Func}, from,
			&optimize.Settings{FuncEvaluations: 20000, Recorder: stop}, &optimize.NelderMead{})
		if err := ctx.Err(); err != nil {
			return nil, info, err
		}
		if nm == nil || math.IsNaN(nm.F) || math.IsInf(nm.F, 0) {
			return nil, info, fmt.Errorf("no convergence: %w", errors.Join(err, nmErr))
		}
		res = nm
		info.Iterations += nm.Stats.MajorIterations
		info.LogLik = nm.F
		info.Status = "converged (Nelder-Mead)"
		if maxAbs(nm.X) > 15 {
			info.Status = "at the boundary: a parameter tends to 0 or infinity"
		}
	}
	info.Evaluations = c.evals
	for _, v := range res.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, info, fmt.Errorf("the estimate diverged (%s)", res.Status)
		}
	}
	return res.X, info, nil
}

// cancelRecorder ends an optimisation when its context is cancelled: gonum stops at the first
// operation whose Record returns an error.
type cancelRecorder struct{ ctx context.Context }

func (r cancelRecorder) Init() error { return r.ctx.Err() }

func (r cancelRecorder) Record(*optimize.Location, optimize.Operation, *optimize.Stats) error {
	return r.ctx.Err()
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}
