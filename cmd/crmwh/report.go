package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmwh/crmwh/publish"
	"github.com/crmwh/crmwh/report"
)

func newReport(g *globals) *cobra.Command {
	var asOf, compare, lang, out string
	cmd := &cobra.Command{
		Use:   "report --out FILE",
		Short: "The customer value report (HTML or Excel); and migration between two dates",
		Long: `Writes the customer value report of the published scores: value concentration, RFM segments,
ABC classes and tiers, CLV quadrants, migration since --compare, churn risk with its most common
reasons, lifecycle stages, cohort retention, satisfaction and complaints, campaign effectiveness and
model health, each with a chart and the table behind it, and the findings for sales, service and
marketing (the rules and thresholds of the config's report.findings), each with a link to its list.
A section without data is left out and the report says why.

--out FILE.html is one self-contained printable page; FILE.xlsx has a sheet per section with
native Excel charts. Each nightly run also writes both to lake/reports/<as_of>/.`,
		Example: `  crmwh report --out report.html
  crmwh report --compare 2026-05-31 --lang zh --out 报告.xlsx`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			if out == "" {
				return errors.New("--out FILE is required (.html or .xlsx)")
			}
			opt := report.Options{Language: env.Config.Mining.Language, Config: env.Config.Report}
			if lang != "" {
				if lang != "en" && lang != "zh" {
					return fmt.Errorf("--lang %q: en or zh", lang)
				}
				opt.Language = lang
			}
			if compare != "" {
				if opt.Compare, err = time.Parse(time.DateOnly, compare); err != nil {
					return fmt.Errorf("--compare: %q is not a date YYYY-MM-DD", compare)
				}
			}
			db, err := openReader(cmd, env)
			if err != nil {
				return err
			}
			defer db.Close()
			rep, err := report.Build(cmd.Context(), db, opt)
			if err != nil {
				return err
			}
			if asOf != "" && asOf != rep.AsOf {
				return fmt.Errorf("--as-of %s: the published scores are as of %s; run crmwh run --as-of %s first (each run keeps its report in %s)",
					asOf, rep.AsOf, asOf, filepath.Join(env.LakeDir(), "reports", asOf))
			}
			if err := report.WriteFile(out, rep); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Wrote the customer value report as of %s to %s: %d sections, %d findings.\n", rep.AsOf, out, len(rep.Sections), len(rep.Findings))
			for _, o := range rep.Omitted {
				fmt.Fprintf(w, "Left out %s: %s.\n", o.Title, o.Reason)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&asOf, "as-of", "", "the report's date YYYY-MM-DD: the published scores' (the default)")
	cmd.Flags().StringVar(&compare, "compare", "", "compare with this earlier date of the score history YYYY-MM-DD (migration, rises)")
	cmd.Flags().StringVar(&lang, "lang", "", "en or zh (default: mining.language)")
	cmd.Flags().StringVar(&out, "out", "", "the file to write: .html or .xlsx")
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
			db, err := openReader(cmd, env)
			if err != nil {
				return err
			}
			defer db.Close()
			q, err := publish.MigrationQuery(cmd.Context(), db, f, t, []string{by})
			if err != nil {
				return err
			}
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
