package btyd

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// simulate draws n customers from BG/NBD (bg) and Gamma-Gamma (gg), each observed for a T drawn
// uniformly from [tMin, tMax] time units after their first purchase.
func simulate(seed uint64, n int, bg BGNBD, gg GammaGamma, tMin, tMax float64) (*RFTSet, *SpendSet) {
	src := rand.NewPCG(seed, 7)
	rng := rand.New(src)
	lambda := distuv.Gamma{Alpha: bg.R, Beta: bg.Alpha, Src: src}
	drop := distuv.Beta{Alpha: bg.A, Beta: bg.B, Src: src}
	nu := distuv.Gamma{Alpha: gg.Q, Beta: gg.Gamma, Src: src}
	rfts, spends := &RFTSet{}, &SpendSet{}
	for range n {
		l, p, v := lambda.Rand(), drop.Rand(), nu.Rand()
		spend := distuv.Gamma{Alpha: gg.P, Beta: v, Src: src}
		T := tMin + rng.Float64()*(tMax-tMin)
		h := RFT{T: T}
		t, sum := 0.0, 0.0
		for {
			t += rng.ExpFloat64() / l
			if t > T {
				break
			}
			h.X++
			h.Tx = t
			sum += spend.Rand()
			if rng.Float64() < p {
				break
			}
		}
		rfts.Add(h)
		if h.X > 0 {
			spends.Add(h.X, sum/float64(h.X))
		}
	}
	return rfts, spends
}

func within(t *testing.T, name string, got, want, rel float64) {
	t.Helper()
	if math.Abs(got-want) > rel*math.Abs(want) {
		t.Errorf("%s = %.4g, want %.4g ± %.0f%%", name, got, want, rel*100)
	}
}

// The fits recover the parameters that simulated the data.
func TestFitRecoversSimulatedParameters(t *testing.T) {
	bg := BGNBD{R: 0.5, Alpha: 6, A: 0.7, B: 2.5}
	gg := GammaGamma{P: 6, Q: 4, Gamma: 15}
	for _, seed := range []uint64{1, 2} {
		rfts, spends := simulate(seed, 20000, bg, gg, 52, 156)
		got, info, err := FitBGNBD(context.Background(), rfts)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seed %d BG/NBD %+v (%d iterations, %s) repeat customers %d", seed, got, info.Iterations, info.Status, spends.Customers())
		within(t, "r", got.R, bg.R, 0.10)
		within(t, "alpha", got.Alpha, bg.Alpha, 0.10)
		within(t, "a", got.A, bg.A, 0.10)
		within(t, "b", got.B, bg.B, 0.10)
		gotGG, info, err := FitGammaGamma(context.Background(), spends)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seed %d Gamma-Gamma %+v (%d iterations, %s)", seed, gotGG, info.Iterations, info.Status)
		within(t, "p", gotGG.P, gg.P, 0.10)
		within(t, "q", gotGG.Q, gg.Q, 0.10)
		within(t, "gamma", gotGG.Gamma, gg.Gamma, 0.10)
		// The mean spend the model implies is better determined than the parameters.
		within(t, "mean spend", gotGG.ExpectedSpend(0, 0), gg.ExpectedSpend(0, 0), 0.03)
	}
}

// The log-likelihoods equal values computed by hand (with scipy's gammaln) on tiny cases.
func TestLogLikByHand(t *testing.T) {
	rfts := &RFTSet{}
	for _, h := range []RFT{{0, 0, 10}, {2, 5.5, 10}, {5, 9, 12}} {
		rfts.Add(h)
	}
	if got, want := (BGNBD{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}).LogLik(rfts), -19.6380464673898; math.Abs(got-want) > 1e-9 {
		t.Errorf("BG/NBD log-likelihood = %.13f, want %.13f", got, want)
	}
	spends := &SpendSet{}
	spends.Add(1, 20)
	spends.Add(3, 35.5)
	spends.Add(10, 12.25)
	if got, want := (GammaGamma{P: 6, Q: 4, Gamma: 15}).LogLik(spends), -11.360438095802202; math.Abs(got-want) > 1e-9 {
		t.Errorf("Gamma-Gamma log-likelihood = %.13f, want %.13f", got, want)
	}
}

