// Command fpgrowth benchmarks crmwh's FP-growth against the npm package node-fpgrowth (whose
// counts are exact) on the same baskets, in one run: retail_subset.dat at minimum support 0.01,
// 0.005, 0.002 and 0.001 and groceries.csv at 0.006 and 0.001, mining time only (reading
// excluded), median of -repeat runs each, itemset counts compared. Then our time alone on the
// order baskets of a -customers demo export (generated under bench/out if absent).
//
// node-fpgrowth is installed with npm into bench/out/npm when missing.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/internal/datasets"
	"github.com/crmwh/crmwh/mining/fpgrowth"
	"github.com/crmwh/crmwh/warehouse"
)

func main() {
	dir := flag.String("datasets", "", "folder of retail_subset.dat and groceries.csv (default: the shared datasets)")
	work := flag.String("dir", "bench/out", "work directory")
	repeat := flag.Int("repeat", 5, "runs per support on each side; medians are compared")
	customers := flag.Int("customers", 1_000_000, "demo customers whose order baskets we mine (0: skip)")
	flag.Parse()
	if *dir == "" {
		d, err := datasets.Dir()
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/fpgrowth:", err)
			os.Exit(1)
		}
		*dir = d
	}
	if err := run(*dir, *work, max(1, *repeat), *customers); err != nil {
		fmt.Fprintln(os.Stderr, "bench/fpgrowth:", err)
		os.Exit(1)
	}
}

func run(datasets, work string, repeat, customers int) error {
	npm, err := filepath.Abs(filepath.Join(work, "npm"))
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(npm, "node_modules", "node-fpgrowth")); err != nil {
		fmt.Println("installing node-fpgrowth with npm ...")
		if err := os.MkdirAll(npm, 0o755); err != nil {
			return err
		}
		install := exec.Command("npm", "install", "--no-save", "--prefix", npm, "node-fpgrowth@1.2.1")
		install.Stdout, install.Stderr = os.Stdout, os.Stderr
		if err := install.Run(); err != nil {
			return fmt.Errorf("npm install node-fpgrowth: %w", err)
		}
	}
	var lines []string
	minRatio := math.Inf(1)
	allEqual := true
	fmt.Printf("%-18s %8s %10s %10s %10s %10s %8s\n", "data", "support", "crmwh", "node", "crmwh s", "node s", "speed-up")
	for _, d := range []struct {
		file, format string
		supports     []string
	}{
		{"retail_subset.dat", "dat", []string{"0.01", "0.005", "0.002", "0.001"}},
		{"groceries.csv", "csv", []string{"0.006", "0.001"}},
	} {
		path, err := filepath.Abs(filepath.Join(datasets, d.file))
		if err != nil {
			return err
		}
		baskets, items, err := read(path, d.format)
		if err != nil {
			return err
		}
		node := exec.Command("node", append([]string{"bench/fpgrowth/reference.js", path, d.format, strconv.Itoa(repeat)}, d.supports...)...)
		node.Env = append(os.Environ(), "FPGROWTH_MODULES="+filepath.Join(npm, "node_modules"))
		out, err := node.CombinedOutput()
		if err != nil {
			return fmt.Errorf("node-fpgrowth: %w\n%s", err, out)
		}
		ref := map[string][2]float64{}
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Fields(l)
			if len(f) == 3 {
				c, _ := strconv.ParseFloat(f[1], 64)
				s, _ := strconv.ParseFloat(f[2], 64)
				ref[f[0]] = [2]float64{c, s}
			}
		}
		for _, s := range d.supports {
			sup, _ := strconv.ParseFloat(s, 64)
			count, ours, err := mine(baskets, items, sup, repeat)
			if err != nil {
				return err
			}
			r := ref[s]
			speedup := r[1] / ours
			minRatio = math.Min(minRatio, speedup)
			allEqual = allEqual && float64(count) == r[0]
			name := strings.TrimSuffix(d.file, filepath.Ext(d.file))
			fmt.Printf("%-18s %8s %10d %10.0f %10.4f %10.4f %7.1f×\n", name, s, count, r[0], ours, r[1], speedup)
			key := name + "_" + strings.ReplaceAll(s, ".", "_")
			lines = append(lines, fmt.Sprintf("%s_itemsets=%d", key, count), fmt.Sprintf("%s_ref_itemsets=%.0f", key, r[0]),
				fmt.Sprintf("%s_seconds=%.4f", key, ours), fmt.Sprintf("%s_ref_seconds=%.4f", key, r[1]), fmt.Sprintf("%s_speedup=%.2f", key, speedup))
		}
	}
	fmt.Printf("\nslowest speed-up %.1f× (target >= 5×); counts identical: %v\n", minRatio, allEqual)
	lines = append(lines, fmt.Sprintf("min_speedup=%.2f", minRatio), fmt.Sprintf("counts_identical=%v", allEqual))

	if customers > 0 {
		l, err := demoBaskets(work, customers, repeat)
		if err != nil {
			return err
		}
		lines = append(lines, l...)
	}
	fmt.Printf("\n%s\n", strings.Join(lines, "\n"))
	return nil
}

