package etl

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/crmwh/crmwh/warehouse"
)

// LoadStats is what one source table's load did. Read = Loaded + Rejected always; Inserted and
// Updated count rows (or dimension versions) of the target that the load added or changed.
type LoadStats struct {
	Source, Target         string
	Read, Loaded, Rejected int64
	Inserted, Updated      int64
}

// step is one SQL file to run, with its template data.
type step struct {
	file string
	data any
}

type scd2Spec struct {
	Table, Stage, Key, ID string
	Tracked, Type1        []string
}

type type1Spec struct {
	Table, Source, Key, ID string
	Columns                []string
}

// merges says how each source table reaches the star schema, in dependency order.
var merges = []struct {
	source, file string
	data         any
}{
	{"stores", "load/merge_type1.sql", type1Spec{"dim_store", "stg_stores", "store_key", "store_id", []string{"name", "city", "region"}}},
	{"employees", "load/merge_type1.sql", type1Spec{"dim_employee", "src_employees", "employee_key", "employee_id", []string{"name", "role", "store_key", "store_id"}}},
	{"products", "load/merge_scd2.sql", scd2Spec{"dim_product", "stg_products", "product_key", "product_id",
		[]string{"category", "list_price", "unit_cost"}, []string{"name", "brand", "model", "updated_at"}}},
	{"customers", "load/merge_scd2.sql", scd2Spec{"dim_customer", "stg_customers", "customer_key", "customer_id",
		[]string{"region", "city", "customer_type", "marketing_consent"},
		[]string{"name", "gender", "birth_date", "phone", "email", "acquisition_channel", "created_at", "updated_at", "referred_by"}}},
	{"campaigns", "load/merge_type1.sql", type1Spec{"dim_campaign", "stg_campaigns", "campaign_key", "campaign_id", []string{"name", "channel", "start_date", "end_date", "cost"}}},
	{"orders", "load/merge_dim_channel.sql", nil},
	{"order_items", "load/insert_fact_sales.sql", nil},
	{"interactions", "load/insert_fact_interaction.sql", nil},
	{"surveys", "load/insert_fact_survey.sql", nil},
	{"campaign_contacts", "load/insert_fact_campaign_contact.sql", nil},
}

