// Command tree benchmarks crmwh's decision tree against scikit-learn's DecisionTreeClassifier
// (Debian python3-sklearn, /usr/bin/python3), in one run:
//   - Telco churn (../shared/datasets/telco_churn.csv), encoded as `crmwh mine tree` encodes it,
//     split 70/30 stratified with seed 42; both sides fit on the same training rows at depths
//     4, 5, 6 and 8, and the hold-out ROC AUCs are printed side by side;
//   - -rows synthetic rows × 20 features (the label depends on five of them, with noise) at depth
//     8: fit times and their ratio, data reading excluded.
//
// With -golearn it also times golearn's CART on growing samples of the synthetic rows, to show
// how it scales.
package main

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/crmwh/crmwh/internal/datasets"
	"github.com/crmwh/crmwh/mining"
	"github.com/crmwh/crmwh/mining/cart"
	"github.com/crmwh/crmwh/mining/evaluate"
	"github.com/crmwh/crmwh/mining/matrix"
	"github.com/crmwh/crmwh/warehouse"
)

func main() {
	rows := flag.Int("rows", 1_000_000, "synthetic rows")
	work := flag.String("dir", "bench/out", "work directory")
	telco := flag.String("telco", "", "the Telco churn CSV (default: telco_churn.csv of the shared datasets)")
	golearn := flag.Bool("golearn", false, "also time golearn's CART on 5,000, 10,000 and 20,000 synthetic rows")
	python := flag.String("python", "/usr/bin/python3", "Python with scikit-learn (Debian python3-sklearn)")
	flag.Parse()
	if *telco == "" {
		p, err := datasets.Path("telco_churn.csv")
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/tree:", err)
			os.Exit(1)
		}
		*telco = p
	}
	if err := run(*rows, *work, *telco, *golearn, *python); err != nil {
		fmt.Fprintln(os.Stderr, "bench/tree:", err)
		os.Exit(1)
	}
}

