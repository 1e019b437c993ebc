package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Querier is anything rows are read from: a warehouse, a connection, a transaction or a
// published snapshot's reader.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// ForEachRow runs the embedded query file (rendered with data) with args and calls fn for each
// row, which scans it; errors name the file.
func ForEachRow(ctx context.Context, db Querier, file string, data any, args []any, fn func(*sql.Rows) error) error {
	q, err := Render(file, data)
	if err != nil {
		return err
	}
	t0 := time.Now()
	err = EachRow(ctx, db, q, args, fn)
	// as RunScript logs a statement: the query and the reading of its rows
	slog.DebugContext(ctx, "sql statement", "file", file, "statement", 1, "seconds", time.Since(t0).Seconds())
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

// EachRow runs query with args and calls fn for each row, which scans it; rows.Err is checked.
func EachRow(ctx context.Context, db Querier, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ScanTargets returns n values and a pointer to each, for rows.Scan(ptrs...): each column lands
// in vals as the driver gives it.
func ScanTargets(n int) (vals, ptrs []any) {
	vals, ptrs = make([]any, n), make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	return vals, ptrs
}

// IsNumeric tells whether a DuckDB type name is a number (integers of every width, signed or
// not, floating point and DECIMAL): right-aligned in tables, a feature for the models.
func IsNumeric(typ string) bool {
	if strings.HasPrefix(typ, "DECIMAL") {
		return true
	}
	switch typ {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
		"UHUGEINT", "FLOAT", "DOUBLE":
		return true
	}
	return false
}
