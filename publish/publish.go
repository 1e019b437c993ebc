// Package publish turns the mining methods' latest results into the published scores: one row per
// customer in scores.customer_scores, and the scores' memory: the score history (categorical
// intervals and numeric snapshots), the segment migration since the previous recorded date, the
// customer base by month and the acquisition cohorts. It reads mining.<method> and the star
// schema and writes scores.*, all in one transaction; the lake job then copies them into the
// snapshot that serving reads.
package publish

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/crmwh/crmwh/warehouse"
)

// Replaced are the methods' published tables besides customer_scores: each publish replaces them
// whole with the run's results (mining.<table> to scores.<table>).
var Replaced = []string{"cluster_profiles", "cluster_features", "churn_tree", "association_rules", "recommendations",
	"campaign_effectiveness", "campaign_breakdown", "satisfaction_summary", "complaint_summary", "service_outcomes", "care_lists"}

// Methods are the mining methods whose results customer_scores joins.
var Methods = []string{"rfm", "abc", "clv", "lifecycle", "cluster", "churn", "association_rules", "loyalty"}

// Categorical are the categorical scores the history keeps as intervals and migration compares
// (customer_key records which customers were known, and their version, at each date). A new
// categorical score is added here and to the scores_as_of macro in sql/ddl/04_history.sql.
var Categorical = []string{"customer_key", "rfm_segment", "abc_class", "clv_quadrant", "lifecycle_stage", "churn_risk", "cluster_label", "tier", "loyalty_type"}

// Dimensions are the categorical scores migration is reported for.
func Dimensions() []string { return Categorical[1:] }

// Options are what a publish needs from the configuration.
type Options struct {
	RunID            string
	AsOf             time.Time
	Language         string
	HorizonDays      int      // the churn horizon: lost after this many days without activity
	PurchaseStatuses []string // order statuses that count as purchases
	Tiers            []Tier   // the membership tiers, highest first
}

// Tier is a membership tier as published: its name, its label in the configured language and its
// rank (1 = highest).
type Tier struct {
	Name, Label string
	Rank        int
}

// Result says what a publish wrote.
type Result struct {
	Customers      int64
	Previous, Next time.Time // recorded dates around the as-of date (zero when none)
	HistorySeconds float64   // the score history step alone
}

