package btyd

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// On data simulated from known parameters, the reported standard errors agree with the spread
// of the estimates over 60 seeds within 20% (the spread of 60 draws is itself uncertain by
// about 9%).
func TestStdErrorsMatchTheSpread(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: 120 fits")
	}
	bg := BGNBD{R: 0.5, Alpha: 6, A: 0.7, B: 2.5}
	gg := GammaGamma{P: 6, Q: 4, Gamma: 15}
	const seeds = 60
	est := make([][]float64, 7)
	se := make([][]float64, 7)
	for seed := range uint64(seeds) {
		rfts, spends := simulate(100+seed, 4000, bg, gg, 52, 156)
		p, _, err := FitBGNBD(context.Background(), rfts)
		if err != nil {
			t.Fatal(err)
		}
		pse, err := p.StdErrors(rfts)
		if err != nil {
			t.Fatal(err)
		}
		g, _, err := FitGammaGamma(context.Background(), spends)
		if err != nil {
			t.Fatal(err)
		}
		gse, err := g.StdErrors(spends)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range [][2]float64{{p.R, pse.R}, {p.Alpha, pse.Alpha}, {p.A, pse.A}, {p.B, pse.B},
			{g.P, gse.P}, {g.Q, gse.Q}, {g.Gamma, gse.Gamma}} {
			est[i] = append(est[i], v[0])
			se[i] = append(se[i], v[1])
		}
	}
	for i, name := range []string{"r", "alpha", "a", "b", "p", "q", "gamma"} {
		spread, reported := stat.StdDev(est[i], nil), stat.Mean(se[i], nil)
		t.Logf("%-5s spread %.5g, mean reported standard error %.5g (ratio %.3f)", name, spread, reported, reported/spread)
		if math.Abs(reported/spread-1) > 0.20 {
			t.Errorf("%s: reported standard error %.5g against a spread of %.5g over %d seeds", name, reported, spread, seeds)
		}
	}
}

// The standard errors equal those from scipy's numerical Hessian of the same likelihoods,
// written independently in numpy (testdata/stderr_reference.py), within 1%.
func TestStdErrorsMatchScipy(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import scipy").Run(); err != nil {
		t.Fatal("python3-scipy is missing (`make test` installs it)")
	}
	bg := BGNBD{R: 0.5, Alpha: 6, A: 0.7, B: 2.5}
	gg := GammaGamma{P: 6, Q: 4, Gamma: 15}
	// The summary both sides read: customers with the same (x, t_x, T) and mean spend.
	rng := rand.New(rand.NewPCG(9, 9))
	rfts, spends := &RFTSet{}, &SpendSet{}
	var csv strings.Builder
	csv.WriteString("x,t_x,T,m\n")
	sim, _ := simulate(9, 3000, bg, gg, 52, 156)
	for i, h := range sim.groups {
		for range int(sim.counts[i]) {
			m := 0.0
			if h.X > 0 {
				m = 5 + 40*rng.Float64()
			}
			rfts.Add(h)
			if h.X > 0 {
				spends.Add(h.X, m)
			}
			fmt.Fprintf(&csv, "%d,%.17g,%.17g,%.17g\n", h.X, h.Tx, h.T, m)
		}
	}
	file := filepath.Join(t.TempDir(), "summary.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	p, _, err := FitBGNBD(context.Background(), rfts)
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := FitGammaGamma(context.Background(), spends)
	if err != nil {
		t.Fatal(err)
	}
	pse, err := p.StdErrors(rfts)
	if err != nil {
		t.Fatal(err)
	}
	gse, err := g.StdErrors(spends)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"testdata/stderr_reference.py", file}
	for _, v := range []float64{p.R, p.Alpha, p.A, p.B, g.P, g.Q, g.Gamma} {
		args = append(args, strconv.FormatFloat(v, 'g', -1, 64))
	}
	out, err := exec.Command(py, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := map[string]float64{}
	for _, line := range strings.Fields(string(out)) {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		want[k] = f
	}
	for name, got := range map[string]float64{"r_se": pse.R, "alpha_se": pse.Alpha, "a_se": pse.A, "b_se": pse.B,
		"p_se": gse.P, "q_se": gse.Q, "gamma_se": gse.Gamma} {
		t.Logf("%s: crmwh %.6g, scipy %.6g", name, got, want[name])
		if w := want[name]; !(math.Abs(got/w-1) <= 0.01) {
			t.Errorf("%s: %.6g, scipy's numerical Hessian gives %.6g", name, got, w)
		}
	}
}
