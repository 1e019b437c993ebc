package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/crmwh/crmwh/etl"
	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/jobs"
)

type generateFlags struct {
	customers int
	seed      uint64
	start     string
	end       string
	dirtyRate float64
	out       string
	postgres  string
	update    bool
	// satisfactionDrop plants a drift for trying the model-health alerts.
	satisfactionDrop string
}

func newGenerate(g *globals) *cobra.Command {
	f := &generateFlags{}
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Write demo operational data (one CSV per source table, and a manifest)",
		Long: `Writes a synthetic, deterministic operational CRM data set following the source contract:
customers, products, stores, employees, orders, order_items, interactions, surveys, campaigns and
campaign_contacts, one CSV file each, plus manifest.json (what was planted, including dirty rows by
kind) and truth_customers.csv (each customer's latent type, for testing mining methods).

A later --end with the same --seed and --start gives a later export of the same history: the same
rows up to the earlier end date, plus new orders and changed customers.

--postgres DSN also creates the demo operational schema in that PostgreSQL database (typed
tables, an updated_at on each) and fills it; with --update it applies the export as a later day's
changes instead (new rows inserted, changed rows updated and their updated_at set), so that the
next incremental extract takes exactly them:

  crmwh generate --postgres "$CRMWH_PG_DSN" --end 2026-06-30
  crmwh generate --postgres "$CRMWH_PG_DSN" --end 2026-07-01 --start 2023-07-01 --update`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			opt, err := f.options(cmd, env)
			if err != nil {
				return err
			}
			m, elapsed, err := generate(cmd, opt)
			if err != nil {
				return err
			}
			var rows int64
			for _, t := range m.Tables {
				rows += t.Rows
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d customers (%s to %s) into %s in %.1f s\n", m.Customers, m.Start, m.End, opt.Dir, elapsed.Seconds())
			if f.postgres != "" {
				t0 := time.Now()
				changed, err := etl.FillPostgres(cmd.Context(), f.postgres, opt.Dir, opt.End.Add(24*time.Hour-time.Second), f.update)
				if err != nil {
					return err
				}
				verb := "filled"
				if f.update {
					verb = "updated"
				}
				var n int64
				for _, t := range etl.Contract {
					n += changed[t.Name]
					fmt.Fprintf(cmd.OutOrStdout(), "  %-18s %10s rows %s\n", t.Name, num(changed[t.Name]), verb)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "PostgreSQL %s in %.1f s\npostgres_rows=%d\n", verb, time.Since(t0).Seconds(), n)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "customers=%d\nrows=%d\norder_lines=%d\nseconds=%.2f\n", m.Customers, rows, m.Tables["order_items"].Rows, elapsed.Seconds())
			return nil
		},
	}
	cmd.Flags().IntVar(&f.customers, "customers", 0, "number of customers (default from the config: 20000)")
	cmd.Flags().Uint64Var(&f.seed, "seed", 0, "random seed (default from the config: 42)")
	cmd.Flags().StringVar(&f.end, "end", "", "last day of data, YYYY-MM-DD (default: yesterday)")
	cmd.Flags().StringVar(&f.start, "start", "", "first day of history, YYYY-MM-DD (default: three years before --end)")
	cmd.Flags().Float64Var(&f.dirtyRate, "dirty-rate", -1, "share of rows given a planted dirty companion (default from the config)")
	cmd.Flags().StringVar(&f.out, "out", "", "output directory (default: <data>/demo)")
	cmd.Flags().StringVar(&f.postgres, "postgres", "", "also create and fill the demo schema in this PostgreSQL database (DSN)")
	cmd.Flags().BoolVar(&f.update, "update", false, "with --postgres: apply the export as a later day's changes")
	cmd.Flags().StringVar(&f.satisfactionDrop, "satisfaction-drop-from", "", "plant a drift: surveys from this day YYYY-MM-DD on score 3 points lower")
	return cmd
}

func (f *generateFlags) options(cmd *cobra.Command, env *jobs.Env) (demodata.Options, error) {
	c := env.Config.Generate
	opt := demodata.Options{Customers: c.Customers, Seed: c.Seed, DirtyRate: c.DirtyRate, Dir: filepath.Join(env.DataDir, "demo")}
	if cmd.Flags().Changed("customers") {
		opt.Customers = f.customers
	}
	if cmd.Flags().Changed("seed") {
		opt.Seed = f.seed
	}
	if cmd.Flags().Changed("dirty-rate") {
		opt.DirtyRate = f.dirtyRate
	}
	if f.out != "" {
		abs, err := filepath.Abs(f.out)
		if err != nil {
			return opt, err
		}
		opt.Dir = abs
	}
	opt.End = time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
	var err error
	if f.end != "" {
		if opt.End, err = time.Parse(time.DateOnly, f.end); err != nil {
			return opt, fmt.Errorf("--end: %q is not a date YYYY-MM-DD", f.end)
		}
	}
	if f.start != "" {
		if opt.Start, err = time.Parse(time.DateOnly, f.start); err != nil {
			return opt, fmt.Errorf("--start: %q is not a date YYYY-MM-DD", f.start)
		}
	}
	if f.satisfactionDrop != "" {
		if opt.SatisfactionDropFrom, err = time.Parse(time.DateOnly, f.satisfactionDrop); err != nil {
			return opt, fmt.Errorf("--satisfaction-drop-from: %q is not a date YYYY-MM-DD", f.satisfactionDrop)
		}
	}
	return opt, nil
}

// generate runs the generator with a progress bar on a terminal.
func generate(cmd *cobra.Command, opt demodata.Options) (*demodata.Manifest, time.Duration, error) {
	if interactive() {
		bar := progressbar.Default(int64(opt.Customers), "generating customers")
		opt.Progress = func(done int) { _ = bar.Set(done) }
		defer bar.Finish() //nolint:errcheck // cosmetic
	}
	t0 := time.Now()
	m, err := demodata.Generate(cmd.Context(), opt)
	return m, time.Since(t0), err
}
