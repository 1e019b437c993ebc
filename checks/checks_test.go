package checks

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/etl"
	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/warehouse"
)

var asOf = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)

// loaded is a warehouse with a small demo export loaded.
func loaded(t *testing.T) *warehouse.DB {
	t.Helper()
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "demo")
	if _, err := demodata.Generate(ctx, demodata.Options{Customers: 200, Seed: 9, End: asOf, Dir: src}); err != nil {
		t.Fatal(err)
	}
	lake := t.TempDir()
	if _, err := etl.ExtractCSV(ctx, src, lake, asOf, etl.CSVOptions{}, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	db, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"), warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := etl.Load(ctx, db, lake, asOf, "run-1"); err != nil {
		t.Fatal(err)
	}
	return db
}

func count(t *testing.T, db *warehouse.DB, q string) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestBuiltinPassOnCleanData(t *testing.T) {
	db := loaded(t)
	res, err := Run(context.Background(), db, Builtin(), asOf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(Builtin()) {
		t.Fatalf("%d results for %d checks", len(res), len(Builtin()))
	}
	for _, r := range res {
		if r.Status != Pass || r.Failing != 0 {
			t.Errorf("%s: %s, %d failing (%s)", r.Name, r.Status, r.Failing, r.Detail)
		}
	}
}

// Each kind passes on the clean copy of the sales and fails on a planted violation, with the
// failing rows counted exactly: the rows planted, counted again here by a query of their own.
func TestEachKindCountsPlantedViolations(t *testing.T) {
	db := loaded(t)
	exec := func(q string) {
		t.Helper()
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("CREATE TABLE planted AS SELECT * FROM fact_sales ORDER BY order_id, line_number")
	one := func(v float64) *float64 { return &v }
	kinds := []struct {
		check configs.Check
		plant []string // statements planting the violation
		want  string   // an independent count of the rows that break the check
	}{
		{configs.Check{Name: "u", Kind: "unique", Table: "planted", Columns: []string{"order_id", "line_number"}},
			[]string{"INSERT INTO planted SELECT * FROM planted WHERE rowid IN (10, 20)"},
			"SELECT count(*) FROM planted p WHERE (SELECT count(*) FROM planted q WHERE q.order_id = p.order_id AND q.line_number = p.line_number) > 1"},
		{configs.Check{Name: "n", Kind: "not_null", Table: "planted", Columns: []string{"store_key", "employee_key"}},
			[]string{"UPDATE planted SET store_key = NULL WHERE rowid BETWEEN 30 AND 32", "UPDATE planted SET employee_key = NULL WHERE rowid BETWEEN 32 AND 33"},
			"SELECT count(*) FROM planted WHERE store_key IS NULL OR employee_key IS NULL"},
		{configs.Check{Name: "r", Kind: "relationships", Table: "planted", Column: "customer_key", To: "dim_customer.customer_key"},
			[]string{"UPDATE planted SET customer_key = -7 WHERE rowid BETWEEN 40 AND 44"},
			"SELECT count(*) FROM planted WHERE customer_key NOT IN (SELECT customer_key FROM dim_customer)"},
		{configs.Check{Name: "a", Kind: "accepted_values", Table: "planted", Column: "order_status", Values: []string{"completed", "cancelled", "returned"}},
			[]string{"UPDATE planted SET order_status = 'lost' WHERE rowid IN (50, 51)"},
			"SELECT count(*) FROM planted WHERE order_status = 'lost'"},
		{configs.Check{Name: "g", Kind: "range", Table: "planted", Column: "discount", Min: one(0), Max: one(1)},
			[]string{"UPDATE planted SET discount = 1.5 WHERE rowid BETWEEN 60 AND 63", "UPDATE planted SET discount = -0.1 WHERE rowid = 64"},
			"SELECT count(*) FROM planted WHERE discount < 0 OR discount > 1"},
		{configs.Check{Name: "e", Kind: "expression", Table: "planted", Expression: "net_amount <= gross_amount", Key: "order_id"},
			[]string{"UPDATE planted SET net_amount = gross_amount + 1 WHERE rowid BETWEEN 70 AND 75"},
			"SELECT count(*) FROM planted WHERE net_amount > gross_amount"},
		{configs.Check{Name: "f", Kind: "freshness", Table: "planted", Column: "order_ts", MaxAgeDays: 10},
			[]string{"DELETE FROM planted WHERE order_ts >= DATE '2026-06-30' - 30"},
			"SELECT CAST(max(order_ts) < DATE '2026-06-30' - 10 AS INTEGER) FROM planted"},
		{configs.Check{Name: "v", Kind: "volume", Source: "orders", Tolerance: 0.5},
			[]string{"INSERT INTO ops.load_audit SELECT 'run-0', DATE '2026-06-29', source_table, target_table, rows_read * 3, rows_loaded, 0, 0, 0, now()::TIMESTAMP FROM ops.load_audit WHERE source_table = 'orders'"},
			"SELECT max(rows_read) - min(rows_read) FROM ops.load_audit WHERE source_table = 'orders'"},
	}
	var list []configs.Check
	for _, k := range kinds {
		list = append(list, k.check)
	}
	res, err := Run(context.Background(), db, list, asOf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Status != Pass || r.Failing != 0 {
			t.Errorf("%s before planting: %s, %d failing (%s)", kinds[i].check.Kind, r.Status, r.Failing, r.Detail)
		}
	}
	for _, k := range kinds {
		for _, q := range k.plant {
			exec(q)
		}
	}
	res, err = Run(context.Background(), db, list, asOf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		want := count(t, db, kinds[i].want)
		if r.Status != Fail || r.Failing != want || want == 0 {
			t.Errorf("%s: %s with %d failing rows (%s, sample %v); the planted data has %d", r.Kind, r.Status, r.Failing, r.Detail, r.Sample, want)
		}
		if r.Kind != "volume" && r.Kind != "freshness" && (len(r.Sample) == 0 || len(r.Sample) > 5) {
			t.Errorf("%s: sample %v", r.Kind, r.Sample)
		}
	}
	// Recorded as they are.
	if err := Record(context.Background(), db, "run-2", asOf, res); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "SELECT count(*) FROM ops.data_checks WHERE run_id = 'run-2' AND status = 'fail' AND failing_rows > 0"); n != int64(len(kinds)) {
		t.Errorf("%d failed checks recorded, want %d", n, len(kinds))
	}
	var sample string
	if err := db.QueryRow("SELECT array_to_string(sample, ',') FROM ops.data_checks WHERE run_id = 'run-2' AND check_name = 'a'").Scan(&sample); err != nil || sample == "" {
		t.Errorf("sample %q (%v)", sample, err)
	}
}

// A check that cannot run fails and says why; a warn check that fails warns.
func TestBrokenAndWarnChecks(t *testing.T) {
	db := loaded(t)
	res, err := Run(context.Background(), db, []configs.Check{
		{Name: "bad sql", Kind: "expression", Table: "fact_sales", Expression: "net_amount <= <= 3"},
		{Name: "soft", Kind: "expression", Table: "fact_sales", Expression: "quantity < 2", Severity: "warn"},
	}, asOf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Status != Fail || !strings.Contains(res[0].Detail, "could not run") || len(res[0].Detail) > 260 {
		t.Errorf("broken check: %s (%s)", res[0].Status, res[0].Detail)
	}
	if want := count(t, db, "SELECT count(*) FROM fact_sales WHERE quantity >= 2"); res[1].Status != Warn || res[1].Failing != want {
		t.Errorf("warn check: %s, %d failing, want warn with %d", res[1].Status, res[1].Failing, want)
	}
}

func TestValidate(t *testing.T) {
	one := 1.0
	cases := []struct {
		check configs.Check
		want  string // "" when valid
	}{
		{configs.Check{Name: "a", Kind: "unique", Table: "fact_sales", Columns: []string{"order_id"}}, ""},
		{configs.Check{Name: "a", Kind: "range", Table: "scores.customer_scores", Column: "clv", Min: &one}, ""},
		{configs.Check{Name: "", Kind: "unique", Table: "t", Columns: []string{"c"}}, "name"},
		{configs.Check{Name: "a", Kind: "unique", Table: "t; DROP TABLE x", Columns: []string{"c"}}, "not a table name"},
		{configs.Check{Name: "a", Kind: "not_null", Table: "t", Columns: []string{"c d"}}, "not a column name"},
		{configs.Check{Name: "a", Kind: "relationships", Table: "t", Column: "c", To: "dim"}, "table.column"},
		{configs.Check{Name: "a", Kind: "range", Table: "t", Column: "c"}, "min and/or max"},
		{configs.Check{Name: "a", Kind: "volume", Source: "orders"}, "tolerance"},
		{configs.Check{Name: "a", Kind: "unique", Table: "t", Columns: []string{"c"}, Severity: "fatal"}, "severity"},
		{configs.Check{Name: "a", Kind: "typo", Table: "t"}, `kind "typo"`},
	}
	for _, tc := range cases {
		err := configs.Checks{Custom: []configs.Check{tc.check}}.Validate()
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.check, err, tc.want)
		}
	}
}
