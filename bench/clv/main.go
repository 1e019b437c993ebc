// Command clv benchmarks crmwh's BG/NBD + Gamma-Gamma fit against a reference fit of the same
// models with scipy (bench/clv/reference.py, run with /usr/bin/python3 and Debian's
// python3-scipy) on the same customer summary, in one run.
//
// It simulates -customers customers from known parameters at daily resolution (purchase days,
// first day starting the clock, as the clv job summarises real data), writes the summary
// (x, t_x, T, m) to a CSV both sides read, and times each side's fit with reading excluded: ours
// from the parsed columns (compressing to distinct histories is part of our fit), scipy's from
// numpy arrays. Both run -repeat times; medians are compared. It prints both estimates, whether
// they agree to 3 significant digits, and the time ratio, ending with name=value lines.
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/crmwh/crmwh/mining/btyd"
)

// truth are the simulated parameters, on a daily clock: about 2.3 purchases a year while active.
var (
	truthBG = btyd.BGNBD{R: 0.5, Alpha: 80, A: 0.7, B: 2.5}
	truthGG = btyd.GammaGamma{P: 6, Q: 4, Gamma: 15}
)

func main() {
	customers := flag.Int("customers", 1_000_000, "customers to simulate")
	seed := flag.Uint64("seed", 42, "simulation seed")
	work := flag.String("dir", "bench/out", "work directory (the summary CSV is kept and reused)")
	repeat := flag.Int("repeat", 3, "fits of each side; medians are reported (the machine is noisy)")
	python := flag.String("python", "/usr/bin/python3", "Python with scipy (Debian python3-scipy)")
	flag.Parse()
	if err := run(*customers, *seed, *work, max(1, *repeat), *python); err != nil {
		fmt.Fprintln(os.Stderr, "bench/clv:", err)
		os.Exit(1)
	}
}

type summary struct {
	x          []int
	tx, t, m   []float64
	repeatCust int
}

func run(customers int, seed uint64, work string, repeat int, python string) error {
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	path, err := filepath.Abs(filepath.Join(work, fmt.Sprintf("clv-%d-%d.csv", customers, seed)))
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		fmt.Printf("simulating %d customers into %s ...\n", customers, path)
		if err := simulate(path, customers, seed); err != nil {
			return err
		}
	}
	s, err := read(path)
	if err != nil {
		return err
	}
	fmt.Printf("input: %d customers, %d with repeat purchases (daily clock, T up to 3 years)\n\n", len(s.x), s.repeatCust)

	var bg btyd.BGNBD
	var gg btyd.GammaGamma
	var bgInfo, ggInfo btyd.FitInfo
	var distinct int
	var ours []float64
	for range repeat {
		t0 := time.Now()
		rfts, spends := &btyd.RFTSet{}, &btyd.SpendSet{}
		for i, x := range s.x {
			rfts.Add(btyd.RFT{X: x, Tx: s.tx[i], T: s.t[i]})
			if x > 0 {
				spends.Add(x, s.m[i])
			}
		}
		if bg, bgInfo, err = btyd.FitBGNBD(context.Background(), rfts); err != nil {
			return err
		}
		if gg, ggInfo, err = btyd.FitGammaGamma(context.Background(), spends); err != nil {
			return err
		}
		ours = append(ours, time.Since(t0).Seconds())
		distinct = rfts.Distinct()
	}
	oursMedian := median(ours)

	out, err := exec.Command(python, "bench/clv/reference.py", path, strconv.Itoa(repeat)).CombinedOutput()
	if err != nil {
		return fmt.Errorf("reference (%s bench/clv/reference.py; needs Debian python3-scipy): %w\n%s", python, err, out)
	}
	ref := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			ref[k] = v
		}
	}
	num := func(k string) float64 {
		v, _ := strconv.ParseFloat(ref[k], 64)
		return v
	}
	rows := []struct {
		name        string
		truth, ours float64
	}{
		{"r", truthBG.R, bg.R}, {"alpha", truthBG.Alpha, bg.Alpha}, {"a", truthBG.A, bg.A}, {"b", truthBG.B, bg.B},
		{"p", truthGG.P, gg.P}, {"q", truthGG.Q, gg.Q}, {"gamma", truthGG.Gamma, gg.Gamma},
	}
	agree := true
	fmt.Printf("%-6s %10s %14s %14s  %s\n", "param", "simulated", "crmwh", "scipy", "same to 3 significant digits")
	for _, r := range rows {
		refV := num("ref_" + r.name)
		same := fmt.Sprintf("%.3g", r.ours) == fmt.Sprintf("%.3g", refV)
		agree = agree && same
		fmt.Printf("%-6s %10.4g %14.7g %14.7g  %v\n", r.name, r.truth, r.ours, refV, same)
	}
	refSeconds := num("ref_fit_seconds")
	fmt.Printf("\nlog-likelihood: crmwh %.6f, scipy %.6f\n", bgInfo.LogLik, num("ref_loglik"))
	fmt.Printf("iterations: crmwh BG/NBD %d, Gamma-Gamma %d; scipy %s, %s\n", bgInfo.Iterations, ggInfo.Iterations,
		ref["ref_bgnbd_iterations"], ref["ref_gg_iterations"])
	fmt.Printf("fit time (median of %d): crmwh %.3f s (%d distinct histories), scipy %.3f s: ratio %.3f (target <= 1)\n",
		repeat, oursMedian, distinct, refSeconds, oursMedian/refSeconds)
	fmt.Printf("\ncustomers=%d\nours_fit_seconds=%.4f\nref_fit_seconds=%.4f\nratio=%.4f\nparams_agree=%v\n",
		len(s.x), oursMedian, refSeconds, oursMedian/refSeconds, agree)
	return nil
}

