package main

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/jobs"
	"github.com/crmwh/crmwh/warehouse"
)

func newRun(g *globals) *cobra.Command {
	var asOf, from, to, every string
	var only, wait, replace, fullMarts bool
	cmd := &cobra.Command{
		Use:   "run [JOB...]",
		Short: "Run the nightly DAG, or the named jobs and what they need, for an as-of date or a range",
		Long: `Runs the jobs of the DAG for --as-of (or from --from to --to, --every day, week or month: each
month's last day), in this order, each after the jobs it needs (in brackets):
` + jobList() + `
Named jobs run with every job they need unless --only is given. A failed job is retried as the
config says (not a failed data check or model-input guard: the data must change first); if
it still fails, the jobs that need it are skipped and the others go on. One run
at a time: a second run says who holds the lock and exits non-zero, or waits with --wait.
Re-running a date changes nothing; a failed job leaves the warehouse as it was.`,
		RunE: func(cmd *cobra.Command, names []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			env.ReplaceExport = replace
			env.FullMarts = fullMarts
			dates, err := runDates(asOf, from, to, every)
			if err != nil {
				return err
			}
			plan, err := jobs.Plan(names, only, env.Config.Jobs.Nightly)
			if err != nil {
				return err
			}
			lock, err := jobs.Acquire(cmd.Context(), env.DataDir, wait)
			if err != nil {
				return err
			}
			defer lock.Release() //nolint:errcheck // the process ends right after
			showJobs(env)
			for _, d := range dates {
				t0 := time.Now()
				sum, err := jobs.Run(cmd.Context(), env, d, plan)
				if sum != nil {
					printRun(cmd.OutOrStdout(), sum, time.Since(t0))
				}
				if err != nil {
					if len(dates) > 1 {
						return fmt.Errorf("backfill stopped at %s: %w", d.Format(time.DateOnly), err)
					}
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&asOf, "as-of", "", "as-of date YYYY-MM-DD (default: today, UTC)")
	cmd.Flags().StringVar(&from, "from", "", "backfill: first as-of date YYYY-MM-DD (with --to)")
	cmd.Flags().StringVar(&to, "to", "", "backfill: last as-of date YYYY-MM-DD (with --from)")
	cmd.Flags().StringVar(&every, "every", "day", "backfill step: day, week or month (each month's last day)")
	cmd.Flags().BoolVar(&only, "only", false, "run only the named jobs, not the jobs they need")
	cmd.Flags().BoolVar(&wait, "wait", false, "wait for another run to finish instead of failing")
	cmd.Flags().BoolVar(&fullMarts, "full-marts", false, "rebuild fact_customer_month in full instead of incrementally (the same table, slower)")
	cmd.Flags().BoolVar(&replace, "replace-export", false, "let a corrected export replace the landing partition of the same date (recorded in ops.replaced_exports)")
	return cmd
}

// runDates is the as-of date, or the dates of the backfill range.
func runDates(asOf, from, to, every string) ([]time.Time, error) {
	parse := func(flag, v string) (time.Time, error) {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return d, fmt.Errorf("--%s: %q is not a date YYYY-MM-DD", flag, v)
		}
		return d, nil
	}
	if from != "" || to != "" {
		if asOf != "" || from == "" || to == "" {
			return nil, fmt.Errorf("a backfill needs both --from and --to, and no --as-of")
		}
		f, err := parse("from", from)
		if err != nil {
			return nil, err
		}
		t, err := parse("to", to)
		if err != nil {
			return nil, err
		}
		if t.Before(f) {
			return nil, fmt.Errorf("--to %s is before --from %s", to, from)
		}
		dates, err := jobs.BackfillDates(f, t, every)
		if err == nil && len(dates) == 0 {
			err = fmt.Errorf("no %s-end date between --from %s and --to %s", every, from, to)
		}
		return dates, err
	}
	if asOf == "" {
		return []time.Time{time.Now().UTC().Truncate(24 * time.Hour)}, nil
	}
	d, err := parse("as-of", asOf)
	return []time.Time{d}, err
}

func newDemo(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Generate demo data (if absent), run the nightly pipeline on it and print a summary",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			t0 := time.Now()
			dir := filepath.Join(env.DataDir, "demo")
			m, err := demodata.ReadManifest(dir)
			if errors.Is(err, os.ErrNotExist) {
				opt := demodata.Options{Customers: env.Config.Generate.Customers, Seed: env.Config.Generate.Seed,
					DirtyRate: env.Config.Generate.DirtyRate, Dir: dir,
					End: time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)}
				fmt.Fprintf(out, "Generating demo data: %d customers, seed %d ...\n", opt.Customers, opt.Seed)
				var elapsed time.Duration
				if m, elapsed, err = generate(cmd, opt); err != nil {
					return err
				}
				fmt.Fprintf(out, "  done in %.1f s: %s\n", elapsed.Seconds(), dir)
			} else if err != nil {
				return err
			} else {
				fmt.Fprintf(out, "Using the demo data in %s (%d customers, seed %d; delete the folder to regenerate)\n", dir, m.Customers, m.Seed)
			}
			env.Config.Source.Type, env.Config.Source.Dir = "csv", dir
			asOf, err := time.Parse(time.DateOnly, m.End)
			if err != nil {
				return fmt.Errorf("demo manifest: end %q: %w", m.End, err)
			}
			fmt.Fprintf(out, "Running the nightly pipeline as of %s ...\n\n", m.End)
			showJobs(env)
			lock, err := jobs.Acquire(cmd.Context(), env.DataDir, false)
			if err != nil {
				return err
			}
			defer lock.Release() //nolint:errcheck // the process ends right after
			sum, err := jobs.Run(cmd.Context(), env, asOf, nil)
			if err != nil {
				if sum != nil {
					printRun(out, sum, time.Since(t0))
				}
				return err
			}
			printRun(out, sum, 0)
			return printDemoSummary(cmd, env, time.Since(t0))
		},
	}
}