// Load validates the landing partitions of loadDate and merges them into the star schema in one
// transaction: on any error nothing changes. Rejected rows replace the rejects of an earlier load
// of the same date, so a re-run leaves the same state as the first run.
func Load(ctx context.Context, db *warehouse.DB, lakeDir string, loadDate time.Time, runID string) ([]LoadStats, error) {
	for _, t := range Contract {
		if _, err := os.Stat(PartitionFile(lakeDir, t.Name, loadDate)); err != nil {
			return nil, fmt.Errorf("load %s: no landing partition for %s (run the extract job first): %w",
				t.Name, loadDate.Format(time.DateOnly), err)
		}
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	defer conn.Close()
	// Staging and its checks write the rejected rows only (stage.sql), committed as they go,
	// before the load's transaction opens: that transaction then reads them as committed tables,
	// which DuckDB scans faster than ones it has written itself. The star schema changes in the
	// transaction alone; the stages are dropped before the load and whether it succeeds or fails.
	var q warehouse.Session = conn
	defer warehouse.DropOnExit(ctx, conn, "load/drop_stages.sql", Contract, slog.Default())
	run := func(file string, data any) (warehouse.Counts, error) {
		c, err := warehouse.RunScript(ctx, q, file, data)
		if err != nil {
			return c, fmt.Errorf("load: %w", err)
		}
		return c, nil
	}
	if _, err := run("load/drop_stages.sql", Contract); err != nil {
		return nil, err
	}
	if _, err := run("load/00_macros.sql", nil); err != nil {
		return nil, err
	}
	if _, err := q.ExecContext(ctx, "SET VARIABLE run_id = "+warehouse.Quote(runID)); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if _, err := q.ExecContext(ctx, "SET VARIABLE load_date = DATE "+warehouse.Quote(loadDate.Format(time.DateOnly))); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}

	// Stage and check every table, parents before children, so that references see the
	// parents' final verdicts.
	for _, t := range Contract {
		path := PartitionFile(lakeDir, t.Name, loadDate)
		// Partitions landed earlier may lack _line and the optional columns that joined the contract since.
		var names []any
		if err := conn.QueryRowContext(ctx, "SELECT list(name) FROM parquet_schema(?)", path).Scan(&names); err != nil {
			return nil, fmt.Errorf("load %s: %w", t.Name, err)
		}
		present := make([]string, len(names))
		for i, n := range names {
			present[i] = fmt.Sprint(n)
		}
		var absent []string
		for _, c := range t.Columns {
			if !slices.Contains(present, c) {
				absent = append(absent, c)
			}
		}
		// Checks against other tables join the staging pass; a reference within the table
		// is checked after it, against the staged rows.
		var refs, selfRefs []map[string]string
		for _, r := range t.Refs {
			target := TableByName(r.Table)
			earlier := r.Earlier
			if strings.HasPrefix(target.Target, "dim_") {
				earlier = target.Target
			}
			ref := map[string]string{"Table": t.Name, "Column": r.Column, "Key": r.TargetColumn(),
				"Entity": strings.TrimSuffix(r.Table, "s"), "TargetStage": "stg_" + r.Table, "Earlier": earlier}
			if r.Table == t.Name {
				selfRefs = append(selfRefs, ref)
			} else {
				refs = append(refs, ref)
			}
		}
		steps := []step{
			{"load/raw_view.sql", map[string]any{"Table": t.Name, "Columns": t.Columns, "Path": path,
				"HasLine": slices.Contains(present, LineColumn), "Absent": absent}},
			{"load/stage_" + t.Name + ".sql", nil},
			{"load/stage.sql", map[string]any{"Table": t.Name, "Refs": refs}},
		}
		for _, r := range selfRefs {
			steps = append(steps, step{"load/check_reference.sql", r})
		}
		steps = append(steps, step{"load/check_duplicates.sql", map[string]any{"Table": t.Name, "KeyColumns": t.Key}})
		for _, s := range steps {
			c, err := run(s.file, s.data)
			if err != nil {
				return nil, fmt.Errorf("%w (table %s)", err, t.Name)
			}
			// A reference within the table (a customer's referrer) is checked again until no
			// row is rejected: a rejected row takes the rows naming it along.
			for s.file == "load/check_reference.sql" && c.Inserted > 0 {
				if c, err = run(s.file, s.data); err != nil {
					return nil, fmt.Errorf("%w (table %s)", err, t.Name)
				}
			}
		}
	}

	// The order lines the warehouse has already are told apart before the transaction opens
	// (new_order_lines.sql says why); on a first load every line is new.
	var known bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM fact_sales)").Scan(&known); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if known {
		if _, err := run("load/new_order_lines.sql", nil); err != nil {
			return nil, err
		}
	}

	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	q = tx
	if _, err := tx.ExecContext(ctx, "DELETE FROM ops.etl_rejects WHERE load_date = getvariable('load_date')"); err != nil {
		return nil, fmt.Errorf("load: clear earlier rejects: %w", err)
	}
	for _, t := range Contract {
		if _, err := run("load/rejects.sql", map[string]any{"Source": t.Name, "Columns": t.Columns}); err != nil {
			return nil, err
		}
	}

	// Merge into the star schema.
	changed := map[string]warehouse.Counts{}
	for _, pre := range []string{"load/none_members.sql", "load/src_employees.sql"} {
		if _, err := run(pre, nil); err != nil {
			return nil, err
		}
	}
	for _, m := range merges {
		if m.source == "order_items" { // facts need the calendar, which needs every stage
			if _, err := run("load/dim_date.sql", nil); err != nil {
				return nil, err
			}
		}
		data := m.data
		if m.source == "order_items" {
			data = map[string]any{"Known": known}
		}
		c, err := run(m.file, data)
		if err != nil {
			return nil, err
		}
		changed[m.source] = c
	}
	// Orders reach fact_sales through their lines: count the orders that gained lines.
	var newOrders int64
	if err := tx.QueryRowContext(ctx, "SELECT count(DISTINCT order_id) FROM fact_sales WHERE load_run_id = getvariable('run_id')").Scan(&newOrders); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	changed["orders"] = warehouse.Counts{Inserted: newOrders}

	stats := make([]LoadStats, 0, len(Contract))
	for _, t := range Contract {
		c := changed[t.Name]
		s := LoadStats{Source: t.Name, Target: t.Target, Inserted: c.Inserted, Updated: c.Updated}
		if err := tx.QueryRowContext(ctx, fmt.Sprintf("SELECT (SELECT count(*) FROM raw_%s), (SELECT count(*) FROM rej_%s)", t.Name, t.Name)).Scan(&s.Read, &s.Rejected); err != nil {
			return nil, fmt.Errorf("load: count %s: %w", t.Name, err)
		}
		s.Loaded = s.Read - s.Rejected
		if _, err := run("load/audit.sql", s); err != nil {
			return nil, err
		}
		stats = append(stats, s)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("load: commit: %w", err)
	}
	return stats, nil
}
