package main

import (
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmwh/crmwh/jobs"
)

func newScheduler(g *globals) *cobra.Command {
	var grace time.Duration
	cmd := &cobra.Command{
		Use:   "scheduler",
		Short: "Run the config's cron schedules until stopped (SIGTERM or SIGINT)",
		Long: `Runs the schedules of the config (robfig/cron syntax, with a time zone per schedule). A firing
while a run still holds the run lock is skipped and logged. On SIGTERM or SIGINT the scheduler
takes no new firings, gives a running run --grace to finish, then cancels it (its jobs are
recorded as failed or skipped) and exits.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, syscall.SIGINT)
			defer stop()
			return jobs.Schedule(ctx, env, grace)
		},
	}
	cmd.Flags().DurationVar(&grace, "grace", time.Minute, "how long a running run may go on after a stop signal")
	return cmd
}
