package main

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmwh/crmwh/jobs"
	"github.com/crmwh/crmwh/warehouse"
)

func newRuns(g *globals) *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "runs [RUN_ID]",
		Short: "Run history: the latest runs, or one run's jobs",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			// Who is running now, if anyone.
			if lock, err := jobs.Acquire(cmd.Context(), env.DataDir, false); err == nil {
				_ = lock.Release() // only a look
			} else if held := (*jobs.HeldError)(nil); errors.As(err, &held) {
				fmt.Fprintf(w, "In progress: pid %d since %s (%s)\n\n", held.Holder.PID,
					held.Holder.Since.Local().Format("2006-01-02 15:04:05 MST"), held.Holder.Command)
			}
			db, err := openReader(cmd, env)
			if err != nil {
				return err
			}
			defer db.Close()
			if len(args) == 0 {
				return printQuery(cmd.Context(), db, w, "ops/runs.sql", map[string]int{"Limit": limit})
			}
			var n int
			var asOf sql.NullTime
			err = warehouse.ForEachRow(cmd.Context(), db, "ops/run_as_of.sql", nil, []any{args[0]}, func(rows *sql.Rows) error {
				return rows.Scan(&asOf, &n)
			})
			if err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("no run %q (crmwh runs lists them)", args[0])
			}
			fmt.Fprintf(w, "Run %s as of %s\n", args[0], asOf.Time.Format(time.DateOnly))
			if err := printQuery(cmd.Context(), db, w, "ops/run_jobs.sql", map[string]string{"RunID": args[0]}); err != nil {
				return err
			}
			fmt.Fprintln(w)
			return printQuery(cmd.Context(), db, w, "ops/run_notes.sql", map[string]string{"RunID": args[0]})
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 20, "how many runs to list")
	return cmd
}
