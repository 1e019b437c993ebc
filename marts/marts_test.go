package marts

import (
	"context"
	"database/sql"
	"fmt"
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
		checkByHand(t, db, asOf)
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

// byHand is fact_customer_month computed from its definition, independently of the chunked,
// incremental build: every month of every customer from the month they were created, each
// figure a plain aggregate of the facts of that month (the running ones: of every month from
// creation up to it), the customer version the one valid at the month's snapshot instant.
// avg_satisfaction is rounded: a parallel mean may differ in the last bit.
const byHand = `
WITH cust AS (
    SELECT customer_id, min(created_at) AS created_at FROM dim_customer WHERE customer_id <> '' GROUP BY customer_id
), grid AS (
    SELECT customer_id, created_at, CAST(unnest(generate_series(date_trunc('month', created_at), date_trunc('month', DATE '%[1]s'), INTERVAL 1 MONTH)) AS DATE) AS month
    FROM cust WHERE CAST(created_at AS DATE) <= DATE '%[1]s'
), snap AS (
    SELECT *, least(month + INTERVAL 1 MONTH, DATE '%[1]s' + INTERVAL 1 DAY) - INTERVAL 1 MICROSECOND AS snapshot_at FROM grid
), sales AS (
    SELECT d.customer_id, f.order_id, f.order_ts, f.quantity, f.net_amount, f.margin_amount, date_trunc('month', f.order_ts) AS month
    FROM fact_sales AS f JOIN dim_customer AS d USING (customer_key)
    WHERE f.order_status = 'completed' AND CAST(f.order_ts AS DATE) <= DATE '%[1]s'
), monthly AS (
    SELECT g.customer_id, g.month, count(DISTINCT s.order_id) AS orders, count(s.order_id) AS order_lines,
        coalesce(sum(s.quantity), 0) AS units, coalesce(sum(s.net_amount), 0) AS revenue, coalesce(sum(s.margin_amount), 0) AS margin
    FROM grid AS g LEFT JOIN sales AS s ON s.customer_id = g.customer_id AND s.month = g.month
    GROUP BY ALL
), running AS (
    SELECT g.customer_id, g.month, count(DISTINCT s.order_id) AS cumulative_orders, coalesce(sum(s.net_amount), 0) AS cumulative_revenue,
        max(s.order_ts) AS last_order_ts
    FROM grid AS g LEFT JOIN sales AS s
        ON s.customer_id = g.customer_id AND s.month >= date_trunc('month', g.created_at) AND s.month <= g.month
    GROUP BY ALL
), events AS (
    -- every interaction, survey and campaign contact up to the date, with its customer id
    SELECT d.customer_id, 'interaction' AS kind, f.interaction_ts AS ts, f.interaction_type, f.outcome,
        CAST(NULL AS DOUBLE) AS satisfaction, CAST(NULL AS BOOLEAN) AS responded
    FROM fact_interaction AS f JOIN dim_customer AS d USING (customer_key)
    UNION ALL
    SELECT d.customer_id, 'survey', f.survey_ts, NULL, NULL, f.satisfaction, NULL
    FROM fact_survey AS f JOIN dim_customer AS d USING (customer_key)
    UNION ALL
    SELECT d.customer_id, 'contact', f.contacted_at, NULL, NULL, NULL, f.responded
    FROM fact_campaign_contact AS f JOIN dim_customer AS d USING (customer_key)
), other AS (
    SELECT g.customer_id, g.month,
        count(*) FILTER (WHERE e.kind = 'interaction') AS interactions,
        count(*) FILTER (WHERE e.kind = 'interaction' AND e.interaction_type = 'service visit') AS service_visits,
        count(*) FILTER (WHERE e.kind = 'interaction' AND e.interaction_type = 'complaint') AS complaints,
        count(*) FILTER (WHERE e.kind = 'interaction' AND e.interaction_type = 'complaint' AND e.outcome = 'unresolved') AS unresolved_complaints,
        count(*) FILTER (WHERE e.kind = 'survey') AS surveys, round(avg(e.satisfaction), 9) AS avg_satisfaction,
        count(*) FILTER (WHERE e.kind = 'contact') AS campaign_contacts,
        count(*) FILTER (WHERE e.kind = 'contact' AND e.responded) AS campaign_responses
    FROM grid AS g LEFT JOIN events AS e
        ON e.customer_id = g.customer_id AND date_trunc('month', e.ts) = g.month AND CAST(e.ts AS DATE) <= DATE '%[1]s'
    GROUP BY ALL
)
SELECT s.month, s.customer_id, d.customer_key, datediff('month', s.created_at, s.month) AS tenure_months,
    m.orders, m.order_lines, m.units, m.revenue, m.margin,
    o.interactions, o.service_visits, o.complaints, o.unresolved_complaints,
    o.surveys, o.avg_satisfaction, o.campaign_contacts, o.campaign_responses,
    m.orders > 0 AS is_active, r.cumulative_orders, r.cumulative_revenue,
    datediff('day', r.last_order_ts, s.snapshot_at) AS days_since_last_order
FROM snap AS s
JOIN dim_customer AS d ON d.customer_id = s.customer_id AND s.snapshot_at >= d.valid_from AND s.snapshot_at < d.valid_to
JOIN monthly AS m ON m.customer_id = s.customer_id AND m.month = s.month
JOIN running AS r ON r.customer_id = s.customer_id AND r.month = s.month
JOIN other AS o ON o.customer_id = s.customer_id AND o.month = s.month`

// checkByHand compares fact_customer_month with byHand, every column.
func checkByHand(t *testing.T, db *warehouse.DB, asOf time.Time) {
	t.Helper()
	hand := "SELECT * FROM (" + fmt.Sprintf(byHand, asOf.Format(time.DateOnly)) + ")"
	built := "SELECT * REPLACE (round(avg_satisfaction, 9) AS avg_satisfaction) FROM fact_customer_month"
	if n := count(t, db, "SELECT count(*) FROM fact_customer_month"); n == 0 {
		t.Fatal("fact_customer_month is empty")
	}
	for _, q := range []string{
		"SELECT count(*) FROM (" + built + " EXCEPT ALL " + hand + ")",
		"SELECT count(*) FROM (" + hand + " EXCEPT ALL " + built + ")",
	} {
		if n := count(t, db, q); n != 0 {
			t.Errorf("as of %s: %d rows of fact_customer_month differ from the definition computed by hand", asOf.Format(time.DateOnly), n)
		}
	}
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
