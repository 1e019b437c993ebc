package mining

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// psi is the population stability index computed here by brute force: numeric values cut at
// the training values' deciles (linear interpolation, as quantile_cont), distinct edges, NULL
// its own bin; shares floored at 0.0001.
func psi(train, current []*float64) float64 {
	var vals []float64
	for _, v := range train {
		if v != nil {
			vals = append(vals, *v)
		}
	}
	slices.Sort(vals)
	var edges []float64
	for q := 1; q <= 9; q++ {
		pos := float64(len(vals)-1) * float64(q) / 10
		lo := int(math.Floor(pos))
		e := vals[lo] + (pos-float64(lo))*(vals[min(lo+1, len(vals)-1)]-vals[lo])
		if len(edges) == 0 || edges[len(edges)-1] != e {
			edges = append(edges, e)
		}
	}
	bin := func(v *float64) string {
		if v == nil {
			return "null"
		}
		n := 0
		for _, e := range edges {
			if e < *v {
				n++
			}
		}
		return fmt.Sprint(n)
	}
	share := func(xs []*float64) map[string]float64 {
		m := map[string]float64{}
		for _, v := range xs {
			m[bin(v)] += 1 / float64(len(xs))
		}
		return m
	}
	e, a := share(train), share(current)
	bins := map[string]bool{}
	for k := range e {
		bins[k] = true
	}
	for k := range a {
		bins[k] = true
	}
	total := 0.0
	for k := range bins {
		pe, pa := math.Max(e[k], 0.0001), math.Max(a[k], 0.0001)
		total += (pa - pe) * math.Log(pa/pe)
	}
	return total
}

// The drift SQL's PSI equals the brute-force one, for a shifted feature, an unchanged one
// (about 0) and a text feature.
func TestFeatureDriftPSI(t *testing.T) {
	ctx := context.Background()
	conn, _ := memConn(t, "2026-01-31", rfmCase)
	rng := rand.New(rand.NewPCG(4, 5))
	var shiftedTrain, shiftedCur, sameTrain, sameCur []*float64
	for _, tbl := range []string{Temp.ChurnTrain, Temp.ChurnScore} {
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+tbl+" (shifted DOUBLE, same DOUBLE, colour VARCHAR)"); err != nil {
			t.Fatal(err)
		}
	}
	insert := func(tbl string, n int, shift float64, colours []string, shifted, same *[]*float64) {
		for i := range n {
			s, m := rng.NormFloat64()+shift, rng.NormFloat64()
			var sp, mp *float64 = &s, &m
			if i%50 == 0 {
				sp = nil // a NULL bin
			}
			*shifted, *same = append(*shifted, sp), append(*same, mp)
			if _, err := conn.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (?, ?, ?)", sp, m, colours[i%len(colours)]); err != nil {
				t.Fatal(err)
			}
		}
	}
	insert(Temp.ChurnTrain, 800, 0, []string{"red", "blue"}, &shiftedTrain, &sameTrain)
	insert(Temp.ChurnScore, 600, 0.7, []string{"red", "blue", "blue", "green"}, &shiftedCur, &sameCur)
	if err := script(ctx, conn, "mining/feature_drift.sql", map[string]any{"Numeric": []string{"shifted", "same"}, "Text": []string{"colour"}}); err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	rows, err := conn.QueryContext(ctx, "SELECT feature, psi FROM feature_drift_result")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var f string
		var v float64
		if err := rows.Scan(&f, &v); err != nil {
			t.Fatal(err)
		}
		got[f] = v
	}
	rows.Close()
	// colour: train red/blue 1/2 each; current red 1/4, blue 1/2, green 1/4.
	colour := (0.25-0.5)*math.Log(0.25/0.5) + 0 + (0.25-0.0001)*math.Log(0.25/0.0001)
	for f, want := range map[string]float64{"shifted": psi(shiftedTrain, shiftedCur), "same": psi(sameTrain, sameCur), "colour": colour} {
		t.Logf("%s: PSI %.6f, brute force %.6f", f, got[f], want)
		if math.Abs(got[f]-want) > 1e-9 {
			t.Errorf("%s: PSI %.9f, brute force %.9f", f, got[f], want)
		}
	}
	if got["shifted"] < 0.25 || got["same"] > 0.1 {
		t.Errorf("a 0.7 sd shift gives PSI %.3f, no shift %.3f", got["shifted"], got["same"])
	}
}
