package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmwh/crmwh/jobs"
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
			if err := db.QueryRowContext(cmd.Context(), "SELECT count(*) FROM ops.job_runs WHERE run_id = ?", args[0]).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("no run %q (crmwh runs lists them)", args[0])
			}
			var asOf time.Time
			if err := db.QueryRowContext(cmd.Context(), "SELECT any_value(as_of) FROM ops.job_runs WHERE run_id = ?", args[0]).Scan(&asOf); err != nil {
				return err
			}
			fmt.Fprintf(w, "Run %s as of %s\n", args[0], asOf.Format(time.DateOnly))
			return printQuery(cmd.Context(), db, w, "ops/run_jobs.sql", map[string]string{"RunID": args[0]})
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 20, "how many runs to list")
	return cmd
}
