package mining

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/warehouse"
)

type purchase struct {
	customer string
	day      string
	amount   float64
}

// emptyConn is a connection to an empty in-memory warehouse (the schema, no rows).
func emptyConn(t *testing.T) *sql.Conn {
	t.Helper()
	ctx := context.Background()
	db, err := warehouse.Open(ctx, "", warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// memConn is a connection to an empty in-memory warehouse with the purchases as mining input.
func memConn(t *testing.T, asOf string, ps []purchase) (*sql.Conn, time.Time) {
	t.Helper()
	ctx := context.Background()
	conn := emptyConn(t)
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE p (customer_id VARCHAR, ts TIMESTAMP, amount DOUBLE)"); err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if _, err := conn.ExecContext(ctx, "INSERT INTO p VALUES (?, CAST(? AS TIMESTAMP), ?)", p.customer, p.day, p.amount); err != nil {
			t.Fatal(err)
		}
	}
	var d time.Time
	if asOf != "" {
		d, _ = time.Parse(time.DateOnly, asOf)
	}
	d, err := PrepareQuery(ctx, conn, "SELECT * FROM p;", d, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	return conn, d
}

func defaults(t *testing.T) configs.Mining {
	t.Helper()
	c, err := configs.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c.Mining
}

// Five customers worked by hand: with five bins a score is the rank (ties share the lowest).
var rfmCase = []purchase{
	{"c01", "2026-01-30", 100}, {"c01", "2026-01-20", 100}, {"c01", "2026-01-10", 100},
	{"c02", "2026-01-25", 50},
	{"c03", "2025-12-01", 500}, {"c03", "2025-11-01", 500},
	{"c04", "2025-06-30", 20},
	{"c05", "2026-01-30", 10}, {"c05", "2026-01-29", 10}, {"c05", "2026-01-28", 10}, {"c05", "2026-01-27", 10},
}

func TestRFMByHand(t *testing.T) {
	ctx := context.Background()
	conn, asOf := memConn(t, "2026-01-31", rfmCase)
	m, err := RFM(ctx, conn, defaults(t).RFM, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if m.Customers != 5 {
		t.Errorf("customers = %d, want 5", m.Customers)
	}
	// Means: R 2.8, F 2.8, M 3; a score counts as high when above its mean.
	want := map[string]struct {
		recency, frequency int
		monetary           float64
		r, f, m            int
		segment            string
	}{
		"c01": {1, 3, 300, 4, 4, 4, "important_value"},
		"c02": {6, 1, 50, 3, 1, 3, "general_develop"},
		"c03": {61, 2, 1000, 2, 3, 5, "important_keep"},
		"c04": {215, 1, 20, 1, 1, 1, "general_retain"},
		"c05": {1, 4, 40, 4, 5, 2, "general_value"},
	}
	rows, err := conn.QueryContext(ctx, "SELECT customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, rfm_segment FROM rfm_result")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, seg string
		var rec, freq, r, f, mm int
		var mon float64
		if err := rows.Scan(&id, &rec, &freq, &mon, &r, &f, &mm, &seg); err != nil {
			t.Fatal(err)
		}
		w := want[id]
		if rec != w.recency || freq != w.frequency || mon != w.monetary || r != w.r || f != w.f || mm != w.m || seg != w.segment {
			t.Errorf("%s: got recency %d frequency %d monetary %g scores %d%d%d %s, want %+v", id, rec, freq, mon, r, f, mm, seg, w)
		}
	}
}

func TestABCByHand(t *testing.T) {
	ctx := context.Background()
	// Revenue 1000, 300, 50, 40, 20 of 1410, plus a customer with only a refund: the shares
	// before each are 0, .709, .922, .957, .986, so A, A, B, C, C; no positive revenue is C.
	conn, _ := memConn(t, "2026-01-31", append(rfmCase[:len(rfmCase):len(rfmCase)], purchase{"c06", "2026-01-05", -30}))
	m, err := ABC(ctx, conn, defaults(t).ABC)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"c03": "A", "c01": "A", "c02": "B", "c05": "C", "c04": "C", "c06": "C"}
	got := map[string]string{}
	rows, err := conn.QueryContext(ctx, "SELECT customer_id, abc_class FROM abc_result")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, class string
		if err := rows.Scan(&id, &class); err != nil {
			t.Fatal(err)
		}
		got[id] = class
	}
	for id, c := range want {
		if got[id] != c {
			t.Errorf("%s: class %q, want %q", id, got[id], c)
		}
	}
	if c := m.Model().Metrics["classes"].(map[string]int64); c["A"] != 2 || c["B"] != 1 || c["C"] != 3 {
		t.Errorf("class counts %v", c)
	}
}