// printRun prints a run's jobs and load counts, then its key figures as name=value lines (when
// elapsed is non-zero; the demo prints its own afterwards).
func printRun(w io.Writer, s *jobs.Summary, elapsed time.Duration) {
	if len(s.Jobs) == 0 {
		printLoad(w, s)
		return
	}
	fmt.Fprintf(w, "Run %s as of %s\n", s.RunID, s.AsOf.Format(time.DateOnly))
	jt := &table{header: []string{"job", "status", "attempts", "rows read", "rows written", "rows rejected", "seconds"}, numeric: []bool{false, false, true, true, true, true, true}}
	failed := 0
	for _, j := range s.Jobs {
		attempts := ""
		if j.Attempts > 0 {
			attempts = fmt.Sprint(j.Attempts)
		}
		jt.add(j.Job, j.Status, attempts, num(j.Read), num(j.Written), num(j.Rejected), fmt.Sprintf("%.2f", j.Ended.Sub(j.Started).Seconds()))
		if j.Status != "succeeded" {
			failed++
		}
	}
	jt.print(w)
	for _, j := range s.Jobs {
		if j.Err != nil && j.Status == "failed" {
			fmt.Fprintf(w, "\n%s failed: %v\n", j.Job, j.Err)
		}
	}
	read, loaded, rejected := printLoad(w, s)
	if elapsed > 0 {
		status := "succeeded"
		if failed > 0 {
			status = "failed"
		}
		fmt.Fprintf(w, "\nrun_id=%s\nas_of=%s\nstatus=%s\njobs_not_succeeded=%d\nrows_read=%d\nrows_loaded=%d\nrows_rejected=%d\nseconds=%.2f\n",
			s.RunID, s.AsOf.Format(time.DateOnly), status, failed, read, loaded, rejected, elapsed.Seconds())
	}
}

