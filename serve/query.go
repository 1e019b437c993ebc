package serve

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/crmwh/crmwh/warehouse"
)

// Querier is what lists and pages are read from: a snapshot reader or a warehouse.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// forEachRow runs the embedded query file (rendered with data) with args and calls fn for each
// row, which scans it; errors name the file.
func forEachRow(ctx context.Context, db Querier, file string, data any, args []any, fn func(*sql.Rows) error) error {
	q, err := warehouse.Render(file, data)
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}
