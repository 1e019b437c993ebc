package mining

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/crmwh/crmwh/warehouse"
)

// Save stores a method's results (Result(table) for each table; by default the method's name)
// as the latest in mining.<table> and its model record in scores.model_runs, in one transaction,
// then drops the connection's scratch tables. It returns the customer rows of the model.
func Save(ctx context.Context, conn *sql.Conn, runID string, asOf time.Time, m *Model, tables ...string) (int64, error) {
	if len(tables) == 0 {
		tables = []string{m.Method}
	}
	params, err := json.Marshal(m.Parameters)
	if err != nil {
		return 0, fmt.Errorf("save %s: %w", m.Method, err)
	}
	metrics, err := json.Marshal(m.Metrics)
	if err != nil {
		return 0, fmt.Errorf("save %s: %w", m.Method, err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("save %s: %w", m.Method, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := script(ctx, tx, "mining/save.sql", map[string]any{
		"Method": m.Method, "RunID": runID, "AsOf": asOf.Format(time.DateOnly),
		"Customers": m.Customers, "Parameters": string(params), "Metrics": string(metrics), "Tables": tables, "Notes": m.Notes,
	}); err != nil {
		return 0, fmt.Errorf("save %s: %w", m.Method, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("save %s: commit: %w", m.Method, err)
	}
	if err := DropScratch(ctx, conn); err != nil {
		return 0, err
	}
	return m.Customers, nil
}

// DropScratch drops the temp tables a method left on the connection, all but the shared input.
func DropScratch(ctx context.Context, conn *sql.Conn) error {
	q, err := render("mining/scratch_tables.sql", nil)
	if err != nil {
		return err
	}
	var names []string
	err = warehouse.EachRow(ctx, conn, q, nil, func(rows *sql.Rows) error {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		names = append(names, n)
		return nil
	})
	if err != nil {
		return fmt.Errorf("drop scratch tables: %w", err)
	}
	for _, n := range names {
		if _, err := conn.ExecContext(ctx, "DROP TABLE IF EXISTS temp.main."+warehouse.Ident(n)); err != nil {
			return fmt.Errorf("drop scratch table %s: %w", n, err)
		}
	}
	return nil
}
