// Command load benchmarks crmwh's full load against DuckDB's own bare ingest of the same files.
//
// It generates (or reuses) a demo export of -customers customers, then in one run:
//   - reference: a fresh DuckDB file, and for each source table CREATE TABLE + INSERT INTO ...
//     SELECT * FROM read_csv(file) (DuckDB's own types, no validation, no star schema);
//   - ours: `crmwh run` in a fresh data directory (extract to the Parquet landing zone, validate and
//     load into the star schema, rebuild fact_customer_month, write the Parquet copy), as a
//     separate process so that its peak memory (max RSS) is measured.
//
// Then, unless -next=false, the next night: a second export of the same history one day later
// (same seed and start: the same rows plus a day's new orders and changes), and `crmwh run` for
// that day in the same data directory, as a scheduled nightly run finds it: the load inserts only
// what is new, the marts are rebuilt incrementally, the lake writes only what changed. It is
// compared with the same bare ingest of the later export (a system without a warehouse reads
// everything every night).
//
// Both sides run -repeat times, alternating, and the medians are compared: the machine is shared
// and noisy. It prints both times, our per-job times and the ratios, and name=value lines.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/crmwh/crmwh/etl"
	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/jobs"
	"github.com/crmwh/crmwh/warehouse"
)

func main() {
	customers := flag.Int("customers", 200000, "customers in the generated export")
	seed := flag.Uint64("seed", 42, "generator seed")
	work := flag.String("dir", "bench/out", "work directory (exports are kept and reused)")
	memLimit := flag.String("memory-limit", "2GB", "DuckDB memory limit for both sides")
	repeat := flag.Int("repeat", 3, "runs of each side, alternating; medians are reported (the machine is noisy)")
	next := flag.Bool("next", true, "also time the next night's run (a day later, same data directory)")
	flag.Parse()
	if err := run(*customers, *seed, *work, *memLimit, max(1, *repeat), *next); err != nil {
		fmt.Fprintln(os.Stderr, "bench/load:", err)
		os.Exit(1)
	}
}

func run(customers int, seed uint64, work, memLimit string, repeat int, next bool) error {
	ctx := context.Background()
	work, err := filepath.Abs(work)
	if err != nil {
		return err
	}
	end := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	start := end.AddDate(-3, 0, 0)
	src := filepath.Join(work, fmt.Sprintf("export-%d-%d", customers, seed))
	m, err := export(ctx, demodata.Options{Customers: customers, Seed: seed, Start: start, End: end, DirtyRate: 0.002, Dir: src})
	if err != nil {
		return err
	}
	nextEnd := end.AddDate(0, 0, 1)
	nextSrc := filepath.Join(work, fmt.Sprintf("export-%d-%d-next", customers, seed))
	if next {
		if _, err := export(ctx, demodata.Options{Customers: customers, Seed: seed, Start: start, End: nextEnd, DirtyRate: 0.002, Dir: nextSrc}); err != nil {
			return err
		}
	}
	var rows, bytes int64
	for _, t := range etl.Contract {
		rows += m.Tables[t.Name].Rows
		if st, err := os.Stat(filepath.Join(src, t.Name+".csv")); err == nil {
			bytes += st.Size()
		}
	}
	fmt.Printf("input: %d customers, %d rows (%d order lines), %.2f GB of CSV\n\n", customers, rows, m.Tables["order_items"].Rows, float64(bytes)/1e9)

	bin := filepath.Join(work, "crmwh")
	build := exec.Command("go", "build", "-o", bin, "./cmd/crmwh")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build crmwh: %w", err)
	}

	var refs, ourTimes, nextRefs, nextTimes []float64
	var maxRSS, nextRSS int64
	var out, nextOut string
	jobTimes, nextJobTimes := map[string][]float64{}, map[string][]float64{}
	data := filepath.Join(work, "data")
	for k := 0; k < repeat; k++ {
		ref, err := reference(ctx, src, work, memLimit)
		if err != nil {
			return err
		}
		refs = append(refs, ref.Seconds())
		fmt.Printf("run %d/%d: reference %.2f s", k+1, repeat, ref.Seconds())
		if err := os.RemoveAll(data); err != nil {
			return err
		}
		ours, rss, o, secs, err := crmwhRun(ctx, bin, src, work, data, memLimit, end)
		if err != nil {
			fmt.Print(o)
			return err
		}
		ourTimes, maxRSS, out = append(ourTimes, ours.Seconds()), max(maxRSS, rss), o
		for j, s := range secs {
			jobTimes[j] = append(jobTimes[j], s)
		}
		fmt.Printf(", crmwh run %.2f s", ours.Seconds())
		if next {
			ref, err := reference(ctx, nextSrc, work, memLimit)
			if err != nil {
				return err
			}
			ours, rss, o, secs, err := crmwhRun(ctx, bin, nextSrc, work, data, memLimit, nextEnd)
			if err != nil {
				fmt.Print(o)
				return err
			}
			nextRefs, nextTimes, nextRSS, nextOut = append(nextRefs, ref.Seconds()), append(nextTimes, ours.Seconds()), max(nextRSS, rss), o
			for j, s := range secs {
				nextJobTimes[j] = append(nextJobTimes[j], s)
			}
			fmt.Printf("; next night: reference %.2f s, crmwh run %.2f s", ref.Seconds(), ours.Seconds())
		}
		fmt.Println()
	}
	fmt.Printf("\nthe last crmwh run:\n%s", out)
	ref, ours := median(refs), median(ourTimes)
	secs := map[string]float64{}
	for j, ts := range jobTimes {
		secs[j] = median(ts)
	}
	extractLoad := secs["extract"] + secs["load"]
	fmt.Printf("\nmedians of %d runs: reference (DuckDB read_csv + INSERT) %.2f s; crmwh run %.2f s (extract %.2f, load %.2f, marts %.2f, lake %.2f); peak RSS %.0f MiB\n",
		repeat, ref, ours, secs["extract"], secs["load"], secs["marts"], secs["lake"], float64(maxRSS)/1024)
	fmt.Printf("ratio extract+load / reference: %.2f (target <= 3)\n", extractLoad/ref)
	fmt.Printf("ratio full nightly run (with marts and the Parquet copy) / reference: %.2f\n\n", ours/ref)
	fmt.Printf("per job: %s\n", perJob(secs))
	if next {
		fmt.Printf("\nthe last next-night run:\n%s", nextOut)
		nref, nours := median(nextRefs), median(nextTimes)
		nsecs := map[string]float64{}
		for j, ts := range nextJobTimes {
			nsecs[j] = median(ts)
		}
		fmt.Printf("\nnext night, medians of %d runs: reference %.2f s; crmwh run %.2f s; peak RSS %.0f MiB\n", repeat, nref, nours, float64(nextRSS)/1024)
		fmt.Printf("per job: %s\n", perJob(nsecs))
		fmt.Printf("ratio next night / reference: %.2f\n\n", nours/nref)
		fmt.Printf("next_reference_seconds=%.2f\nnext_ours_seconds=%.2f\nnext_load_seconds=%.2f\nnext_marts_seconds=%.2f\nnext_lake_seconds=%.2f\nratio_next=%.2f\nnext_peak_rss_mib=%.0f\n",
			nref, nours, nsecs["load"], nsecs["marts"], nsecs["lake"], nours/nref, float64(nextRSS)/1024)
	}
	fmt.Printf("customers=%d\nrows=%d\nrepeat=%d\nreference_seconds=%.2f\nours_seconds=%.2f\nextract_seconds=%.2f\nload_seconds=%.2f\nmarts_seconds=%.2f\nlake_seconds=%.2f\nratio_extract_load=%.2f\nratio_full=%.2f\npeak_rss_mib=%.0f\n",
		customers, rows, repeat, ref, ours, secs["extract"], secs["load"], secs["marts"], secs["lake"],
		extractLoad/ref, ours/ref, float64(maxRSS)/1024)
	return nil
}

