// Package checks runs data checks on the warehouse: assertions on the star schema and the marts
// (unique, not null, relationships, accepted values, range, expression, freshness, volume), each
// of severity warn or error, with their results recorded in ops.data_checks. The load validates
// rows one by one on the way in; these check what only the whole tables show.
package checks

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/warehouse"
)

// Statuses of a check's result.
const (
	Pass = "pass"
	Warn = "warn" // failed, severity warn
	Fail = "fail" // failed, severity error, or could not run
)

// Result is the outcome of one check.
type Result struct {
	configs.Check
	Status  string
	Failing int64
	Sample  []string
	Detail  string
}

// Failed is the error of a run whose checks of severity error failed; the data must change
// before another attempt can pass.
type Failed struct{ Results []Result }

func (e *Failed) Error() string {
	var parts []string
	for _, r := range e.Results {
		parts = append(parts, r.String())
	}
	return "data checks failed: " + strings.Join(parts, "; ")
}

// String is the result in words, as errors and alerts say it.
func (r Result) String() string {
	return fmt.Sprintf("%s (%d failing rows%s)", r.Name, r.Failing, strings.TrimSuffix(": "+r.Detail, ": "))
}

// Permanent tells the scheduler not to retry.
func (e *Failed) Permanent() bool { return true }

// Builtin are the checks of the star schema and the marts every run makes unless
// checks.builtin is false.
func Builtin() []configs.Check {
	one := func(v float64) *float64 { return &v }
	return []configs.Check{
		{Name: "customer ids are unique", Kind: "unique", Table: "dim_customer", Columns: []string{"customer_id"}, Where: "is_current"},
		{Name: "product ids are unique", Kind: "unique", Table: "dim_product", Columns: []string{"product_id"}, Where: "is_current"},
		{Name: "sales lines are unique", Kind: "unique", Table: "fact_sales", Columns: []string{"order_id", "line_number"}},
		{Name: "customer months are unique", Kind: "unique", Table: "fact_customer_month", Columns: []string{"customer_id", "month"}},
		{Name: "sales name known customers", Kind: "relationships", Table: "fact_sales", Column: "customer_key", To: "dim_customer.customer_key", Key: "order_id"},
		{Name: "sales name known products", Kind: "relationships", Table: "fact_sales", Column: "product_key", To: "dim_product.product_key", Key: "order_id"},
		{Name: "order status is known", Kind: "accepted_values", Table: "fact_sales", Column: "order_status", Values: []string{"completed", "cancelled", "returned"}, Key: "order_id"},
		{Name: "discounts are shares", Kind: "range", Table: "fact_sales", Column: "discount", Min: one(0), Max: one(1), Key: "order_id"},
		{Name: "quantities are positive", Kind: "range", Table: "fact_sales", Column: "quantity", Min: one(1), Key: "order_id"},
		{Name: "sales are fresh", Kind: "freshness", Table: "fact_sales", Column: "order_ts", MaxAgeDays: 45, Severity: "warn"},
		{Name: "order volume is steady", Kind: "volume", Table: "orders", Source: "orders", Tolerance: 0.5, Severity: "warn"},
	}
}

// List is the checks a config asks for: the built-in ones, then the custom ones.
func List(c configs.Checks) []configs.Check {
	var out []configs.Check
	if c.Builtin {
		out = append(out, Builtin()...)
	}
	return append(out, c.Custom...)
}

// Options of Run.
type Options struct {
	// SkipMissing skips checks of tables the warehouse does not have (a trial load has no marts).
	SkipMissing bool
}

