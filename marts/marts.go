// Package marts builds the derived tables the mining and the dashboard read from the star
// schema: today fact_customer_month, the monthly customer snapshot.
package marts

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/crmwh/crmwh/warehouse"
)

// CustomerMonth rebuilds fact_customer_month up to asOf in one transaction, chunkCustomers
// customers at a time so that memory stays bounded at any scale. It returns the rows written.
func CustomerMonth(ctx context.Context, db *warehouse.DB, asOf time.Time, chunkCustomers int, log *slog.Logger) (int64, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("marts: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("marts: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	q, err := warehouse.Render("marts/customer_count.sql", nil)
	if err != nil {
		return 0, err
	}
	var customers int64
	if err := tx.QueryRowContext(ctx, q).Scan(&customers); err != nil {
		return 0, fmt.Errorf("marts: count customers: %w", err)
	}
	chunks := max(1, (customers+int64(chunkCustomers)-1)/int64(chunkCustomers))
	if _, err := warehouse.RunScript(ctx, tx, "marts/variables.sql", map[string]any{
		"AsOf": asOf.Format(time.DateOnly), "Chunks": chunks,
	}); err != nil {
		return 0, fmt.Errorf("marts: %w", err)
	}
	if _, err := warehouse.RunScript(ctx, tx, "marts/customer_month_prepare.sql", nil); err != nil {
		return 0, fmt.Errorf("marts: %w", err)
	}
	var written int64
	for c := int64(0); c < chunks; c++ {
		if _, err := warehouse.RunScript(ctx, tx, "marts/chunk.sql", map[string]any{"Chunk": c}); err != nil {
			return 0, fmt.Errorf("marts: %w", err)
		}
		n, err := warehouse.RunScript(ctx, tx, "marts/customer_month_chunk.sql", nil)
		if err != nil {
			return 0, fmt.Errorf("marts: %w", err)
		}
		written += n.Inserted
		log.Debug("fact_customer_month chunk", "chunk", c+1, "of", chunks, "rows", n.Inserted)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("marts: commit: %w", err)
	}
	return written, nil
}