// The analytic gradients agree with finite differences.
func TestGradients(t *testing.T) {
	rfts, spends := simulate(3, 300, BGNBD{R: 0.5, Alpha: 6, A: 0.7, B: 2.5}, GammaGamma{P: 6, Q: 4, Gamma: 15}, 10, 50)
	p := BGNBD{R: 0.4, Alpha: 5, A: 0.9, B: 2}
	tables, err := newBGNBDTables(context.Background(), rfts)
	if err != nil {
		t.Fatal(err)
	}
	_, g := tables.eval(p, rfts.counts)
	vals := []*float64{&p.R, &p.Alpha, &p.A, &p.B}
	for i, v := range vals {
		h := 1e-6 * *v
		*v += h
		up := p.LogLik(rfts)
		*v -= 2 * h
		down := p.LogLik(rfts)
		*v += h
		within(t, "BG/NBD gradient", g[i], (up-down)/(2*h), 1e-5)
	}
	q := GammaGamma{P: 5, Q: 3, Gamma: 12}
	_, d := spends.eval(q)
	for i, v := range []*float64{&q.P, &q.Q, &q.Gamma} {
		h := 1e-6 * *v
		*v += h
		up := q.LogLik(spends)
		*v -= 2 * h
		down := q.LogLik(spends)
		*v += h
		within(t, "Gamma-Gamma gradient", d[i], (up-down)/(2*h), 1e-5)
	}
}

func TestHyp2F1(t *testing.T) {
	for _, c := range []struct {
		a, b, c, z, want float64
	}{
		// closed forms
		{1, 1, 2, 0.5, -math.Log(0.5) / 0.5},
		{1, 1, 2, 0.99, -math.Log(0.01) / 0.99},
		{2.5, 3, 3, 0.7, math.Pow(0.3, -2.5)},
		// scipy.special.hyp2f1
		{1.5, 2.5, 3.7, 0.9, 6.927105040613823},
		{0.3, 40.2, 45.1, 0.97, 1.8606182169706513},
		{60, 70, 120, 0.5, 6104544379.484212},
	} {
		lh, sign := logHyp2F1(c.a, c.b, c.c, c.z)
		within(t, "2F1", sign*math.Exp(lh), c.want, 1e-12)
	}
}

// The conditional expectation and P(alive) agree with scipy (lifetimes' formula) and, for a new
// customer, with the simulated number of purchases.
func TestExpectedPurchases(t *testing.T) {
	p := BGNBD{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	for _, c := range []struct {
		t    float64
		h    RFT
		want float64
	}{
		{10, RFT{0, 0, 10}, 0.16259805481363512},
		{52, RFT{2, 5.5, 10}, 3.236423405559291},
		{30, RFT{5, 9, 12}, 4.932843861556407},
		{100, RFT{40, 80, 90}, 11.404652901405967},
	} {
		within(t, "E[Y(t)]", p.ExpectedPurchases(c.h, c.t), c.want, 1e-10)
	}
	// A customer just acquired (T = 0) makes on average as many repeat purchases in (0, t] as
	// simulated customers do.
	bg := BGNBD{R: 0.5, Alpha: 6, A: 0.7, B: 2.5}
	const horizon = 52.0
	rfts, _ := simulate(4, 100000, bg, GammaGamma{P: 6, Q: 4, Gamma: 15}, horizon, horizon)
	var mean float64
	for i, h := range rfts.groups {
		mean += float64(h.X) * rfts.counts[i] / rfts.n
	}
	within(t, "E[X(52)] of a new customer", bg.ExpectedIfAlive(0, 0, horizon), mean, 0.02)
	if pa := p.PAlive(RFT{X: 3, Tx: 2, T: 50}); !(pa > 0 && pa < p.PAlive(RFT{X: 3, Tx: 49, T: 50})) {
		t.Errorf("P(alive) should fall with time since the last purchase")
	}
}