// Run makes every check against db as of asOf. A check that cannot run (a custom expression that
// does not parse) fails with the reason; only a cancelled context is an error.
func Run(ctx context.Context, db Querier, list []configs.Check, asOf time.Time, opt Options) ([]Result, error) {
	var out []Result
	var tables map[string]bool // the warehouse's tables, by schema.name and (main) by name
	if opt.SkipMissing {
		var names []any
		if err := db.QueryRowContext(ctx, "SELECT list(schema_name || '.' || table_name) FROM duckdb_tables()").Scan(&names); err != nil {
			return nil, fmt.Errorf("checks: %w", err)
		}
		tables = map[string]bool{}
		for _, n := range names {
			name := fmt.Sprint(n)
			tables[name] = true
			tables[strings.TrimPrefix(name, "main.")] = true
		}
	}
	for _, c := range list {
		if c.Severity == "" {
			c.Severity = "error"
		}
		r := Result{Check: c}
		if tables != nil && c.Kind != "volume" && !tables[c.Table] {
			continue
		}
		file, data := query(c, asOf)
		q, err := warehouse.Render(file, data)
		if err == nil {
			var sample []any
			err = db.QueryRowContext(ctx, q).Scan(&r.Failing, &sample, &r.Detail)
			for _, s := range sample {
				r.Sample = append(r.Sample, fmt.Sprint(s))
			}
		}
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			r.Status, r.Failing = Fail, 0
			r.Detail = "the check could not run: " + warehouse.Excerpt(err.Error(), 200)
		case r.Failing == 0:
			r.Status = Pass
		case c.Severity == "warn":
			r.Status = Warn
		default:
			r.Status = Fail
		}
		out = append(out, r)
	}
	return out, nil
}

// query is the SQL file and template data of a check.
func query(c configs.Check, asOf time.Time) (string, map[string]any) {
	data := map[string]any{"Table": c.Table, "Where": c.Where, "AsOf": asOf.Format(time.DateOnly), "Columns": c.Columns,
		"Column": c.Column, "MaxAgeDays": c.MaxAgeDays, "Source": c.Source, "Tolerance": c.Tolerance}
	cols := c.Columns
	if len(cols) == 0 && c.Column != "" {
		cols = []string{c.Column}
	}
	key := c.Key
	if key == "" && len(cols) > 0 {
		parts := make([]string, len(cols))
		for i, col := range cols {
			parts[i] = "CAST(t." + col + " AS VARCHAR)"
		}
		key = "concat_ws('|', " + strings.Join(parts, ", ") + ")"
	} else if key == "" {
		key = "'row ' || t.rowid"
	}
	data["Key"] = key
	col := "t." + c.Column
	switch c.Kind {
	case "unique":
		return "checks/unique.sql", data
	case "freshness":
		return "checks/freshness.sql", data
	case "volume":
		return "checks/volume.sql", data
	case "not_null":
		var ors []string
		for _, c := range cols {
			ors = append(ors, "t."+c+" IS NULL")
		}
		data["Bad"] = strings.Join(ors, " OR ")
	case "relationships":
		table, column, _ := strings.Cut(c.To, ".")
		data["Bad"] = fmt.Sprintf("%s IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %s AS r WHERE r.%s = %s)", col, table, column, col)
	case "accepted_values":
		vals := make([]string, len(c.Values))
		for i, v := range c.Values {
			vals[i] = warehouse.Quote(v)
		}
		data["Bad"] = fmt.Sprintf("%s IS NOT NULL AND CAST(%s AS VARCHAR) NOT IN (%s)", col, col, strings.Join(vals, ", "))
	case "range":
		var ors []string
		if c.Min != nil {
			ors = append(ors, fmt.Sprintf("%s < %v", col, *c.Min))
		}
		if c.Max != nil {
			ors = append(ors, fmt.Sprintf("%s > %v", col, *c.Max))
		}
		data["Bad"] = strings.Join(ors, " OR ")
	case "expression":
		data["Bad"] = "NOT coalesce((" + c.Expression + "), false)"
	}
	return "checks/rows.sql", data
}

// Record keeps the results of a run in ops.data_checks.
func Record(ctx context.Context, db warehouse.Execer, runID string, asOf time.Time, results []Result) error {
	q, err := warehouse.Render("checks/record.sql", nil)
	if err != nil {
		return err
	}
	for _, r := range results {
		sample := r.Sample
		if sample == nil {
			sample = []string{}
		}
		table := r.Table
		if r.Kind == "volume" {
			table = r.Source
		}
		js, err := json.Marshal(sample)
		if err != nil {
			return err
		}
		if _, err := db.ExecContext(ctx, q, runID, asOf, r.Name, r.Kind, table, r.Severity, r.Status, r.Failing,
			string(js), r.Detail); err != nil {
			return fmt.Errorf("record check %s: %w", r.Name, err)
		}
	}
	return nil
}

// Querier runs the checks' one-row queries (*sql.DB, *sql.Conn, *sql.Tx).
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