func printDemoSummary(cmd *cobra.Command, env *jobs.Env, elapsed time.Duration) error {
	out := cmd.OutOrStdout()
	db, err := warehouse.Open(cmd.Context(), env.WarehousePath(), warehouse.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(out, "\nRows per table")
	if err := printTableCounts(cmd.Context(), db, out); err != nil {
		return err
	}
	fmt.Fprintln(out, "\nRejected rows by reason (all kept in ops.etl_rejects)")
	if err := printQuery(cmd.Context(), db, out, "demo/rejects_by_reason.sql", nil); err != nil {
		return err
	}
	fmt.Fprintln(out, "\nCustomer value by RFM segment (scores.customer_scores)")
	if err := printQuery(cmd.Context(), db, out, "demo/value_summary.sql", nil); err != nil {
		return err
	}
	fmt.Fprintln(out, "\nSegments (k-means; scores.cluster_profiles)")
	if err := printQuery(cmd.Context(), db, out, "demo/segments.sql", nil); err != nil {
		return err
	}
	fmt.Fprintln(out, "\nService: the five stores with the lowest satisfaction (the Service page)")
	if err := printQuery(cmd.Context(), db, out, "demo/service.sql", nil); err != nil {
		return err
	}
	var customers, lines, vip, warnings int64
	err = warehouse.ForEachRow(cmd.Context(), db, "demo/headline.sql", nil, nil, func(rows *sql.Rows) error {
		return rows.Scan(&customers, &lines, &vip, &warnings)
	})
	if err != nil {
		return fmt.Errorf("demo summary: %w", err)
	}
	fmt.Fprintf(out, demoFooter, elapsed.Seconds(), env.WarehousePath(), filepath.Join(env.LakeDir(), "raw"), filepath.Join(env.LakeDir(), "warehouse"),
		filepath.Join(env.DataDir, "demo"), customers, lines, vip, warnings, elapsed.Seconds())
	return nil
}

// demoFooter ends the demo's summary: where the files are, queries to try and the key figures.
//
//go:embed demo_footer.txt
var demoFooter string

func printTableCounts(ctx context.Context, db *warehouse.DB, w io.Writer) error {
	q, err := warehouse.Render("demo/table_counts.sql", nil)
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	var names [][2]string
	for rows.Next() {
		var s, t string
		if err := rows.Scan(&s, &t); err != nil {
			rows.Close()
			return err
		}
		names = append(names, [2]string{s, t})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	t := &table{header: []string{"table", "rows"}, numeric: []bool{false, true}}
	err = warehouse.ForEachRow(ctx, db, "demo/count_tables.sql", map[string]any{"Tables": names}, nil, func(rows *sql.Rows) error {
		var i int
		var c int64
		if err := rows.Scan(&i, &c); err != nil {
			return err
		}
		name := names[i][1]
		if names[i][0] != "main" {
			name = names[i][0] + "." + names[i][1]
		}
		t.add(name, num(c))
		return nil
	})
	if err != nil {
		return fmt.Errorf("count tables: %w", err)
	}
	t.print(w)
	return nil
}

// printLoad prints the load's table (rows read = loaded + rejected per source table) and returns
// the totals.
func printLoad(w io.Writer, s *jobs.Summary) (read, loaded, rejected int64) {
	if len(s.Loaded) == 0 {
		return 0, 0, 0
	}
	fmt.Fprintln(w, "\nLoad: rows read = loaded + rejected for every source table")
	lt := &table{header: []string{"source table", "target", "read", "loaded", "rejected", "inserted", "updated"},
		numeric: []bool{false, false, true, true, true, true, true}}
	for _, l := range s.Loaded {
		lt.add(l.Source, l.Target, num(l.Read), num(l.Loaded), num(l.Rejected), num(l.Inserted), num(l.Updated))
		read, loaded, rejected = read+l.Read, loaded+l.Loaded, rejected+l.Rejected
	}
	lt.add("total", "", num(read), num(loaded), num(rejected), "", "")
	lt.print(w)
	return read, loaded, rejected
}

// jobList is the DAG for the help text, a job a line, from jobs.DAG so that it cannot fall behind.
func jobList() string {
	var b strings.Builder
	for _, j := range jobs.DAG {
		needs := ""
		if len(j.Needs) > 0 {
			needs = " (" + strings.Join(j.Needs, ", ") + ")"
		}
		fmt.Fprintf(&b, "  %-10s %s%s\n", j.Name, j.Doc, needs)
	}
	return b.String()
}
