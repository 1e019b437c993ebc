package uplift

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os/exec"
	"testing"
)

// The estimates equal scipy's on the same customers: Welch's t-test with its interval
// (stats.ttest_ind(equal_var=False)) and the two-proportion z-test with the Wald interval.
func TestMatchesScipy(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import scipy").Run(); err != nil {
		t.Fatal("python3-scipy is missing (`make test` installs it)")
	}
	cases := []struct {
		name           string
		nt, nc         int
		pt, pc, mt, mc float64 // response rates, mean revenue of a responder
	}{
		{"a real uplift", 2000, 600, 0.30, 0.20, 120, 110},
		{"no uplift", 1500, 500, 0.20, 0.20, 100, 100},
		{"small groups", 40, 12, 0.5, 0.25, 80, 60},
		{"unequal spread", 5000, 300, 0.05, 0.08, 500, 90},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			draw := func(n int, p, m float64) (rev, resp []float64, g Group) {
				for range n {
					r, v := 0.0, 0.0
					if rng.Float64() < p {
						r, v = 1, m*rng.ExpFloat64()
					}
					rev, resp = append(rev, v), append(resp, r)
					g.N++
					g.Responses += int64(r)
					g.Revenue += v
					g.RevenueSq += v * v
				}
				return rev, resp, g
			}
			tr, tp, tg := draw(tc.nt, tc.pt, tc.mt)
			cr, cp, cg := draw(tc.nc, tc.pc, tc.mc)
			in, _ := json.Marshal(map[string][]float64{"t_revenue": tr, "c_revenue": cr, "t_response": tp, "c_response": cp})
			cmd := exec.Command(py, "testdata/reference.py")
			cmd.Stdin = bytes.NewReader(in)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			var want map[string]float64
			if err := json.Unmarshal(out, &want); err != nil {
				t.Fatal(err)
			}
			rev, err := Revenue(tg, cg)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := Response(tg, cg)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]float64{"rev_diff": rev.Diff, "rev_t": rev.Stat, "rev_p": rev.P, "rev_low": rev.Low, "rev_high": rev.High,
				"resp_diff": resp.Diff, "resp_z": resp.Stat, "resp_p": resp.P, "resp_low": resp.Low, "resp_high": resp.High}
			for k, w := range want {
				if d := math.Abs(got[k] - w); d > 1e-7*math.Max(1, math.Abs(w)) {
					t.Errorf("%s: %.12g, scipy %.12g", k, got[k], w)
				}
			}
		})
	}
}

func TestEdges(t *testing.T) {
	if _, err := Response(Group{N: 1}, Group{N: 10}); err != ErrTooSmall {
		t.Errorf("a group of one: %v", err)
	}
	e, err := Response(Group{N: 10, Responses: 10}, Group{N: 10, Responses: 10})
	if err != nil || e.P != 1 || e.Diff != 0 {
		t.Errorf("everyone responded in both: %+v %v", e, err)
	}
	e, err = Revenue(Group{N: 5, Revenue: 50, RevenueSq: 500}, Group{N: 5, Revenue: 50, RevenueSq: 500})
	if err != nil || e.P != 1 || e.Diff != 0 {
		t.Errorf("constant revenue, no difference: %+v %v", e, err)
	}
	if e, _ := Response(Group{N: 100, Responses: 30}, Group{N: 100}); !math.IsNaN(e.Relative) {
		t.Errorf("relative uplift over a zero control rate: %v", e.Relative)
	}
}
