// Package publish turns the mining methods' latest results into the published scores: one row per
// customer in scores.customer_scores, replaced in one transaction. It reads mining.<method> and
// writes scores.*; the lake job then copies them into the snapshot that serving reads.
package publish

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/crmwh/crmwh/warehouse"
)

// Methods are the mining methods whose results customer_scores joins.
var Methods = []string{"rfm", "abc", "clv", "lifecycle", "cluster", "churn", "association_rules"}

// Scores replaces scores.customer_scores in one transaction with the methods' results for asOf.
// A method whose latest result is for another date publishes NULLs, and the log says so. It
// returns the customers published.
func Scores(ctx context.Context, db *warehouse.DB, runID string, asOf time.Time, language string, log *slog.Logger) (int64, error) {
	day := asOf.Format(time.DateOnly)
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
		return 0, fmt.Errorf("publish: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("publish: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if _, err := warehouse.RunScript(ctx, tx, "publish/customer_scores.sql", map[string]any{
		"RunID": runID, "AsOf": day, "Language": language,
	}); err != nil {
		return 0, fmt.Errorf("publish: %w", err)
	}
	var n int64
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM scores.customer_scores").Scan(&n); err != nil {
		return 0, fmt.Errorf("publish: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("publish: commit: %w", err)
	}
	return n, nil
}