func TestLifecycleByHand(t *testing.T) {
	ctx := context.Background()
	ps := []purchase{
		{"terminated", "2024-06-01", 100}, {"terminated", "2024-12-01", 100},
		{"new", "2025-12-01", 80},
		// Baseline: 500 over the 430 days from the first purchase to the recent window (which
		// starts 2025-08-05); recent: 50 over 180 days. Drop 1 − (50/180)/(500/430) = 0.7611.
		{"dropping", "2024-06-01", 100}, {"dropping", "2024-09-01", 100}, {"dropping", "2024-12-01", 100},
		{"dropping", "2025-03-01", 100}, {"dropping", "2025-06-01", 100}, {"dropping", "2025-12-15", 50},
		// Under two years and spending at a steady rate.
		{"young", "2025-01-01", 100}, {"young", "2025-04-01", 100}, {"young", "2025-09-01", 100}, {"young", "2025-12-01", 100},
		// Nothing in the recent window, two purchases in the baseline.
		{"quiet", "2024-01-01", 100}, {"quiet", "2024-10-01", 100}, {"quiet", "2025-05-01", 100},
	}
	// Every 90 days since 2023: two purchases in the recent window, six in the baseline: ratio 1.
	for d := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 90) {
		ps = append(ps, purchase{"steady", d.Format(time.DateOnly), 100})
	}
	conn, asOf := memConn(t, "2026-01-31", ps)
	if _, err := Lifecycle(ctx, conn, defaults(t).Lifecycle, asOf); err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		stage   string
		warning bool
		drop    float64 // -1: NULL
	}{
		"terminated": {"termination", false, 1},
		"new":        {"acquisition", false, -1},
		"dropping":   {"decline", true, 1 - (50.0/180)/(500.0/430)},
		"young":      {"growth", false, 0},
		"quiet":      {"decline", true, 1},
		"steady":     {"maturity", false, 0},
	}
	rows, err := conn.QueryContext(ctx, "SELECT customer_id, lifecycle_stage, decline_warning, coalesce(decline_drop, -1) FROM lifecycle_result")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id, stage string
		var warning bool
		var drop float64
		if err := rows.Scan(&id, &stage, &warning, &drop); err != nil {
			t.Fatal(err)
		}
		w := want[id]
		if stage != w.stage || warning != w.warning || math.Abs(drop-w.drop) > 1e-9 {
			t.Errorf("%s: %s warning=%v drop=%.4f, want %+v", id, stage, warning, drop, w)
		}
		n++
	}
	if n != len(want) {
		t.Errorf("%d customers, want %d", n, len(want))
	}
}

