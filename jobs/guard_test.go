package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/crmwh/crmwh/checks"
	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/etl"
	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/mining"
	"github.com/crmwh/crmwh/warehouse"
)

// A mapped export whose costs exceed the prices stops the clv job with a sentence naming the
// measured margin rate (once: retrying cannot help), and the job runs once the margin is set.
func TestMarginGuard(t *testing.T) {
	src := filepath.Join(t.TempDir(), "demo")
	if _, err := demodata.Generate(context.Background(), demodata.Options{Customers: 400, Seed: 3, End: day1, Dir: src}); err != nil {
		t.Fatal(err)
	}
	env := newEnv(t, src)
	// Every contract table mapped onto itself, but the cost taken as 1.5 times the list price.
	tables := map[string]configs.FileTable{}
	for _, tb := range etl.Contract {
		cols := map[string]string{}
		for _, c := range tb.Columns {
			cols[c] = `"` + c + `"` // group is a keyword
		}
		if tb.Name == "products" {
			cols["unit_cost"] = `CAST("list_price" AS DECIMAL(12, 2)) * 1.5`
		}
		tables[tb.Name] = configs.FileTable{Files: tb.Name + ".csv", Delimiter: ",", Encoding: "utf-8", Columns: cols}
	}
	env.Config.Source = configs.Source{Type: "files", Dir: src, Tables: tables, Limits: env.Config.Source.Limits}
	env.Config.Jobs.Retries = 3
	plan, err := Plan([]string{"clv"}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), env, day1, plan)
	var guard *mining.InputError
	if !errors.As(err, &guard) || guard.Method != "clv" {
		t.Fatalf("run: %v, want the clv job stopped by the margin guard", err)
	}
	for _, j := range sum.Jobs {
		if j.Job == "clv" && (j.Status != "failed" || j.Attempts != 1) {
			t.Errorf("clv: %s after %d attempts, want failed after 1", j.Status, j.Attempts)
		}
	}
	msg := guard.Error()
	if !strings.Contains(msg, "margin rate measured in fact_sales is -") || !strings.Contains(msg, "mining.clv.margin_rate") {
		t.Errorf("the sentence does not name the measured rate and the fix: %s", msg)
	}
	// The rate it names is the one in the warehouse, computed here from the lines.
	db := open(t, env)
	var rate float64
	if err := db.QueryRow("SELECT round(100 * sum(margin_amount) / sum(net_amount), 1) FROM fact_sales WHERE order_status = 'completed'").Scan(&rate); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if m := regexp.MustCompile(`is (-?[0-9.]+)%`).FindStringSubmatch(msg); m == nil || m[1] != fmt.Sprintf("%.1f", rate) {
		t.Errorf("the sentence names %v, fact_sales has %.1f%%", m, rate)
	}
	margin := 0.3
	env.Config.Mining.CLV.MarginRate = &margin
	if _, err := Run(context.Background(), env, day1, plan); err != nil {
		t.Fatalf("with mining.clv.margin_rate set: %v", err)
	}
}

// When no rule reaches the minimum support, the assoc job says which support the most frequent
// pairs have: the figures equal a count of pairs written here from fact_sales.
func TestAssocNoRulesSaysWhichSupport(t *testing.T) {
	src := filepath.Join(t.TempDir(), "demo")
	if _, err := demodata.Generate(context.Background(), demodata.Options{Customers: 400, Seed: 3, End: day1, Dir: src}); err != nil {
		t.Fatal(err)
	}
	env := newEnv(t, src)
	env.Config.Mining.Assoc.MinSupport = 0.5
	plan, err := Plan([]string{"assoc"}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), env, day1, plan); err != nil {
		t.Fatal(err)
	}
	db := open(t, env)
	var status, note string
	var first, tenth float64
	if err := db.QueryRow(`SELECT status, notes[1], CAST(metrics->'top_pair_supports'->>0 AS DOUBLE), CAST(metrics->'top_pair_supports'->>9 AS DOUBLE)
		FROM scores.model_runs WHERE method = 'assoc'`).Scan(&status, &note, &first, &tenth); err != nil {
		t.Fatal(err)
	}
	var want1, want10 float64
	if err := db.QueryRow(`WITH b AS (SELECT DISTINCT f.order_id, p.product_id FROM fact_sales f JOIN dim_product p USING (product_key)
			WHERE f.order_status = 'completed' AND f.order_ts < DATE '2026-07-01'),
		pairs AS (SELECT x.product_id AS a, y.product_id AS c, count(*) AS n FROM b x JOIN b y ON x.order_id = y.order_id AND x.product_id < y.product_id GROUP BY ALL)
		SELECT max(n) / (SELECT count(DISTINCT order_id) FROM b), (SELECT n FROM pairs ORDER BY n DESC LIMIT 1 OFFSET 9) / (SELECT count(DISTINCT order_id) FROM b) FROM pairs`).Scan(&want1, &want10); err != nil {
		t.Fatal(err)
	}
	if status != "warning" || first != want1 || tenth != want10 {
		t.Errorf("status %s, top pair supports %g and %g; fact_sales has %g and %g", status, first, tenth, want1, want10)
	}
	if !strings.Contains(note, "no pair of items reaches min_support 0.5") || !strings.Contains(note, fmt.Sprintf("%.2g", want10)) {
		t.Errorf("note: %s", note)
	}
}

