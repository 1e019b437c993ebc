package main

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmwh/crmwh/checks"
	"github.com/crmwh/crmwh/etl"
	"github.com/crmwh/crmwh/jobs"
	"github.com/crmwh/crmwh/warehouse"
)

func newSources(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "sources", Short: "Check the configured sources"}
	var asOf string
	check := &cobra.Command{
		Use:   "check",
		Short: "Validate the config against the real sources and report what would load, without loading",
		Long: `Reads the configured source as a run would (the files must be there and hold the contract's
columns; the database must be reachable, with the tables and columns; a mapping must run), into
a scratch landing zone, loads that into a scratch warehouse, and prints per source table the
rows that would be read, loaded and rejected, and the rejects by reason. The warehouse, the
landing zone and the watermarks are not touched; for an incremental source the stored
watermarks are used when the warehouse can be read.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			date := time.Now().UTC().Truncate(24 * time.Hour)
			if asOf != "" {
				if date, err = time.Parse(time.DateOnly, asOf); err != nil {
					return fmt.Errorf("--as-of: %q is not a date YYYY-MM-DD", asOf)
				}
			}
			if err := os.MkdirAll(env.DataDir, 0o755); err != nil {
				return err
			}
			scratch, err := os.MkdirTemp(env.DataDir, ".sources-check-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(scratch)
			// The stored watermarks, when the warehouse can be read.
			last := map[string]string{}
			if db, err := warehouse.Open(cmd.Context(), env.WarehousePath(), warehouse.Options{ReadOnly: true}); err == nil {
				last, _ = jobs.Watermarks(cmd.Context(), db)
				db.Close()
			}
			w := cmd.OutOrStdout()
			src := env.Config.Source
			fmt.Fprintf(w, "Source: %s\n", describeSource(src.Type, src.Dir, src.DSN))
			t0 := time.Now()
			ex, err := jobs.ExtractTo(cmd.Context(), env, filepath.Join(scratch, "lake"), date, last)
			if err != nil {
				return fmt.Errorf("sources check: %w", err)
			}
			for _, e := range ex {
				if len(e.IgnoredColumns) > 0 {
					fmt.Fprintf(w, "  %s: columns not in the contract, ignored: %v\n", e.Table, e.IgnoredColumns)
				}
				if e.WatermarkFrom != "" {
					fmt.Fprintf(w, "  %s: rows with %s after %s\n", e.Table, e.Watermark, e.WatermarkFrom)
				}
			}
			opt := env.WarehouseOptions()
			opt.TempDir = filepath.Join(scratch, "tmp")
			db, err := warehouse.Open(cmd.Context(), filepath.Join(scratch, warehouse.FileName), opt)
			if err != nil {
				return err
			}
			defer db.Close()
			stats, err := etl.Load(cmd.Context(), db, filepath.Join(scratch, "lake"), date, "sources-check")
			if err != nil {
				return fmt.Errorf("sources check: the trial load failed: %w", err)
			}
			fmt.Fprint(w, "\nWould load (a trial load into a scratch warehouse):")
			printRun(w, &jobs.Summary{RunID: "sources-check", AsOf: date, Loaded: stats}, 0)
			var rejected int64
			for _, s := range stats {
				rejected += s.Rejected
			}
			if rejected > 0 {
				fmt.Fprintln(w, "\nRejects by reason:")
				if err := printQuery(cmd.Context(), db, w, "demo/rejects_by_reason.sql", nil); err != nil {
					return err
				}
			}
			// The data checks of the tables a trial load builds (the marts are not built here).
			results, err := checks.Run(cmd.Context(), db, checks.List(env.Config.Checks), date, checks.Options{SkipMissing: true})
			if err != nil {
				return fmt.Errorf("sources check: %w", err)
			}
			fmt.Fprintln(w, "\nData checks:")
			printChecks(w, results)
			var read int64
			for _, s := range stats {
				read += s.Read
			}
			fmt.Fprintf(w, "\nsource_ok=true\nrows_read=%d\nrows_rejected=%d\nseconds=%.2f\n", read, rejected, time.Since(t0).Seconds())
			return nil
		},
	}
	check.Flags().StringVar(&asOf, "as-of", "", "as-of date of the trial (default: today, UTC)")
	cmd.AddCommand(check)
	return cmd
}

func describeSource(typ, dir, dsn string) string {
	switch typ {
	case "postgres":
		return "PostgreSQL " + redact(dsn)
	case "files":
		return "mapped files in " + dir
	}
	return "CSV exports in " + dir
}

// redact hides a DSN's password.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "***")
	}
	return u.String()
}

// printChecks prints data check results as a table, the failed and warned first.
func printChecks(w io.Writer, results []checks.Result) {
	t := &table{header: []string{"check", "table", "severity", "status", "failing", "detail"}, numeric: []bool{false, false, false, false, true, false}}
	for _, pass := range []bool{false, true} {
		for _, r := range results {
			if (r.Status == checks.Pass) != pass {
				continue
			}
			detail := r.Detail
			if len(r.Sample) > 0 {
				detail = strings.TrimSpace(detail + " e.g. " + strings.Join(r.Sample, ", "))
			}
			table := r.Table
			if r.Kind == "volume" {
				table = r.Source
			}
			t.add(r.Name, table, r.Severity, r.Status, num(r.Failing), detail)
		}
	}
	t.print(w)
}