// simulate writes customers drawn from truthBG and truthGG, summarised at daily resolution.
func simulate(path string, n int, seed uint64) error {
	src := rand.NewPCG(seed, 11)
	rng := rand.New(src)
	lambda := distuv.Gamma{Alpha: truthBG.R, Beta: truthBG.Alpha, Src: src}
	drop := distuv.Beta{Alpha: truthBG.A, Beta: truthBG.B, Src: src}
	nu := distuv.Gamma{Alpha: truthGG.Q, Beta: truthGG.Gamma, Src: src}
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "x,t_x,T,m")
	for range n {
		l, p, v := lambda.Rand(), drop.Rand(), nu.Rand()
		spend := distuv.Gamma{Alpha: truthGG.P, Beta: v, Src: src}
		T := float64(30 + rng.IntN(1066)) // acquired over three years
		x, lastDay, sum := 0, 0.0, 0.0
		for t := 0.0; ; {
			t += rng.ExpFloat64() / l
			day := math.Floor(t)
			if day > T {
				break
			}
			sum += spend.Rand()
			if day != lastDay { // purchases are counted per distinct day
				x++
				lastDay = day
			}
			if rng.Float64() < p {
				break
			}
		}
		m := 0.0
		if x > 0 {
			m = sum / float64(x)
		}
		fmt.Fprintf(w, "%d,%d,%d,%.6f\n", x, int(lastDay), int(T), m)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

func read(path string) (*summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.ReuseRecord = true
	s := &summary{}
	if _, err := r.Read(); err != nil {
		return nil, err
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		x, _ := strconv.Atoi(rec[0])
		tx, _ := strconv.ParseFloat(rec[1], 64)
		t, _ := strconv.ParseFloat(rec[2], 64)
		m, _ := strconv.ParseFloat(rec[3], 64)
		s.x, s.tx, s.t, s.m = append(s.x, x), append(s.tx, tx), append(s.t, t), append(s.m, m)
		if x > 0 {
			s.repeatCust++
		}
	}
	return s, nil
}

func median(v []float64) float64 {
	sort.Float64s(v)
	return v[len(v)/2]
}
