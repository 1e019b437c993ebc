// Command history benchmarks the score history at scale: it drives the publish's history step
// (publish.RecordHistory) alone over a month-end backfill of -months months for -customers
// customers, with stand-in scores that change realistically from month to month
// (sql/demo/history_bench_scores.sql says how often each changes), and reports per month the
// customers whose values changed and the step's time; then the history's rows and its bytes as
// the lake's Parquet (zstd), and the time of scores_as_of for a date in the middle. The step's
// time is set against the nightly run at the same size (-nightly-seconds, measured by bench/load
// at a million customers), as the share the target is about. Ends with name=value lines.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/crmwh/crmwh/jobs"
	"github.com/crmwh/crmwh/publish"
	"github.com/crmwh/crmwh/warehouse"
)

func main() {
	customers := flag.Int("customers", 1_000_000, "customers")
	months := flag.Int("months", 36, "month-end dates in the backfill")
	work := flag.String("dir", "bench/out", "work directory")
	nightly := flag.Float64("nightly-seconds", 290.2, "the nightly run's time at this size, for the step's share (bench/load at 1M: 290.2 s)")
	flag.Parse()
	if err := run(*customers, *months, *work, *nightly); err != nil {
		fmt.Fprintln(os.Stderr, "bench/history:", err)
		os.Exit(1)
	}
}

func run(customers, months int, work string, nightly float64) error {
	ctx := context.Background()
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	path := filepath.Join(work, fmt.Sprintf("history-%d.duckdb", customers))
	for _, p := range []string{path, path + ".wal"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	db, err := warehouse.Open(ctx, path, warehouse.Options{MemoryLimit: "4GB"})
	if err != nil {
		return err
	}
	defer db.Close()
	end := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	dates, err := jobs.BackfillDates(end.AddDate(0, -months+1, -end.Day()+1), end, "month")
	if err != nil {
		return err
	}
	fmt.Printf("score history: %d customers, %d month ends (%s to %s)\n\n", customers, len(dates),
		dates[0].Format(time.DateOnly), dates[len(dates)-1].Format(time.DateOnly))
	fmt.Printf("%-10s  %12s  %14s  %10s\n", "as of", "changed", "history rows", "step (s)")
	var steps []float64
	for m, d := range dates {
		if _, err := warehouse.RunScript(ctx, db, "demo/history_bench_scores.sql", map[string]any{
			"Customers": customers, "Month": m, "AsOf": d.Format(time.DateOnly),
		}); err != nil {
			return err
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		t0 := time.Now()
		res := &publish.Result{}
		if err := publish.RecordHistory(ctx, tx, "bench", d, res); err != nil {
			tx.Rollback() //nolint:errcheck // the error is the one to report
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		step := time.Since(t0).Seconds()
		steps = append(steps, step)
		var rows, changed int64
		if err := db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT customer_id) FILTER (WHERE valid_from = CAST(? AS DATE))
			FROM scores.customer_score_history`, d.Format(time.DateOnly)).Scan(&rows, &changed); err != nil {
			return err
		}
		if m == 0 {
			changed = 0 // the first date opens everything
		}
		fmt.Printf("%-10s  %12d  %14d  %10.2f\n", d.Format(time.DateOnly), changed, rows, step)
	}
	var histRows, snapRows int64
	if err := db.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM scores.customer_score_history), (SELECT count(*) FROM scores.customer_score_snapshots)").Scan(&histRows, &snapRows); err != nil {
		return err
	}
	bytes := map[string]int64{}
	for _, t := range []string{"customer_score_history", "customer_score_snapshots"} {
		file := filepath.Join(work, t+".parquet")
		if _, err := db.ExecContext(ctx, "COPY scores."+t+" TO "+warehouse.Quote(file)+" (FORMAT parquet, COMPRESSION zstd)"); err != nil {
			return err
		}
		st, err := os.Stat(file)
		if err != nil {
			return err
		}
		bytes[t] = st.Size()
		os.Remove(file)
	}
	mid := dates[len(dates)/2].AddDate(0, 0, -10) // a day between two month ends
	var asOfTimes []float64
	var n int64
	for range 5 {
		t0 := time.Now()
		if err := db.QueryRowContext(ctx, "SELECT count(*), sum(hash(customer_id, rfm_segment, churn_risk, clv)) FROM scores_as_of(CAST(? AS DATE))", mid.Format(time.DateOnly)).Scan(&n, new(any)); err != nil {
			return err
		}
		asOfTimes = append(asOfTimes, time.Since(t0).Seconds())
	}
	slices.Sort(steps)
	slices.Sort(asOfTimes)
	medStep, maxStep := steps[len(steps)/2], steps[len(steps)-1]
	fmt.Printf("\nhistory: %d interval rows (%.1f MB as Parquet), %d snapshot rows (%.1f MB)\n", histRows,
		float64(bytes["customer_score_history"])/1e6, snapRows, float64(bytes["customer_score_snapshots"])/1e6)
	fmt.Printf("history step: median %.2f s, max %.2f s: %.1f%% of a %.0f s nightly run (target: under 10%%)\n",
		medStep, maxStep, 100*medStep/nightly, nightly)
	fmt.Printf("scores_as_of(%s): %d customers in %.3f s (median of 5; target: under 2 s)\n", mid.Format(time.DateOnly), n, asOfTimes[2])
	fmt.Printf("\ncustomers=%d\nmonths=%d\nhistory_rows=%d\nhistory_bytes=%d\nsnapshot_rows=%d\nsnapshot_bytes=%d\nstep_median_seconds=%.3f\nstep_max_seconds=%.3f\nstep_share_of_nightly=%.4f\nscores_as_of_seconds=%.3f\n",
		customers, len(dates), histRows, bytes["customer_score_history"], snapRows, bytes["customer_score_snapshots"],
		medStep, maxStep, medStep/nightly, asOfTimes[2])
	return nil
}
