package mining

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/crmwh/crmwh/warehouse"
)

// Output is a method's per-row result as `crmwh mine --out` writes it.
type Output string

// The per-row results of the methods, in their input's order.
const (
	OutRFM    Output = "rfm"
	OutCLV    Output = "clv"
	OutKMeans Output = "kmeans"
	OutTree   Output = "tree"
	OutRules  Output = "rules"
)

// CheckOut refuses an output table that would overwrite the warehouse's own.
func CheckOut(name string) error {
	schema, table, ok := strings.Cut(strings.ToLower(name), ".")
	if !ok {
		schema, table = "main", schema
	}
	if table == "" || strings.Contains(table, ".") {
		return fmt.Errorf("--out %q: name a table as TABLE or SCHEMA.TABLE", name)
	}
	if slices.Contains([]string{"ops", "scores", "mining"}, schema) {
		return fmt.Errorf("--out %q: schema %s belongs to crmwh; write to main or a schema of your own", name, schema)
	}
	for _, t := range warehouse.StarTables {
		if schema == "main" && table == t.Name {
			return fmt.Errorf("--out %q: that is a table of the star schema", name)
		}
	}
	return nil
}

// WriteOut saves a method's per-row result as the table out (TABLE or SCHEMA.TABLE) and returns
// its rows.
func WriteOut(ctx context.Context, conn *sql.Conn, out string, what Output) (int64, error) {
	schema, table, ok := strings.Cut(out, ".")
	data := map[string]any{"Table": warehouse.Ident(out), "Output": string(what)}
	if ok {
		data["Schema"] = warehouse.Ident(schema)
		data["Table"] = warehouse.Ident(schema) + "." + warehouse.Ident(table)
	}
	if err := script(ctx, conn, "mining/out.sql", data); err != nil {
		return 0, fmt.Errorf("--out %s: %w", out, err)
	}
	var n int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+data["Table"].(string)).Scan(&n); err != nil {
		return 0, fmt.Errorf("--out %s: %w", out, err)
	}
	return n, nil
}

// NumericColumns lists a table's numeric columns in order.
func NumericColumns(ctx context.Context, conn *sql.Conn, table string) ([]string, error) {
	var out []string
	err := warehouse.EachRow(ctx, conn, "SELECT column_name, column_type FROM (DESCRIBE "+table+")", nil, func(rows *sql.Rows) error {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return err
		}
		if warehouse.IsNumeric(typ) {
			out = append(out, name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("describe the query: %w", err)
	}
	return out, nil
}
