package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmwh/crmwh/publish"
)

func newReport(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Reports over the score history (migration between two dates)",
	}
	cmd.AddCommand(newReportMigration(g))
	return cmd
}

func newReportMigration(g *globals) *cobra.Command {
	var by, from, to, format string
	cmd := &cobra.Command{
		Use:   "migration --by DIMENSION --from DATE --to DATE",
		Short: "Customers moving between values of a categorical score from one date of the history to another",
		Long: `Counts the customers by their value of a categorical score at --from (rows) and at --to (columns),
with their CLV, from the score history (scores_as_of): any two dates work, not only consecutive
runs. (new) are customers not yet known at --from, (gone) customers no longer known at --to,
(none) customers without a value.

Dimensions: ` + strings.Join(publish.Dimensions(), ", ") + `.`,
		Example: `  crmwh report migration --by clv_quadrant --from 2026-03-31 --to 2026-06-30
  crmwh report migration --by churn_risk --from 2026-01-31 --to 2026-06-30 --format csv > churn_moves.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			if !slices.Contains(publish.Dimensions(), by) {
				return fmt.Errorf("--by %q: one of %s", by, strings.Join(publish.Dimensions(), ", "))
			}
			f, err := time.Parse(time.DateOnly, from)
			if err != nil {
				return fmt.Errorf("--from: %q is not a date YYYY-MM-DD", from)
			}
			t, err := time.Parse(time.DateOnly, to)
			if err != nil {
				return fmt.Errorf("--to: %q is not a date YYYY-MM-DD", to)
			}
			if !t.After(f) {
				return fmt.Errorf("--to %s must be after --from %s", to, from)
			}
			q, err := publish.MigrationQuery(f, t, []string{by})
			if err != nil {
				return err
			}
			db, err := openReader(cmd, env)
			if err != nil {
				return err
			}
			defer db.Close()
			return runQuery(cmd.Context(), db, cmd.OutOrStdout(), q, format)
		},
	}
	cmd.Flags().StringVar(&by, "by", "", "the categorical score: "+strings.Join(publish.Dimensions(), ", "))
	cmd.Flags().StringVar(&from, "from", "", "the earlier date YYYY-MM-DD")
	cmd.Flags().StringVar(&to, "to", "", "the later date YYYY-MM-DD")
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or json")
	_ = cmd.MarkFlagRequired("by")
	_ = cmd.MarkFlagRequired("from")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}
