// Command load benchmarks crmwh's full load against DuckDB's own bare ingest of the same files.
//
// It generates (or reuses) a demo export of -customers customers, then in one run:
//   - reference: a fresh DuckDB file, and for each source table CREATE TABLE + INSERT INTO ...
//     SELECT * FROM read_csv(file) (DuckDB's own types, no validation, no star schema);
//   - ours: `crmwh run` in a fresh data directory (extract to the Parquet landing zone, validate and
//     load into the star schema, rebuild fact_customer_month, write the Parquet copy), as a
//     separate process so that its peak memory (max RSS) is measured.
//
// It prints both times, our per-job times and the ratios, and name=value lines.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/crmwh/crmwh/etl"
	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/warehouse"
)

func main() {
	customers := flag.Int("customers", 200000, "customers in the generated export")
	seed := flag.Uint64("seed", 42, "generator seed")
	work := flag.String("dir", "bench/out", "work directory (exports are kept and reused)")
	memLimit := flag.String("memory-limit", "2GB", "DuckDB memory limit for both sides")
	flag.Parse()
	if err := run(*customers, *seed, *work, *memLimit); err != nil {
		fmt.Fprintln(os.Stderr, "bench/load:", err)
		os.Exit(1)
	}
}

func run(customers int, seed uint64, work, memLimit string) error {
	ctx := context.Background()
	work, err := filepath.Abs(work)
	if err != nil {
		return err
	}
	end := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	src := filepath.Join(work, fmt.Sprintf("export-%d-%d", customers, seed))
	m, err := readManifest(src)
	if err != nil {
		fmt.Printf("generating %d customers into %s ...\n", customers, src)
		t0 := time.Now()
		if m, err = demodata.Generate(ctx, demodata.Options{Customers: customers, Seed: seed, End: end, DirtyRate: 0.002, Dir: src}); err != nil {
			return err
		}
		fmt.Printf("  %.1f s\n", time.Since(t0).Seconds())
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

	// Reference: DuckDB's bare ingest.
	refDir := filepath.Join(work, "reference")
	if err := os.RemoveAll(refDir); err != nil {
		return err
	}
	if err := os.MkdirAll(refDir, 0o755); err != nil {
		return err
	}
	db, err := sql.Open("duckdb", filepath.Join(refDir, "ref.duckdb")+"?memory_limit="+memLimit)
	if err != nil {
		return err
	}
	t0 := time.Now()
	for _, t := range etl.Contract {
		f := warehouse.Quote(filepath.Join(src, t.Name+".csv"))
		if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE TABLE %s AS SELECT * FROM read_csv(%s, header = true) LIMIT 0", t.Name, f)); err != nil {
			return fmt.Errorf("reference %s: %w", t.Name, err)
		}
		if _, err := db.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s SELECT * FROM read_csv(%s, header = true, ignore_errors = true)", t.Name, f)); err != nil {
			return fmt.Errorf("reference %s: %w", t.Name, err)
		}
	}
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return err
	}
	ref := time.Since(t0)
	db.Close()
	fmt.Printf("reference: DuckDB read_csv + INSERT of %d files: %.2f s\n", len(etl.Contract), ref.Seconds())

	// Ours: the nightly run in a fresh data directory.
	data := filepath.Join(work, "data")
	if err := os.RemoveAll(data); err != nil {
		return err
	}
	cfg := filepath.Join(work, "bench.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("source:\n  dir: %s\nwarehouse:\n  memory_limit: %s\n", src, memLimit)), 0o644); err != nil {
		return err
	}
	cmd := exec.Command(bin, "--config", cfg, "--data", data, "run", "--as-of", end.Format(time.DateOnly))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	t0 = time.Now()
	if err := cmd.Run(); err != nil {
		fmt.Print(out.String())
		return fmt.Errorf("crmwh run: %w", err)
	}
	ours := time.Since(t0)
	maxRSS := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
	fmt.Print(out.String())

	jobs, err := jobSeconds(ctx, filepath.Join(data, warehouse.FileName))
	if err != nil {
		return err
	}
	extractLoad := jobs["extract"] + jobs["load"]
	fmt.Printf("\nours: crmwh run %.2f s (extract %.2f, load %.2f, marts %.2f, lake %.2f), peak RSS %.0f MiB\n",
		ours.Seconds(), jobs["extract"], jobs["load"], jobs["marts"], jobs["lake"], float64(maxRSS)/1024)
	fmt.Printf("ratio full run / reference: %.2f (target <= 3)\n", ours.Seconds()/ref.Seconds())
	fmt.Printf("ratio extract+load / reference: %.2f\n\n", extractLoad/ref.Seconds())
	fmt.Printf("customers=%d\nrows=%d\nreference_seconds=%.2f\nours_seconds=%.2f\nextract_seconds=%.2f\nload_seconds=%.2f\nmarts_seconds=%.2f\nlake_seconds=%.2f\nratio_full=%.2f\nratio_extract_load=%.2f\npeak_rss_mib=%.0f\n",
		customers, rows, ref.Seconds(), ours.Seconds(), jobs["extract"], jobs["load"], jobs["marts"], jobs["lake"],
		ours.Seconds()/ref.Seconds(), extractLoad/ref.Seconds(), float64(maxRSS)/1024)
	return nil
}

func jobSeconds(ctx context.Context, path string) (map[string]float64, error) {
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT job, epoch(ended_at) - epoch(started_at) FROM ops.job_runs")
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

func readManifest(dir string) (*demodata.Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, demodata.ManifestFile))
	if err != nil {
		return nil, err
	}
	m := &demodata.Manifest{}
	return m, json.Unmarshal(b, m)
}