// export reuses the export in opt.Dir when it is what opt generates, else generates it anew
// (demodata.Ensure).
func export(ctx context.Context, opt demodata.Options) (*demodata.Manifest, error) {
	t0 := time.Now()
	m, generated, err := demodata.Ensure(ctx, opt)
	if err != nil {
		return nil, err
	}
	if generated {
		fmt.Printf("generated %d customers up to %s into %s in %.1f s\n", opt.Customers, opt.End.Format(time.DateOnly), opt.Dir, time.Since(t0).Seconds())
	}
	return m, nil
}

// perJob is the jobs' times in DAG order, as "name s, ...".
func perJob(times map[string]float64) string {
	var parts []string
	for _, j := range jobs.Nightly {
		if s, ok := times[j]; ok {
			parts = append(parts, fmt.Sprintf("%s %.1f", j, s))
		}
	}
	return strings.Join(parts, ", ")
}

// reference ingests every source file into a fresh DuckDB file with DuckDB's own read_csv and
// INSERT: no validation, no star schema.
func reference(ctx context.Context, src, work, memLimit string) (time.Duration, error) {
	refDir := filepath.Join(work, "reference")
	if err := os.RemoveAll(refDir); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(refDir, 0o755); err != nil {
		return 0, err
	}
	db, err := sql.Open("duckdb", filepath.Join(refDir, "ref.duckdb")+"?memory_limit="+memLimit)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	t0 := time.Now()
	for _, t := range etl.Contract {
		f := warehouse.Quote(filepath.Join(src, t.Name+".csv"))
		if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE TABLE %s AS SELECT * FROM read_csv(%s, header = true) LIMIT 0", t.Name, f)); err != nil {
			return 0, fmt.Errorf("reference %s: %w", t.Name, err)
		}
		if _, err := db.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s SELECT * FROM read_csv(%s, header = true, ignore_errors = true)", t.Name, f)); err != nil {
			return 0, fmt.Errorf("reference %s: %w", t.Name, err)
		}
	}
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}

// crmwhRun runs the nightly jobs for end in data as a separate process, so that its peak memory
// is its own; it returns the wall time, max RSS (KiB), the output and that date's per-job times.
func crmwhRun(ctx context.Context, bin, src, work, data, memLimit string, end time.Time) (time.Duration, int64, string, map[string]float64, error) {
	cfg := filepath.Join(work, "bench.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("source:\n  dir: %s\nwarehouse:\n  memory_limit: %s\n", src, memLimit)), 0o644); err != nil {
		return 0, 0, "", nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "--config", cfg, "--data", data, "run", "--as-of", end.Format(time.DateOnly))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, out.String(), nil, fmt.Errorf("crmwh run: %w", err)
	}
	elapsed := time.Since(t0)
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
	jobs, err := jobSeconds(ctx, filepath.Join(data, warehouse.FileName), end)
	return elapsed, rss, out.String(), jobs, err
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func jobSeconds(ctx context.Context, path string, asOf time.Time) (map[string]float64, error) {
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT job, epoch(ended_at) - epoch(started_at) FROM ops.job_runs WHERE as_of = ?", asOf)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var j string
		var s float64
		if err := rows.Scan(&j, &s); err != nil {
			return nil, err
		}
		out[j] = s
	}
	return out, rows.Err()
}
