package marts

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/crmwh/crmwh/etl"
	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/warehouse"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestIncrementalEqualsFull: after each day's load an incremental rebuild of fact_customer_month
// leaves exactly the table a full rebuild makes, while rewriting only the changed customers'
// earlier months.
func TestIncrementalEqualsFull(t *testing.T) {
	ctx := context.Background()
	db, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"), warehouse.Options{MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lake := t.TempDir()
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	load := func(t *testing.T, end time.Time) {
		t.Helper()
		src := filepath.Join(t.TempDir(), "src")
		if _, err := demodata.Generate(ctx, demodata.Options{Customers: 1500, Seed: 5, Start: start, End: end, Dir: src}); err != nil {
			t.Fatal(err)
		}
		if _, err := etl.ExtractCSV(ctx, src, lake, end, etl.CSVOptions{}, quiet); err != nil {
			t.Fatal(err)
		}
		if _, err := etl.Load(ctx, db, lake, end, "run-"+end.Format(time.DateOnly)); err != nil {
			t.Fatal(err)
		}
	}
	// build rebuilds incrementally, keeps the result, rebuilds in full and compares the two.
	build := func(t *testing.T, asOf time.Time, wantMode string) Build {
		t.Helper()
		b, err := CustomerMonth(ctx, db, asOf, 400, false, "inc", quiet)
		if err != nil {
			t.Fatal(err)
		}
		if b.Mode != wantMode {
			t.Errorf("mode %s, want %s", b.Mode, wantMode)
		}
		mustExec(t, db, "CREATE OR REPLACE TABLE incremental AS FROM fact_customer_month")
		full, err := CustomerMonth(ctx, db, asOf, 400, true, "full", quiet)
		if err != nil {
			t.Fatal(err)
		}
		if full.Mode != "full" || full.Rows == 0 {
			t.Fatalf("full rebuild: %+v", full)
		}
		for _, q := range []string{
			"SELECT count(*) FROM (FROM incremental EXCEPT ALL FROM fact_customer_month)",
			"SELECT count(*) FROM (FROM fact_customer_month EXCEPT ALL FROM incremental)",
		} {
			if n := count(t, db, q); n != 0 {
				t.Errorf("as of %s: %d rows differ between the incremental and the full rebuild (%s)", asOf.Format(time.DateOnly), n, q)
			}
		}
		return b
	}

	day1 := time.Date(2025, 5, 20, 0, 0, 0, 0, time.UTC)
	load(t, day1)
	if b := build(t, day1, "full"); b.Customers == 0 {
		t.Errorf("the first build rebuilt no customer: %+v", b)
	}
	customers := count(t, db, "SELECT count(DISTINCT customer_id) FROM fact_customer_month")

	t.Run("a later day across a month's end", func(t *testing.T) {
		day2 := day1.AddDate(0, 0, 14) // moved customers, changed statuses, new orders and customers
		load(t, day2)
		b := build(t, day2, "incremental")
		if b.Customers == 0 || b.Customers >= customers {
			t.Errorf("%d of %d customers' earlier months rebuilt; want some, not all", b.Customers, customers)
		}
	})
	t.Run("the same day again changes nothing earlier", func(t *testing.T) {
		day2 := day1.AddDate(0, 0, 14)
		if b := build(t, day2, "incremental"); b.Customers != 0 {
			t.Errorf("re-running the date rebuilt %d customers' earlier months, want 0", b.Customers)
		}
	})
	t.Run("a fact of an earlier month changes", func(t *testing.T) {
		// An order of a year ago returned, a survey of last winter loaded late.
		mustExec(t, db, `UPDATE fact_sales SET order_status = 'returned'
			WHERE order_id = (SELECT min(order_id) FROM fact_sales WHERE order_status = 'completed' AND order_ts < DATE '2024-06-01')`)
		mustExec(t, db, `INSERT INTO fact_survey SELECT * REPLACE ('late-1' AS survey_id, survey_ts - INTERVAL 200 DAY AS survey_ts)
			FROM fact_survey WHERE survey_ts > DATE '2025-05-01' LIMIT 1`)
		b := build(t, day1.AddDate(0, 0, 15), "incremental")
		if b.Customers < 1 || b.Customers > 2 {
			t.Errorf("%d customers' earlier months rebuilt, want the one or two whose facts changed", b.Customers)
		}
	})
	t.Run("an earlier date rebuilds in full", func(t *testing.T) {
		build(t, day1, "full")
	})
}

func mustExec(t *testing.T, db *warehouse.DB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func count(t *testing.T, db *warehouse.DB, q string) int64 {
	t.Helper()
	var n sql.NullInt64
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n.Int64
}
