package jobs

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/etl"
	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/mining"
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
			cols[c] = c
		}
		if tb.Name == "products" {
			cols["unit_cost"] = "CAST(list_price AS DECIMAL(12, 2)) * 1.5"
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
