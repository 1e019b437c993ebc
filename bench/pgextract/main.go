// Command pgextract benchmarks crmwh's extraction from PostgreSQL against psql's \copy of the
// same rows, in one run: a demo export of -customers customers (generated under bench/out if
// absent) is loaded into a fresh PostgreSQL server (started here, as the tests do), then, -repeat
// times and alternating, crmwh extracts every contract table into a scratch landing zone (COPY
// TO STDOUT streamed into Parquet) and psql runs `\copy (SELECT ...) to stdout` of the same
// SELECT for each table into /dev/null. It prints the medians, rows per second and the
// throughput ratio (target: crmwh at least 70% of psql's).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/crmwh/crmwh/etl"
	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/internal/pgtest"
)

func main() {
	customers := flag.Int("customers", 1_000_000, "demo customers")
	work := flag.String("dir", "bench/out", "work directory (exports are kept and reused)")
	repeat := flag.Int("repeat", 3, "runs of each side, alternating; medians are compared")
	flag.Parse()
	if err := run(*customers, *work, max(1, *repeat)); err != nil {
		fmt.Fprintln(os.Stderr, "bench/pgextract:", err)
		os.Exit(1)
	}
}

func run(customers int, work string, repeat int) error {
	ctx := context.Background()
	src, err := filepath.Abs(filepath.Join(work, fmt.Sprintf("export-%d-42", customers)))
	if err != nil {
		return err
	}
	end := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	// bench/load keeps its exports under the same name with three years of history from the end;
	// this one reuses them, or makes one they reuse (demodata.Ensure).
	opt := demodata.Options{Customers: customers, Seed: 42, Start: end.AddDate(-3, 0, 0), End: end, DirtyRate: 0.002, Dir: src}
	_, generated, err := demodata.Ensure(ctx, opt)
	if err != nil {
		return err
	}
	if generated {
		fmt.Printf("generated %d customers into %s\n", customers, src)
	}
	srv, stop, err := pgtest.StartServer()
	if err != nil {
		return err
	}
	defer stop()
	dsn, err := srv.CreateDatabase("shop")
	if err != nil {
		return err
	}
	t0 := time.Now()
	filled, err := etl.FillPostgres(ctx, dsn, src, end.Add(24*time.Hour-time.Second), false)
	if err != nil {
		return err
	}
	var rows int64
	for _, n := range filled {
		rows += n
	}
	fmt.Printf("PostgreSQL filled with %d rows of %d customers in %.1f s\n", rows, customers, time.Since(t0).Seconds())

	var ours, theirs []float64
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for r := range repeat {
		lake, err := os.MkdirTemp(work, "pgextract-lake-")
		if err != nil {
			return err
		}
		t0 := time.Now()
		ex, err := etl.ExtractPostgres(ctx, etl.PostgresSource{DSN: dsn}, lake, end, nil, quiet)
		if err != nil {
			return err
		}
		ours = append(ours, time.Since(t0).Seconds())
		os.RemoveAll(lake)
		var n int64
		for _, e := range ex {
			n += e.Rows
		}
		if n != rows {
			return fmt.Errorf("crmwh extracted %d rows, PostgreSQL holds %d", n, rows)
		}
		t0 = time.Now()
		for _, t := range etl.Contract {
			sel := make([]string, len(t.Columns))
			for i, c := range t.Columns {
				sel[i] = c + "::text"
			}
			q := fmt.Sprintf(`\copy (SELECT %s FROM %s) to stdout with (format csv, header)`, strings.Join(sel, ", "), t.Name)
			cmd := exec.Command("psql", "-X", "-q", "-d", dsn, "-c", q)
			var stderr strings.Builder
			cmd.Stdout, cmd.Stderr = io.Discard, &stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("psql %s: %w\n%s", t.Name, err, stderr.String())
			}
		}
		theirs = append(theirs, time.Since(t0).Seconds())
		fmt.Printf("run %d/%d: crmwh %.2f s, psql %.2f s\n", r+1, repeat, ours[r], theirs[r])
	}
	o, p := median(ours), median(theirs)
	fmt.Printf("\nmedians of %d: crmwh %.2f s (%.0f rows/s, into Parquet), psql \\copy %.2f s (%.0f rows/s, into /dev/null): crmwh at %.0f%% of psql's throughput (target >= 70%%)\n",
		repeat, o, float64(rows)/o, p, float64(rows)/p, 100*p/o)
	fmt.Printf("\ncustomers=%d\nrows=%d\nours_seconds=%.3f\npsql_seconds=%.3f\nthroughput_ratio=%.3f\n", customers, rows, o, p, p/o)
	return nil
}

func median(v []float64) float64 {
	sort.Float64s(v)
	return v[len(v)/2]
}
