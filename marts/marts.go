// Package marts builds the derived tables the mining and the dashboard read from the star
// schema: today fact_customer_month, the monthly customer snapshot.
package marts

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/crmwh/crmwh/warehouse"
)

// Build is what one rebuild of fact_customer_month did.
type Build struct {
	// Mode is full (every row rebuilt) or incremental (see sql/marts/customer_month_incremental.sql).
	Mode string
	// Customers is how many customers' earlier months were rewritten: all in a full rebuild; in
	// an incremental one those whose facts or versions changed. Rows is the rows written.
	Customers, Rows int64
}

// CustomerMonth rebuilds fact_customer_month as of asOf in one transaction, chunkCustomers
// customers at a time so that memory stays bounded at any scale. Unless full is set it is
// incremental when the table was last built as of asOf or earlier: only the months from that
// date's month on, and the customers whose facts or versions changed from their first changed
// month, are built again; the result is the same as a full rebuild's.
func CustomerMonth(ctx context.Context, db *warehouse.DB, asOf time.Time, chunkCustomers int, full bool, runID string, log *slog.Logger) (Build, error) {
	var b Build
	conn, err := db.Conn(ctx)
	if err != nil {
		return b, fmt.Errorf("marts: %w", err)
	}
	defer conn.Close()
	// after the transaction ends (deferred later, so run earlier), before the connection goes back
	defer warehouse.DropOnExit(ctx, conn, "marts/drop_inputs.sql", nil, log)
	// The inputs are temp tables of this connection, built before the transaction opens (see
	// sql/marts/customer_month_prepare.sql); the transaction holds the rows written.
	var q warehouse.Session = conn
	// query scans the one row of an embedded query into dest; no row leaves dest as it is.
	query := func(file string, data any, dest ...any) error {
		if err := warehouse.ForEachRow(ctx, q, file, data, nil, func(r *sql.Rows) error { return r.Scan(dest...) }); err != nil {
			return fmt.Errorf("marts: %w", err) // ForEachRow names the file
		}
		return nil
	}
	run := func(file string, data any) (warehouse.Counts, error) {
		c, err := warehouse.RunScript(ctx, q, file, data)
		if err != nil {
			return c, fmt.Errorf("marts: %w", err)
		}
		return c, nil
	}

	var customers int64
	if err := query("marts/customer_count.sql", nil, &customers); err != nil {
		return b, err
	}
	var prevAsOf sql.NullTime
	var prevMaxKey int64
	if err := query("marts/state.sql", map[string]string{"Mart": "fact_customer_month"}, &prevAsOf, &prevMaxKey); err != nil {
		return b, err
	}
	b.Mode = "incremental"
	if full || !prevAsOf.Valid || prevAsOf.Time.After(asOf) {
		b.Mode = "full"
	}
	chunks := max(1, (customers+int64(chunkCustomers)-1)/int64(chunkCustomers))
	if _, err := run("marts/variables.sql", map[string]any{
		"AsOf": asOf.Format(time.DateOnly), "Chunks": chunks, "PrevAsOf": prevAsOf.Time.Format(time.DateOnly), "PrevMaxKey": prevMaxKey,
	}); err != nil {
		return b, err
	}
	if _, err := run("marts/customer_month_prepare.sql", nil); err != nil {
		return b, err
	}
	if b.Mode == "incremental" {
		if _, err := run("marts/customer_month_changed.sql", nil); err != nil {
			return b, err
		}
	}
	if err := query("marts/rebuilt_customers.sql", nil, &b.Customers); err != nil {
		return b, err
	}

	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return b, fmt.Errorf("marts: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	q = tx
	if _, err := run("marts/customer_month_"+b.Mode+".sql", nil); err != nil {
		return b, err
	}
	for c := int64(0); c < chunks; c++ {
		if _, err := run("marts/chunk.sql", map[string]any{"Chunk": c}); err != nil {
			return b, err
		}
		n, err := run("marts/customer_month_chunk.sql", nil)
		if err != nil {
			return b, err
		}
		b.Rows += n.Inserted
		log.Debug("fact_customer_month chunk", "chunk", c+1, "of", chunks, "rows", n.Inserted, "mode", b.Mode)
	}
	if _, err := run("marts/save_state.sql", map[string]any{"Mart": "fact_customer_month", "Build": b, "RunID": runID}); err != nil {
		return b, err
	}
	if err := tx.Commit(); err != nil {
		return b, fmt.Errorf("marts: commit: %w", err)
	}
	return b, nil
}