// Scores publishes the methods' results for the as-of date in one transaction: customer_scores
// (a method whose latest result is for another date publishes NULLs, and the log says so), the
// score history, the migration from the previous recorded date (and, when the date was run out
// of order, into the next one), and the customer base and cohorts.
func Scores(ctx context.Context, db *warehouse.DB, opt Options, log *slog.Logger) (*Result, error) {
	day := opt.AsOf.Format(time.DateOnly)
	err := warehouse.ForEachRow(ctx, db, "publish/missing_results.sql", map[string]any{"Methods": Methods, "AsOf": day}, nil,
		func(rows *sql.Rows) error {
			var m string
			if err := rows.Scan(&m); err != nil {
				return err
			}
			log.Warn("no result to publish for this as-of date; its columns stay empty", "method", m, "as_of", day)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	defer conn.Close()
	defer warehouse.DropOnExit(ctx, conn, "publish/customer_base_drop.sql", nil, log)
	// The customer base's events come from the star schema alone: built before the transaction
	// opens, they are read as committed tables (see the file).
	if _, err := warehouse.RunScript(ctx, conn, "publish/customer_base_events.sql", map[string]any{
		"AsOf": day, "Horizon": opt.HorizonDays, "Statuses": opt.PurchaseStatuses,
	}); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if _, err := warehouse.RunScript(ctx, tx, "publish/customer_scores.sql", map[string]any{
		"RunID": opt.RunID, "AsOf": day, "Language": opt.Language, "Horizon": opt.HorizonDays, "Replaced": Replaced, "Tiers": opt.Tiers,
	}); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	res := &Result{}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM scores.customer_scores").Scan(&res.Customers); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	t0 := time.Now()
	if err := RecordHistory(ctx, tx, opt.RunID, opt.AsOf, res); err != nil {
		return nil, err
	}
	res.HistorySeconds = time.Since(t0).Seconds()
	for _, step := range []struct {
		file, method, column string
	}{
		{"customer_base", "", ""},
		{"backtest_churn", "churn", "churn_probability"},
		{"backtest_churn", "churn_challenger", "churn_probability_other"},
	} {
		if _, err := warehouse.RunScript(ctx, tx, "publish/"+step.file+".sql", map[string]any{
			"AsOf": day, "Horizon": opt.HorizonDays, "Statuses": opt.PurchaseStatuses,
			"Method": step.method, "Column": step.column, "Bands": step.method == "churn",
		}); err != nil {
			return nil, fmt.Errorf("publish: %s %s: %w", step.file, step.method, err)
		}
	}
	if err := BacktestCLV(ctx, tx, opt.AsOf, opt.PurchaseStatuses); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("publish: commit: %w", err)
	}
	return res, nil
}

// RecordHistory records scores.customer_scores (just published for asOf, on tx) in the score
// history and keeps the migration from the previous recorded date (and into the next one, when
// asOf came out of order). res gets the neighbouring dates.
func RecordHistory(ctx context.Context, tx *sql.Tx, runID string, asOf time.Time, res *Result) error {
	day := asOf.Format(time.DateOnly)
	prev, next, latest, err := Neighbours(ctx, tx, asOf)
	if err != nil {
		return err
	}
	res.Previous, res.Next = prev.Time, next.Time
	if _, err := warehouse.RunScript(ctx, tx, "publish/history_dates.sql", map[string]any{"AsOf": day, "RunID": runID}); err != nil {
		return fmt.Errorf("publish: history: %w", err)
	}
	// Appending after the latest date only closes and opens intervals; anything else cuts.
	appending := !latest.Valid || asOf.After(latest.Time)
	// The numeric snapshot of asOf is kept when it is the latest date or a month end.
	isLatest, monthEnd := !next.Valid, isMonthEnd(asOf)
	data := map[string]any{
		"AsOf": day, "Scores": Categorical,
		"Append":   appending,
		"Latest":   isLatest,
		"MonthEnd": monthEnd,
		"Next":     "NULL",
	}
	boundaries := []string{"DATE " + warehouse.Quote(day)}
	if next.Valid {
		data["Next"] = "DATE " + warehouse.Quote(next.Time.Format(time.DateOnly))
		boundaries = append(boundaries, data["Next"].(string))
	}
	data["Boundaries"] = boundaries
	if _, err := warehouse.RunScript(ctx, tx, "publish/history.sql", data); err != nil {
		return fmt.Errorf("publish: history: %w", err)
	}
	// Numeric snapshots: month ends and the latest date only.
	if _, err := warehouse.RunScript(ctx, tx, "publish/history_prune.sql", nil); err != nil {
		return fmt.Errorf("publish: history: %w", err)
	}
	// Migration between consecutive recorded dates, from the snapshots as they now stand: on an
	// append, from the previous date, and again into the previous date when its snapshot was
	// just pruned (it was the latest and no month end); out of order, every pair from the
	// previous date on, since the snapshots their CLV comes from may have changed.
	dates, err := recordedDates(ctx, tx)
	if err != nil {
		return err
	}
	// A date two migrations compare (the previous one, on most appends) is read from the history
	// once: each date's scores go into a temp table, dropped at the end. The as-of date's are
	// those just published when its snapshot holds their numbers too (the latest date or a
	// month end): the same values, without pivoting the history.
	scores := map[time.Time]string{}
	current := isLatest || monthEnd
	scoresOf := func(d time.Time) (string, error) {
		if t, ok := scores[d]; ok {
			return t, nil
		}
		t := fmt.Sprintf("migration_scores_%d", len(scores))
		if _, err := warehouse.RunScript(ctx, tx, "publish/migration_scores.sql", map[string]any{"Table": t, "Date": d.Format(time.DateOnly),
			"Current": current && d.Equal(asOf), "Dimensions": Dimensions()}); err != nil {
			return "", fmt.Errorf("publish: migration: %w", err)
		}
		scores[d] = t
		return t, nil
	}
	for i := 1; i < len(dates); i++ {
		from, to := dates[i-1], dates[i]
		switch {
		case appending:
			pruned := latest.Valid && !isMonthEnd(latest.Time)
			if !to.Equal(asOf) && !(pruned && to.Equal(latest.Time)) {
				continue
			}
		case prev.Valid && !to.After(prev.Time):
			continue
		}
		f, err := scoresOf(from)
		if err != nil {
			return err
		}
		t, err := scoresOf(to)
		if err != nil {
			return err
		}
		if err := saveMigration(ctx, tx, from, to, f, t); err != nil {
			return err
		}
	}
	for _, t := range scores {
		if _, err := tx.ExecContext(ctx, "DROP TABLE "+t); err != nil {
			return fmt.Errorf("publish: migration: %w", err)
		}
	}
	return nil
}

// Neighbours are the recorded as-of dates of the score history just before and just after asOf
// (NULL when there is none) and the latest of all.
func Neighbours(ctx context.Context, db warehouse.Querier, asOf time.Time) (prev, next, latest sql.NullTime, err error) {
	day := asOf.Format(time.DateOnly)
	err = warehouse.ForEachRow(ctx, db, "publish/history_neighbours.sql", nil, []any{day, day, day}, func(rows *sql.Rows) error {
		return rows.Scan(&prev, &next, &latest)
	})
	if err != nil {
		err = fmt.Errorf("publish: history dates: %w", err)
	}
	return prev, next, latest, err
}

// recordedDates are the as-of dates of the score history, in order.
func recordedDates(ctx context.Context, tx *sql.Tx) ([]time.Time, error) {
	var out []time.Time
	err := warehouse.ForEachRow(ctx, tx, "publish/history_all_dates.sql", nil, nil, func(rows *sql.Rows) error {
		var d time.Time
		if err := rows.Scan(&d); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("publish: history dates: %w", err)
	}
	return out, nil
}

// saveMigration keeps the migration between two recorded dates in scores.segment_migration,
// reading their scores from the temp tables fromTable and toTable (migration_scores.sql).
func saveMigration(ctx context.Context, tx *sql.Tx, from, to time.Time, fromTable, toTable string) error {
	q, err := warehouse.Render("publish/migration.sql", map[string]any{
		"From": from.Format(time.DateOnly), "To": to.Format(time.DateOnly), "Dimensions": Dimensions(),
		"FromTable": fromTable, "ToTable": toTable,
	})
	if err != nil {
		return err
	}
	if _, err := warehouse.RunScript(ctx, tx, "publish/migration_save.sql", map[string]any{
		"To": to.Format(time.DateOnly), "Query": q,
	}); err != nil {
		return fmt.Errorf("publish: migration: %w", err)
	}
	return nil
}

// MigrationQuery is the query of the migration between any two dates of the history for the
// given categorical scores (Dimensions() for all), in db: what a publish kept when it compared
// these two dates (consecutive recorded dates) for every dimension asked, else computed from the
// history.
func MigrationQuery(ctx context.Context, db warehouse.Querier, from, to time.Time, dimensions []string) (string, error) {
	data := map[string]any{"From": from.Format(time.DateOnly), "To": to.Format(time.DateOnly), "Dimensions": dimensions}
	data["Count"] = true
	q, err := warehouse.Render("publish/migration_saved.sql", data)
	data["Count"] = false
	if err != nil {
		return "", err
	}
	var kept int
	if err := warehouse.EachRow(ctx, db, q, nil, func(rows *sql.Rows) error { return rows.Scan(&kept) }); err != nil {
		return "", fmt.Errorf("migration kept by the publish: %w", err)
	}
	if kept == len(dimensions) {
		return warehouse.Render("publish/migration_saved.sql", data)
	}
	return warehouse.Render("publish/migration.sql", data)
}

// ModelHealth lists, one sentence each with its numbers, what tonight's drift and the newest
// churn back-test show past the thresholds (for the alert hooks; nothing fails on them).
func ModelHealth(ctx context.Context, db warehouse.Querier, asOf time.Time, minAUC, maxPSI, maxCalibration float64) ([]string, error) {
	var out []string
	err := warehouse.ForEachRow(ctx, db, "publish/model_health.sql", map[string]any{
		"AsOf": asOf.Format(time.DateOnly), "MinAUC": minAUC, "MaxPSI": maxPSI, "MaxCalibration": maxCalibration,
	}, nil, func(rows *sql.Rows) error {
		var kind, subject, msg string
		var v float64
		if err := rows.Scan(&kind, &subject, &v, &msg); err != nil {
			return err
		}
		out = append(out, msg)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("model health: %w", err)
	}
	return out, nil
}

// isMonthEnd reports whether d is the last day of its month: its numeric snapshot is kept.
func isMonthEnd(d time.Time) bool { return d.AddDate(0, 0, 1).Day() == 1 }