// CLV on purchases given as a query: the summary follows the conventions (distinct days, first
// day excluded from the spend), and every customer gets finite scores.
func TestCLVSummaryAndScores(t *testing.T) {
	ctx := context.Background()
	ps := []purchase{
		// two purchases on the first day count as one; repeat days 2025-03-01 (60 + 40) and 2025-06-01 (20)
		{"a", "2025-01-01", 10}, {"a", "2025-01-01 15:00:00", 30}, {"a", "2025-03-01", 60}, {"a", "2025-03-01 12:00:00", 40}, {"a", "2025-06-01", 20},
		{"b", "2025-05-01", 70},
	}
	for i := range 60 { // enough customers for the fits
		id := string(rune('A'+i%26)) + string(rune('a'+i/26))
		day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*i)
		ps = append(ps, purchase{id, day.Format(time.DateOnly), 50 + float64(i)})
		for k := range i % 5 {
			ps = append(ps, purchase{id, day.AddDate(0, 0, 20*(k+1)+i%7).Format(time.DateOnly), 40 + float64(k*i%30)})
		}
	}
	conn, asOf := memConn(t, "2025-12-31", ps)
	cfg := defaults(t).CLV
	fit, err := CLV(ctx, conn, cfg, asOf, 0)
	if err != nil {
		t.Fatal(err)
	}
	var x, tx, tt int
	var mean, hist float64
	if err := conn.QueryRowContext(ctx, "SELECT x, tx_days, t_days, mean_spend, clv_historical FROM clv_summary WHERE customer_id = 'a'").Scan(&x, &tx, &tt, &mean, &hist); err != nil {
		t.Fatal(err)
	}
	if x != 2 || tx != 151 || tt != 364 || mean != 60 || hist != 40 {
		t.Errorf("summary of a: x=%d t_x=%d T=%d mean spend %g margin %g; want 2, 151, 364, 60, 40 (margin 0.25 of 160)", x, tx, tt, mean, hist)
	}
	var bad int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM clv_result WHERE NOT (isfinite(p_alive) AND isfinite(clv)
		AND isfinite(expected_purchases) AND isfinite(expected_spend) AND p_alive BETWEEN 0 AND 1 AND clv >= 0)`).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad != 0 || fit.Model.Customers != 62 {
		t.Errorf("%d of %d customers have invalid scores", bad, fit.Model.Customers)
	}
	if q := fit.Model.Metrics["quadrants"].(map[string]int64); q["vip"]+q["grow"]+q["maintain"]+q["abandon"] != 62 {
		t.Errorf("quadrants %v", q)
	}
}

// With a holdout, the predictions and the purchases that happened, split by calibration
// frequency, add up to the totals; the happened ones equal a count by hand.
func TestCLVHoldoutByFrequency(t *testing.T) {
	ctx := context.Background()
	var ps []purchase
	for i := range 80 {
		id := fmt.Sprintf("c%02d", i)
		day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 5*i)
		for k := range 1 + i%9 {
			ps = append(ps, purchase{id, day.AddDate(0, 0, 23*k).Format(time.DateOnly), 30 + float64(k)})
		}
	}
	conn, asOf := memConn(t, "2025-06-30", ps)
	cal := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	fit, err := CLV(ctx, conn, defaults(t).CLV, cal, int(asOf.Sub(cal).Hours()/24))
	if err != nil {
		t.Fatal(err)
	}
	// By hand: repeat purchase days after the calibration end, of customers who bought before it.
	happened := map[int]float64{}
	first := map[string]time.Time{}
	calDays := map[string]int{}
	for _, p := range ps {
		d, _ := time.Parse(time.DateOnly, p.day)
		if !d.After(cal) {
			if f, ok := first[p.customer]; !ok || d.Before(f) {
				first[p.customer] = d
			}
			calDays[p.customer]++
		}
	}
	for _, p := range ps {
		d, _ := time.Parse(time.DateOnly, p.day)
		if _, ok := first[p.customer]; ok && d.After(cal) {
			happened[min(calDays[p.customer]-1, 7)]++
		}
	}
	var pred, act float64
	var customers int64
	for x, b := range fit.HoldoutByFrequency {
		pred, act, customers = pred+b.Predicted, act+b.Actual, customers+b.Customers
		if b.Actual != happened[x] {
			t.Errorf("%d repeat days in calibration: %.0f purchase days after, by hand %.0f", x, b.Actual, happened[x])
		}
	}
	if math.Abs(pred-fit.HoldoutPredicted) > 1e-9*pred || int64(act) != fit.HoldoutActual || customers != fit.Customers {
		t.Errorf("buckets add up to %.6f predicted, %.0f happened, %d customers; totals %.6f, %d, %d",
			pred, act, customers, fit.HoldoutPredicted, fit.HoldoutActual, fit.Customers)
	}
}