// demoBaskets times our FP-growth on the order baskets of a demo export (one basket per order).
func demoBaskets(work string, customers, repeat int) ([]string, error) {
	ctx := context.Background()
	src, err := filepath.Abs(filepath.Join(work, fmt.Sprintf("export-%d-42", customers)))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(src, "order_items.csv")); err != nil {
		fmt.Printf("\ngenerating %d demo customers into %s ...\n", customers, src)
		if _, err := demodata.Generate(ctx, demodata.Options{Customers: customers, Seed: 42,
			End: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), DirtyRate: 0.002, Dir: src}); err != nil {
			return nil, err
		}
	}
	db, err := warehouse.Open(ctx, "", warehouse.Options{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT dense_rank() OVER (ORDER BY order_id) AS b, dense_rank() OVER (ORDER BY product_id) - 1 AS i
		FROM read_csv(?, all_varchar = true) WHERE order_id IS NOT NULL AND product_id IS NOT NULL ORDER BY b`, filepath.Join(src, "order_items.csv"))
	if err != nil {
		return nil, err
	}
	var baskets [][]int32
	items := 0
	var cur int64 = -1
	for rows.Next() {
		var b, i int64
		if err := rows.Scan(&b, &i); err != nil {
			rows.Close()
			return nil, err
		}
		if b != cur {
			baskets = append(baskets, nil)
			cur = b
		}
		baskets[len(baskets)-1] = append(baskets[len(baskets)-1], int32(i))
		items = max(items, int(i)+1)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var lines []string
	fmt.Printf("\norder baskets of %d demo customers: %d baskets, %d products\n", customers, len(baskets), items)
	for _, sup := range []float64{0.001, 0.0001} {
		count, seconds, err := mine(baskets, items, sup, repeat)
		if err != nil {
			return nil, err
		}
		fmt.Printf("  support %g: %d itemsets in %.3f s (median of %d)\n", sup, count, seconds, repeat)
		lines = append(lines, fmt.Sprintf("demo_%d_support_%g_itemsets=%d", customers, sup, count),
			fmt.Sprintf("demo_%d_support_%g_seconds=%.4f", customers, sup, seconds))
	}
	lines = append(lines, fmt.Sprintf("demo_%d_baskets=%d", customers, len(baskets)))
	return lines, nil
}

// mine runs our FP-growth repeat times on in-memory baskets at a minimum support (the count
// rounded up, as node-fpgrowth rounds it) and returns the itemsets found and the median time.
func mine(baskets [][]int32, items int, support float64, repeat int) (int, float64, error) {
	minCount := int64(math.Ceil(support * float64(len(baskets))))
	var times []float64
	count := 0
	for range repeat {
		t0 := time.Now()
		sets, _, err := fpgrowth.Mine(context.Background(), items, func(emit func([]int32)) error {
			for _, b := range baskets {
				emit(b)
			}
			return nil
		}, minCount, 0)
		if err != nil {
			return 0, 0, err
		}
		times = append(times, time.Since(t0).Seconds())
		count = sets.Len()
	}
	return count, median(times), nil
}

// read parses a basket file: one basket per line, items separated by commas (csv) or spaces (dat).
func read(path, format string) ([][]int32, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	sep := " "
	if format == "csv" {
		sep = ","
	}
	ids := map[string]int32{}
	var baskets [][]int32
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var b []int32
		for _, it := range strings.Split(line, sep) {
			if it == "" {
				continue
			}
			id, ok := ids[it]
			if !ok {
				id = int32(len(ids))
				ids[it] = id
			}
			b = append(b, id)
		}
		baskets = append(baskets, b)
	}
	if err := sc.Err(); err != nil {
		return nil, 0, err
	}
	if len(baskets) == 0 {
		return nil, 0, errors.New(path + ": no baskets")
	}
	return baskets, len(ids), nil
}

func median(v []float64) float64 {
	sort.Float64s(v)
	return v[len(v)/2]
}
