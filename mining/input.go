// Package mining holds crmwh's data-mining methods. The value methods (RFM, ABC, CLV, lifecycle)
// read one input, the temp table mining_tx (customer_id, txn_id, ts, amount, margin) on a
// connection, built from the star schema by PrepareWarehouse or from any query by PrepareQuery,
// and leave their results in temp tables (rfm_result, abc_result, clv_result, lifecycle_result)
// on that connection for the caller to publish or save.
package mining

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Model is what a method records in scores.model_runs.
type Model struct {
	Method     string
	Customers  int64
	Parameters map[string]any
	Metrics    map[string]any
	// Notes are the model-input guards' sentences about a result to take with care (status
	// warning in scores.model_runs); none means ok.
	Notes []string
}

// PrepareWarehouse builds mining_tx from fact_sales: the purchases (orders with one of statuses)
// up to the end of asOf.
func PrepareWarehouse(ctx context.Context, conn *sql.Conn, asOf time.Time, statuses []string) error {
	err := script(ctx, conn, "mining/transactions.sql", map[string]any{
		"AsOf": asOf.Format(time.DateOnly), "Statuses": statuses,
	})
	if err != nil {
		return fmt.Errorf("mining input: %w", err)
	}
	return nil
}

// PrepareQuery builds mining_tx from query, which must return customer_id, ts and amount; rows of
// a customer with the same ts are one purchase, and margin is amount × marginRate. It returns the
// as-of date: asOf, or the day of the latest ts when asOf is zero.
func PrepareQuery(ctx context.Context, conn *sql.Conn, query string, asOf time.Time, marginRate float64) (time.Time, error) {
	query = trimQuery(query)
	if query == "" {
		return asOf, fmt.Errorf("mining input: the query is empty")
	}
	if asOf.IsZero() {
		var last sql.NullTime
		if err := conn.QueryRowContext(ctx, "SELECT CAST(max(CAST(ts AS TIMESTAMP)) AS DATE) FROM ("+query+")").Scan(&last); err != nil {
			return asOf, fmt.Errorf("mining input: the query must return customer_id, ts and amount: %w", err)
		}
		if !last.Valid {
			return asOf, fmt.Errorf("mining input: the query returned no rows")
		}
		asOf = last.Time
	}
	err := script(ctx, conn, "mining/query_transactions.sql", map[string]any{
		"AsOf": asOf.Format(time.DateOnly), "Query": query, "MarginRate": strconv.FormatFloat(marginRate, 'g', -1, 64),
	})
	if err != nil {
		return asOf, fmt.Errorf("mining input: the query must return customer_id, ts and amount: %w", err)
	}
	return asOf, nil
}

// countBy returns the rows of a temp table per value of a column, for the model record.
func countBy(ctx context.Context, conn *sql.Conn, table, column string) (map[string]int64, int64, error) {
	rows, err := conn.QueryContext(ctx, fmt.Sprintf("SELECT CAST(%s AS VARCHAR), count(*) FROM %s GROUP BY ALL ORDER BY 1", column, table))
	if err != nil {
		return nil, 0, fmt.Errorf("count %s by %s: %w", table, column, err)
	}
	defer rows.Close()
	out, total := map[string]int64{}, int64(0)
	for rows.Next() {
		var k sql.NullString
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, 0, fmt.Errorf("count %s by %s: %w", table, column, err)
		}
		out[k.String] = n
		total += n
	}
	return out, total, rows.Err()
}

// trimQuery strips white space and trailing semicolons, so that a query can be embedded.
func trimQuery(query string) string {
	return strings.TrimRight(strings.TrimSpace(query), "; \n\t")
}

// Input names the temp table a `crmwh mine` query's rows go into for a method.
type Input string

// The inputs of the methods that take a query's rows as they are.
const (
	KMeansInput Input = "mining/kmeans_input.sql"
	TreeInput   Input = "mining/tree_input.sql"
)

// PrepareInput runs query into the method's input table.
func PrepareInput(ctx context.Context, conn *sql.Conn, in Input, query string) error {
	if err := script(ctx, conn, string(in), map[string]any{"Query": trimQuery(query)}); err != nil {
		return fmt.Errorf("input: %w", err)
	}
	return nil
}
