package serve_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"
)

// The dashboard's history: the migration heatmap's cells are scores.segment_migration's, the
// dimension can be chosen (an unknown one falls back to clv_quadrant), the trend's last month and
// the cohorts' cells are the tables'; scores_as_of answers through the SQL endpoint as in process.
func TestWebHistory(t *testing.T) {
	c := web(t, "root")
	db := inProcess(t)
	res, body := get(t, c, "/?dim=churn_risk")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("dashboard: %s", res.Status)
	}
	page := html.UnescapeString(string(body))
	rows, err := db.Query(`SELECT from_value, to_value, customers FROM scores.segment_migration
		WHERE dimension = 'churn_risk' AND to_as_of = (SELECT max(to_as_of) FROM scores.segment_migration)`)
	if err != nil {
		t.Fatal(err)
	}
	cells := 0
	for rows.Next() {
		var from, to string
		var n int64
		if err := rows.Scan(&from, &to, &n); err != nil {
			t.Fatal(err)
		}
		cells++
		if want := fmt.Sprintf("<title>%s → %s: %s customers</title>", from, to, commas(n)); !strings.Contains(page, want) {
			t.Errorf("heatmap lacks %q", want)
		}
	}
	rows.Close()
	if cells == 0 {
		t.Fatal("no migration was published for two runs")
	}
	if got := strings.Count(page, " customers</title>"); got < cells {
		t.Errorf("%d heatmap cells, the table has %d", got, cells)
	}
	for _, want := range []string{`<option value="churn_risk" selected>`, "Customers by month", "Retention by month", "Cohort retention"} {
		if !strings.Contains(page, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	var active int64
	var month string
	if err := db.QueryRow(`SELECT strftime(month, '%Y-%m'), active_customers FROM scores.customer_base_trend
		WHERE dimension = 'all' ORDER BY month DESC LIMIT 1`).Scan(&month, &active); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf(">active %s</text>", commas(active)); !strings.Contains(page, want) {
		t.Errorf("trend lacks %q (active customers in %s)", want, month)
	}
	var cohort string
	var k, act, size int64
	if err := db.QueryRow(`SELECT strftime(cohort_month, '%Y-%m'), months_since, active_customers, cohort_customers
		FROM scores.cohort_retention WHERE months_since = 1 ORDER BY cohort_month DESC LIMIT 1`).Scan(&cohort, &k, &act, &size); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("cohort %s, month +%d: %s of %s active", cohort, k, commas(act), commas(size)); !strings.Contains(page, want) {
		t.Errorf("cohort heatmap lacks %q", want)
	}
	// The model-health panel: the churn model's hold-out AUC, the fit check from the clv record.
	var auc, observed0 float64
	if err := db.QueryRow(`SELECT CAST(metrics->>'auc' AS DOUBLE) FROM scores.model_runs WHERE method = 'churn' ORDER BY as_of DESC, fitted_at DESC LIMIT 1`).Scan(&auc); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT CAST(json_extract(CAST(metrics AS JSON), '$.fit_check_observed[0]') AS DOUBLE) FROM scores.model_runs
		WHERE method = 'clv' ORDER BY fitted_at DESC LIMIT 1`).Scan(&observed0); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="model-health"`, fmt.Sprintf(">hold-out %.3f</text>", auc), fmt.Sprintf("<tr><td>0</td><td>%.0f</td>", observed0)} {
		if !strings.Contains(page, want) {
			t.Errorf("model-health panel lacks %q", want)
		}
	}
	_, body = get(t, c, "/?dim=nonsense")
	if !bytes.Contains(body, []byte(`<option value="clv_quadrant" selected>`)) {
		t.Error("an unknown dimension does not fall back to clv_quadrant")
	}

	// Lost customers are a state the lists select: the named list for win-back calls counts the
	// consenting lost customers of class A.
	want := expectedList(t, "s.abc_class = 'A' AND s.churn_risk = 'lost'")
	res, body = get(t, web(t, "mia"), "/lists/summary?format=json&list=lost-top-customers")
	if res.StatusCode != http.StatusOK || len(want) == 0 || !bytes.Contains(body, []byte(fmt.Sprintf(`"consenting":%d,`, len(want)))) {
		t.Errorf("lost-top-customers: %s %s, want %d consenting", res.Status, body, len(want))
	}

	// scores_as_of through the endpoint, without a schema, as in process.
	conn := connect(t, "ann")
	for _, d := range []string{"2026-05-31", "2026-06-30"} {
		q := fmt.Sprintf("SELECT count(*) AS n, count(*) FILTER (WHERE churn_risk = 'lost') AS lost FROM scores_as_of(DATE '%s')", d)
		var n, lost, wn, wlost int64
		if err := conn.QueryRow(context.Background(), q).Scan(&n, &lost); err != nil {
			t.Fatalf("%s through the endpoint: %v", q, err)
		}
		if err := db.QueryRow(q).Scan(&wn, &wlost); err != nil {
			t.Fatal(err)
		}
		if n != wn || lost != wlost || n == 0 {
			t.Errorf("%s: endpoint %d customers (%d lost), in process %d (%d)", d, n, lost, wn, wlost)
		}
	}
}