// A failed data check of severity error stops the run before mining: nothing is mined or
// published, the last publish stays, and the job is not retried; a failed warn check calls the
// alert command once.
func TestFailedCheckKeepsLastPublish(t *testing.T) {
	env := smallEnv(t)
	first := run(t, env, day1)
	man, _, err := warehouse.CurrentSnapshot(env.LakeDir())
	if err != nil || man.RunID != first.RunID {
		t.Fatalf("first run's snapshot: %v %v", man, err)
	}
	alerts := filepath.Join(t.TempDir(), "alerts.txt")
	env.Config.Alerts.Command = `printf '%s|%s\n' "$CRMWH_JOB" "$CRMWH_ERROR" >> ` + alerts
	env.Config.Jobs.Retries = 2
	env.Config.Checks.Custom = []configs.Check{
		{Name: "one item per line", Kind: "expression", Table: "fact_sales", Expression: "quantity < 2", Key: "order_id"},
		{Name: "few big lines", Kind: "range", Table: "fact_sales", Column: "quantity", Max: ptr(2.0), Severity: "warn", Key: "order_id"},
		{Name: "also soft", Kind: "expression", Table: "fact_sales", Expression: "quantity < 3", Severity: "warn"},
	}
	sum, err := Run(context.Background(), env, day1.AddDate(0, 0, 1), nil)
	var failed *checks.Failed
	if !errors.As(err, &failed) || len(failed.Results) != 1 || failed.Results[0].Name != "one item per line" {
		t.Fatalf("run: %v, want the failed check", err)
	}
	st := statuses(sum)
	for _, j := range Nightly {
		want := "succeeded"
		switch j {
		case "checks":
			want = "failed"
		case "rfm", "abc", "clv", "lifecycle", "cluster", "churn", "assoc", "campaigns", "service", "loyalty", "care", "publish", "lake", "report":
			want = "skipped"
		}
		if st[j] != want {
			t.Errorf("%s: %s, want %s", j, st[j], want)
		}
	}
	for _, j := range sum.Jobs {
		if j.Job == "checks" && j.Attempts != 1 {
			t.Errorf("checks ran %d times; a failed check is not retried", j.Attempts)
		}
	}
	if man, _, err := warehouse.CurrentSnapshot(env.LakeDir()); err != nil || man.RunID != first.RunID {
		t.Errorf("the published snapshot is %v (%v), want the first run's", man, err)
	}
	db := open(t, env)
	if n := count(t, db, "SELECT count(*) FROM scores.customer_scores WHERE as_of <> ?", day1); n != 0 {
		t.Errorf("%d published scores are not the first run's", n)
	}
	want := count(t, db, "SELECT count(*) FROM fact_sales WHERE quantity >= 2")
	if n := count(t, db, "SELECT failing_rows FROM ops.data_checks WHERE run_id = ? AND check_name = 'one item per line' AND status = 'fail'", sum.RunID); n != want {
		t.Errorf("ops.data_checks counts %d failing rows, fact_sales has %d", n, want)
	}
	db.Close()
	b, err := os.ReadFile(alerts)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var checkAlerts []string
	for _, l := range lines {
		if strings.HasPrefix(l, "checks|data checks warn") {
			checkAlerts = append(checkAlerts, l)
		}
	}
	if len(checkAlerts) != 1 || !strings.Contains(checkAlerts[0], "few big lines") || !strings.Contains(checkAlerts[0], "also soft") {
		t.Errorf("alerts for the warn checks: %q, want one naming both", checkAlerts)
	}
}

func ptr(v float64) *float64 { return &v }