func run(rows int, work, telco string, golearn bool, python string) error {
	ctx := context.Background()
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	var lines []string

	// Telco: the same encoding and split on both sides.
	db, err := warehouse.Open(ctx, "", warehouse.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	abs, err := filepath.Abs(telco)
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE telco AS SELECT * FROM read_csv("+warehouse.Quote(abs)+")"); err != nil {
		return fmt.Errorf("read %s: %w", telco, err)
	}
	enc, err := mining.NewTreeEncoding(ctx, conn, "telco", "Churn", nil, []string{"Churn"}, 32)
	if err != nil {
		return err
	}
	x, labels, err := enc.Encode(ctx, conn, "telco", "Churn")
	if err != nil {
		return err
	}
	y := make([]int32, len(labels))
	for i, l := range labels {
		if l.String == "true" {
			y[i] = 1
		}
	}
	test := evaluate.StratifiedSplit(y, 2, 0.3, 42)
	base := filepath.Join(work, "telco-encoded")
	if err := write(base, x, y, test); err != nil {
		return err
	}
	depths := []string{"4", "5", "6", "8"}
	out, err := exec.Command(python, append([]string{"bench/tree/reference.py", "auc", base, strconv.Itoa(x.Rows), strconv.Itoa(x.Cols)}, depths...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("scikit-learn (needs Debian python3-sklearn): %w\n%s", err, out)
	}
	ref := values(string(out))
	fmt.Printf("Telco churn, %d rows × %d features, 70/30 stratified (seed 42), same split both sides\n", x.Rows, x.Cols)
	fmt.Printf("%-6s %12s %14s %10s\n", "depth", "crmwh AUC", "sklearn AUC", "difference")
	for _, ds := range depths {
		d, _ := strconv.Atoi(ds)
		train, ytr := &matrix.Dense{Cols: x.Cols}, []int32{}
		var p []float64
		var lab []bool
		for i := range x.Rows {
			if !test[i] {
				train.Data = append(train.Data, x.Row(i)...)
				train.Rows++
				ytr = append(ytr, y[i])
			}
		}
		tree, err := cart.Fit(context.Background(), train, ytr, 2, enc.Features, []string{"false", "true"}, cart.Options{Criterion: "gini", MaxDepth: d, MinLeaf: 1})
		if err != nil {
			return err
		}
		for i := range x.Rows {
			if test[i] {
				p = append(p, tree.Proba(x.Row(i))[1])
				lab = append(lab, y[i] == 1)
			}
		}
		ours := evaluate.Binary(p, lab, 0.5).AUC
		theirs := ref["auc_"+ds]
		fmt.Printf("%-6d %12.4f %14.4f %+10.4f\n", d, ours, theirs, ours-theirs)
		lines = append(lines, fmt.Sprintf("telco_depth%d_auc=%.4f", d, ours), fmt.Sprintf("telco_depth%d_ref_auc=%.4f", d, theirs))
	}

	// Synthetic rows at depth 8: fit time.
	sx, sy := synthetic(rows, 20)
	sbase := filepath.Join(work, fmt.Sprintf("tree-synthetic-%d", rows))
	if err := write(sbase, sx, sy, nil); err != nil {
		return err
	}
	t0 := time.Now()
	tree, err := cart.Fit(context.Background(), sx, sy, 2, make([]string, 20), []string{"0", "1"}, cart.Options{Criterion: "gini", MaxDepth: 8, MinLeaf: 1})
	if err != nil {
		return err
	}
	ours := time.Since(t0).Seconds()
	out, err = exec.Command(python, "bench/tree/reference.py", "fit", sbase, strconv.Itoa(rows), "20", "8").CombinedOutput()
	if err != nil {
		return fmt.Errorf("scikit-learn: %w\n%s", err, out)
	}
	ref = values(string(out))
	fmt.Printf("\n%d synthetic rows × 20 features, depth 8: crmwh %.2f s (%d nodes), scikit-learn %.2f s (%.0f nodes): ratio %.3f (target <= 3)\n",
		rows, ours, len(tree.Nodes), ref["ref_fit_seconds"], ref["ref_nodes"], ours/ref["ref_fit_seconds"])
	lines = append(lines, fmt.Sprintf("synthetic_rows=%d", rows), fmt.Sprintf("ours_fit_seconds=%.3f", ours),
		fmt.Sprintf("ref_fit_seconds=%.3f", ref["ref_fit_seconds"]), fmt.Sprintf("fit_time_ratio=%.4f", ours/ref["ref_fit_seconds"]))

	if golearn {
		fmt.Println("\ngolearn's CART on the first rows of the synthetic data, depth 8:")
		for _, n := range []int{5000, 10000, 20000} {
			part := &matrix.Dense{Data: sx.Data[:n*20], Rows: n, Cols: 20}
			t0 := time.Now()
			g, err := cart.FitGolearn(part, sy[:n], 2, make([]string, 20), []string{"0", "1"}, cart.Options{Criterion: "gini", MaxDepth: 8})
			if err != nil {
				return err
			}
			gs := time.Since(t0).Seconds()
			t0 = time.Now()
			o, err := cart.Fit(context.Background(), part, sy[:n], 2, make([]string, 20), []string{"0", "1"}, cart.Options{Criterion: "gini", MaxDepth: 8, MinLeaf: 1})
			if err != nil {
				return err
			}
			fmt.Printf("  %6d rows: golearn %8.2f s (%d nodes), crmwh %.3f s (%d nodes)\n", n, gs, len(g.Nodes), time.Since(t0).Seconds(), len(o.Nodes))
			lines = append(lines, fmt.Sprintf("golearn_%d_seconds=%.2f", n, gs))
		}
	}
	fmt.Printf("\n%s\n", strings.Join(lines, "\n"))
	return nil
}

// synthetic draws n rows of d standard normal features; the label is whether the sum of the first
// five plus noise is positive.
func synthetic(n, d int) (*matrix.Dense, []int32) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := &matrix.Dense{Data: make([]float64, n*d), Rows: n, Cols: d}
	y := make([]int32, n)
	for i := range n {
		s := 0.0
		for j := range d {
			v := rng.NormFloat64()
			x.Data[i*d+j] = v
			if j < 5 {
				s += v
			}
		}
		if s+rng.NormFloat64() > 0 {
			y[i] = 1
		}
	}
	return x, y
}

// write stores the matrix, labels and (if any) held-out flags as raw little-endian files.
func write(base string, x *matrix.Dense, y []int32, test []bool) error {
	b := make([]byte, 8*len(x.Data))
	for i, v := range x.Data {
		binary.LittleEndian.PutUint64(b[i*8:], math.Float64bits(v))
	}
	if err := os.WriteFile(base+".x", b, 0o644); err != nil {
		return err
	}
	b = make([]byte, 4*len(y))
	for i, v := range y {
		binary.LittleEndian.PutUint32(b[i*4:], uint32(v))
	}
	if err := os.WriteFile(base+".y", b, 0o644); err != nil {
		return err
	}
	if test == nil {
		return nil
	}
	b = make([]byte, len(test))
	for i, t := range test {
		if t {
			b[i] = 1
		}
	}
	return os.WriteFile(base+".test", b, 0o644)
}

func values(out string) map[string]float64 {
	m := map[string]float64{}
	for _, l := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			m[k], _ = strconv.ParseFloat(v, 64)
		}
	}
	return m
}
