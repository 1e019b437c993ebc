package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/crmwh/crmwh/internal/datasets"
	"github.com/crmwh/crmwh/jobs"
	"github.com/crmwh/crmwh/serve"
	"github.com/crmwh/crmwh/warehouse"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// crmwh runs the CLI in-process and returns its standard output.
func crmwh(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// crmwhIn runs the CLI in-process with stdin as its standard input.
func crmwhIn(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestCLI(t *testing.T) {
	data := t.TempDir()
	out, err := crmwh(t, "--data", data, "generate", "--customers", "300", "--end", "2026-06-30", "--dirty-rate", "0.01")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "customers=300\n") {
		t.Errorf("generate output lacks customers=300:\n%s", out)
	}

	out, err = crmwh(t, "--data", data, "run", "--as-of", "2026-06-30")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"rows read = loaded + rejected", "rows_rejected=", "seconds="} {
		if !strings.Contains(out, want) {
			t.Errorf("run output lacks %q:\n%s", want, out)
		}
	}
	for _, job := range jobs.Nightly {
		if !regexp.MustCompile(`(?m)^` + job + ` +succeeded`).MatchString(out) {
			t.Errorf("run output lacks %s succeeded:\n%s", job, out)
		}
	}

	// The mining methods on a query; fit_seconds is the one figure that varies between runs.
	sales := "SELECT customer_id, order_ts AS ts, net_amount AS amount FROM fact_sales JOIN dim_customer USING (customer_key) WHERE order_status = 'completed'"
	out, err = crmwh(t, "--data", data, "mine", "rfm", "--query", sales, "--out", "scratch.rfm")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	golden(t, "mine_rfm.txt", out)
	out, err = crmwh(t, "--data", data, "mine", "clv", "--query", sales, "--calibration-end", "2026-03-31", "--time-unit", "week", "--margin", "0.3")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	golden(t, "mine_clv.txt", regexp.MustCompile(`fit_seconds=.*`).ReplaceAllString(out, "fit_seconds=(varies)"))
	if out, err := crmwh(t, "--data", data, "sql", "--format", "csv", "SELECT count(*) AS n, count(*) FILTER (WHERE abc_class = 'A') AS a FROM scratch.rfm"); err != nil || out != "n,a\n290,73\n" {
		t.Errorf("--out scratch.rfm holds %q (%v), want 290 customers, 73 in class A (as mine rfm printed)", out, err)
	}
	// The config picks the labels' language.
	zh := filepath.Join(t.TempDir(), "zh.yaml")
	if err := os.WriteFile(zh, []byte("mining:\n  language: zh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := crmwh(t, "--config", zh, "--data", data, "mine", "rfm", "--query", sales); err != nil || !strings.Contains(out, "重要价值客户") {
		t.Errorf("mine rfm with language zh: %v\n%s", err, out)
	}
	// k-means on any query: three planted groups, a constant column left out, NULLs imputed. The
	// groups are sharp, so the best silhouette is asked for (tolerance 0); the default picks the
	// largest k within 0.02 of it.
	points := "SELECT i AS id, (i % 3) * 10 + (i * 7919 % 13) / 13.0 AS a, CASE WHEN i % 17 = 0 THEN NULL ELSE (i % 3) * 5.0 + (i * 104729 % 11) / 11.0 END AS b, 7 AS c, 'x' AS tag FROM range(300) t(i)"
	out, err = crmwh(t, "--data", data, "mine", "kmeans", "--query", points, "--features", "a,b,c", "--silhouette-tolerance", "0", "--out", "scratch.points")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	golden(t, "mine_kmeans.txt", regexp.MustCompile(`fit_seconds=.*`).ReplaceAllString(out, "fit_seconds=(varies)"))
	if out, err := crmwh(t, "--data", data, "sql", "--format", "csv", "SELECT count(*) AS n, count(DISTINCT cluster_id) AS k, min(tag) AS tag FROM scratch.points"); err != nil || out != "n,k,tag\n300,3,x\n" {
		t.Errorf("--out scratch.points holds %q (%v)", out, err)
	}
	// A decision tree on the Telco churn data: the command reaches a hold-out AUC of 0.80.
	telco, err := datasets.Path("telco_churn.csv")
	if err != nil {
		t.Fatal(err)
	}
	treeArgs := []string{"--data", data, "mine", "tree", "--query", "SELECT * FROM read_csv(" + warehouse.Quote(telco) + ")",
		"--label", "Churn", "--max-depth", "5", "--test-fraction", "0.3", "--seed", "42"}
	out, err = crmwh(t, append(treeArgs, "--out", "scratch.telco")...)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	golden(t, "mine_tree_telco.txt", regexp.MustCompile(`fit_seconds=.*`).ReplaceAllString(out, "fit_seconds=(varies)"))
	var auc float64
	if m := regexp.MustCompile(`auc=([0-9.]+)`).FindStringSubmatch(out); m == nil {
		t.Errorf("no auc= in the output")
	} else if auc, _ = strconv.ParseFloat(m[1], 64); auc < 0.80 {
		t.Errorf("Telco hold-out AUC %.4f, want at least 0.80", auc)
	}
	if again, _ := crmwh(t, treeArgs...); regexp.MustCompile(`fit_seconds=.*`).ReplaceAllString(again, "") !=
		regexp.MustCompile(`fit_seconds=.*`).ReplaceAllString(strings.Replace(out, "Wrote 7,043 rows to scratch.telco.\n", "", 1), "") {
		t.Errorf("the same seed gave a different tree or metrics")
	}
	if out, err := crmwh(t, "--data", data, "sql", "--format", "csv", "SELECT count(*) AS n, count(*) FILTER (WHERE probability BETWEEN 0 AND 1 AND path <> '') AS ok FROM scratch.telco"); err != nil || out != "n,ok\n7043,7043\n" {
		t.Errorf("--out scratch.telco holds %q (%v)", out, err)
	}
	// Association rules on the groceries baskets: arules' 463 rules.
	groceries, err := datasets.Path("groceries.csv")
	if err != nil {
		t.Fatal(err)
	}
	baskets := "SELECT b AS basket_id, unnest(string_split(line, ',')) AS item FROM (SELECT row_number() OVER () AS b, column0 AS line FROM read_csv(" +
		warehouse.Quote(groceries) + ", header = false, delim = '\t', quote = '', columns = {'column0': 'VARCHAR'}))"
	out, err = crmwh(t, "--data", data, "mine", "rules", "--query", baskets, "--min-support", "0.006", "--min-confidence", "0.25", "--min-len", "2", "--top", "10", "--out", "scratch.grocery_rules")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	golden(t, "mine_rules_groceries.txt", regexp.MustCompile(`fit_seconds=.*`).ReplaceAllString(out, "fit_seconds=(varies)"))
	if !strings.Contains(out, "\nrules=463\n") {
		t.Errorf("groceries: want rules=463:\n%s", out)
	}
	// Without a warehouse, the query runs in an empty in-memory database.
	synthetic := "SELECT i % 50 AS customer_id, DATE '2025-01-01' + CAST(i * 7 % 365 AS INTEGER) AS ts, 10 + i % 13 AS amount FROM range(2000) t(i)"
	if out, err := crmwh(t, "--data", t.TempDir(), "mine", "clv", "--query", synthetic); err != nil || !strings.Contains(out, "customers=50\n") {
		t.Errorf("mine clv without a warehouse: %v\n%s", err, out)
	}

	query := "SELECT 1 AS n, 'a, b' AS s, CAST(2.5 AS DECIMAL(5, 2)) AS d, DATE '2026-01-02' AS day, TIMESTAMP '2026-01-02 03:04:05' AS ts, NULL AS x, [1, 2] AS l UNION ALL SELECT 22, 'c', 10, NULL, NULL, 3.25, NULL ORDER BY n"
	for _, format := range []string{"table", "csv", "json"} {
		out, err := crmwh(t, "--data", data, "sql", "--format", format, query)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "sql."+format, out)
	}

	out, err = crmwh(t, "--data", data, "schema", "dim_channel")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "schema_dim_channel.txt", out)
	if out, err = crmwh(t, "--data", data, "schema"); err != nil || !strings.Contains(out, "ops.etl_rejects:") || !strings.Contains(out, "fact_customer_month:") {
		t.Errorf("schema lacks tables (%v):\n%.400s", err, out)
	}

	// Users, and the scored lists from the published snapshot.
	for _, u := range [][3]string{{"ann", "analyst", "analyst-pass"}, {"mia", "marketing", "marketing-pass"}} {
		if out, err := crmwhIn(t, u[2]+"\n", "--data", data, "user", "add", u[0], "--role", u[1], "--password-stdin"); err != nil || out != "user "+u[0]+" ("+u[1]+") saved\n" {
			t.Errorf("user add %s: %v\n%s", u[0], err, out)
		}
	}
	if out, err := crmwh(t, "--data", data, "user", "list"); err != nil || !regexp.MustCompile(`(?m)^ann +analyst +\d{4}-`).MatchString(out) || !strings.Contains(out, "mia   marketing") {
		t.Errorf("user list: %v\n%s", err, out)
	}
	if out, err := crmwh(t, "--data", data, "user", "remove", "ann"); err != nil || out != "user ann removed\n" {
		t.Errorf("user remove: %v\n%s", err, out)
	}
	if role, ok, err := serve.NewAccess(data).Authenticate(context.Background(), "mia", "marketing-pass"); !ok || role != "marketing" || err != nil {
		t.Errorf("mia signs in: %q %v %v", role, ok, err)
	}
	consenting := func(where string) string {
		out, err := crmwh(t, "--data", data, "sql", "--format", "csv", `SELECT count(*) AS n FROM scores.customer_scores s
			JOIN dim_customer c ON c.customer_id = s.customer_id AND c.is_current WHERE c.marketing_consent AND `+where)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimPrefix(strings.TrimSpace(out), "n\n")
	}
	lists := t.TempDir()
	for _, tc := range []struct {
		args  []string
		where string
	}{
		{[]string{"export", "declining", "--out", filepath.Join(lists, "declining.csv")}, "s.decline_warning"},
		{[]string{"export", "--filter", "abc_class=A", "--filter", "region=East", "--out", filepath.Join(lists, "east.xlsx")}, "s.abc_class = 'A' AND c.region = 'East'"},
		{[]string{"export", "important-value", "--filter", "abc_class=A", "--format", "parquet", "--out", filepath.Join(lists, "best.parquet")}, "s.rfm_segment = 'important_value' AND s.abc_class = 'A'"},
	} {
		out, err := crmwh(t, append([]string{"--data", data}, tc.args...)...)
		want := consenting(tc.where)
		if err != nil || !strings.HasPrefix(out, want+" customers written to ") || want == "0" {
			t.Errorf("%v: %v\n%s (want %s customers)", tc.args, err, out, want)
		}
	}
	if out, err := crmwh(t, "--data", data, "sql", "--format", "csv", "SELECT count(*) AS n, count(email) AS e FROM read_parquet("+warehouse.Quote(filepath.Join(lists, "best.parquet"))+")"); err != nil || out != "n,e\n"+consenting("s.rfm_segment = 'important_value' AND s.abc_class = 'A'")+","+consenting("s.rfm_segment = 'important_value' AND s.abc_class = 'A' AND c.email IS NOT NULL")+"\n" {
		t.Errorf("the Parquet list: %v %q", err, out)
	}
	if out, err := crmwh(t, "--data", data, "export", "declining", "--out", "-"); err != nil || strings.Count(out, "\n") != 1+atoi(t, consenting("s.decline_warning")) || !strings.HasPrefix(out, "customer_id,name,email,phone,") {
		t.Errorf("export to stdout: %v\n%.300s", err, out)
	}
	if recs, err := serve.NewAccess(data).RecentExports(context.Background(), 10); err != nil || len(recs) != 4 || recs[1].Via != "cli" || recs[1].Format != "parquet" || recs[3].List != "declining" || recs[0].Format != "csv" {
		t.Errorf("recorded exports: %+v %v", recs, err)
	}

	if out, err := crmwh(t, "--data", data, "sql", "--format", "csv", `SELECT count(*) AS n, count(*) FILTER (WHERE via = 'cli') AS cli FROM access.ops.exports`); err != nil || out != "n,cli\n4,4\n" {
		t.Errorf("the download record through crmwh sql: %v %q", err, out)
	}

	errs := []struct {
		args []string
		want string
	}{
		{[]string{"export", "nope", "--out", "x.csv"}, `no list "nope"`},
		{[]string{"export", "--filter", "colour=red", "--out", "x.csv"}, `unknown filter "colour"`},
		{[]string{"export", "--out", "x.csv"}, "name a list"},
		{[]string{"export", "--filter", "rfm_segment=important-valu", "--out", "x.csv"}, `rfm_segment "important-valu" is not a value of the published scores`},
		{[]string{"export", "declining", "--filter", "cluster=99", "--out", "x.csv"}, `cluster "99" is not a value`},
		{[]string{"export", "declining", "--out", "x.pdf"}, `format "pdf"`},
		{[]string{"user", "add", "bob", "--role", "boss", "--password-stdin"}, `role "boss"`},
		{[]string{"user", "remove", "nobody"}, "no such user"},
		{[]string{"run", "--as-of", "yesterday"}, `--as-of: "yesterday" is not a date`},
		{[]string{"run", "bogus"}, `unknown job "bogus"`},
		{[]string{"sql", "SELECT * FROM nope"}, "nope does not exist"},
		{[]string{"sql", "--format", "xml", "SELECT 1"}, "--format must be table, csv or json"},
		{[]string{"schema", "nope"}, `no table "nope"`},
		{[]string{"mine", "rfm", "--query", "SELECT 1 AS x"}, "must return customer_id, ts and amount"},
		{[]string{"mine", "rfm", "--query", sales, "--out", "fact_sales"}, "table of the star schema"},
		{[]string{"mine", "clv", "--query", sales, "--out", "scores.x"}, "belongs to crmwh"},
		{[]string{"mine", "clv", "--query", sales, "--calibration-end", "2027-01-01"}, "after the as-of date"},
		{[]string{"mine", "clv", "--query", sales, "--time-unit", "month"}, "time_unit \"month\" is not day or week"},
		{[]string{"mine", "rfm"}, "--query is required"},
		{[]string{"mine", "tree", "--query", "SELECT 1 AS x, 'a' AS y"}, "--label is required"},
		{[]string{"mine", "rules", "--query", "SELECT 1 AS basket_id, 'a' AS item", "--min-support", "0"}, "--min-support must be above 0"},
		{[]string{"mine", "rules", "--query", "SELECT 1 AS basket"}, "basket_id"},
		{[]string{"mine", "tree", "--query", "SELECT 1 AS x, 'a' AS y", "--label", "z"}, `no label column "z"`},
		{[]string{"mine", "tree", "--query", "SELECT i AS x, 'a' AS y FROM range(10) t(i)", "--label", "y"}, "at least two values"},
		{[]string{"mine", "kmeans", "--query", "SELECT 'a' AS s"}, "no numeric column"},
		{[]string{"mine", "kmeans", "--query", "SELECT 1 AS x, 2 AS y FROM range(5)"}, "no feature varies"},
		{[]string{"mine", "kmeans", "--query", "SELECT 1 AS x", "--k", "1"}, "--k must be at least 2"},
		{[]string{"--config", filepath.Join(data, "absent.yaml"), "run"}, "no such file"},
		{[]string{"--log-format", "yaml", "run"}, "--log-format must be text or json"},
	}
	for _, e := range errs {
		if _, err := crmwh(t, append([]string{"--data", data}, e.args...)...); err == nil || !strings.Contains(err.Error(), e.want) {
			t.Errorf("crmwh %v: error %v, want one containing %q", e.args, err, e.want)
		}
	}
	if _, err := crmwh(t, "--data", t.TempDir(), "sql", "SELECT 1"); err == nil || !strings.Contains(err.Error(), "crmwh run") {
		t.Errorf("sql without a warehouse: %v", err)
	}
}

func TestDemo(t *testing.T) {
	data := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "small.yaml")
	if err := os.WriteFile(cfg, []byte("generate:\n  customers: 400\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := crmwh(t, "--config", cfg, "--data", data, "demo")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"Generating demo data: 400 customers", "Rows per table", "fact_sales", "ops.etl_rejects",
		"Rejected rows by reason", "Customer value by RFM segment", "Segments (k-means", "Service: the five stores", "Finished in", "Try:", "customers=400\n", "order_lines="} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	// Automatic k gives at least three segments, each with its own label, all in the summary.
	labels, err := crmwh(t, "--data", data, "sql", "--format", "csv", "SELECT cluster_label FROM scores.cluster_profiles ORDER BY cluster_id")
	if err != nil {
		t.Fatal(err)
	}
	ls := strings.Split(strings.TrimSpace(labels), "\n")[1:]
	seen := map[string]bool{}
	for _, l := range ls {
		if seen[l] || regexp.MustCompile(`\(\d+\)"?$`).MatchString(l) || !strings.Contains(out, strings.Trim(l, `"`)) {
			t.Errorf("segment label %s repeats, is told apart by its number only, or is not in the summary", l)
		}
		seen[l] = true
	}
	if len(ls) < 3 {
		t.Errorf("%d segments, want at least 3: %v", len(ls), ls)
	}
	// The customer value report: HTML and Excel, English and Chinese; the nightly run left both in
	// lake/reports/<as_of>/.
	dir := t.TempDir()
	out, err = crmwh(t, "--config", cfg, "--data", data, "report", "--out", filepath.Join(dir, "r.html"))
	if err != nil || !strings.Contains(out, "Wrote the customer value report as of ") || !strings.Contains(out, "Left out Migration since the compared date: no comparison date was given") {
		t.Errorf("report: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "r.html")); err != nil || !bytes.Contains(b, []byte(`<section id="concentration"`)) {
		t.Errorf("r.html: %v", err)
	}
	out, err = crmwh(t, "--config", cfg, "--data", data, "report", "--lang", "zh", "--out", filepath.Join(dir, "r.xlsx"))
	if err != nil || !strings.Contains(out, "客户迁移") {
		t.Errorf("report --lang zh: %v\n%s", err, out)
	}
	if f, err := excelize.OpenFile(filepath.Join(dir, "r.xlsx")); err != nil || !slices.Contains(f.GetSheetList(), "客户价值集中度") {
		t.Errorf("r.xlsx: %v", err)
	}
	for args, want := range map[string]string{"--out r.pdf": "must end in .html or .xlsx", "--out r.html --compare 31/05/2026": "--compare",
		"--out r.html --as-of 2020-01-01": "the published scores are as of", "--out r.html --lang fr": "--lang"} {
		a := append([]string{"--config", cfg, "--data", data, "report"}, strings.Fields(args)...)
		a[len(a)-1] = strings.Replace(a[len(a)-1], "r.", filepath.Join(dir, "x."), 1)
		if out, err := crmwh(t, a...); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("report %s: %v\n%s, want %q", args, err, out, want)
		}
	}
	reports, _ := filepath.Glob(filepath.Join(data, "lake", "reports", "*", "report.*"))
	if len(reports) != 2 {
		t.Errorf("the nightly run's reports: %v", reports)
	}
	// A second demo reuses the data and changes nothing.
	out, err = crmwh(t, "--config", cfg, "--data", data, "demo")
	if err != nil || !strings.Contains(out, "Using the demo data") {
		t.Fatalf("second demo: %v\n%s", err, out)
	}
}

func TestNum(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", -1234567: "-1,234,567", 37305614: "37,305,614"} {
		if got := num(n); got != want {
			t.Errorf("num(%d) = %q, want %q", n, got, want)
		}
	}
}

// Every command that shows a usage example finds its file.
func TestExamples(t *testing.T) {
	for _, name := range []string{"mine_rfm", "mine_clv", "mine_kmeans", "mine_tree", "mine_rules", "sql"} {
		if ex := example(name); !strings.Contains(ex, "crmwh ") {
			t.Errorf("example %s: %q", name, ex)
		}
	}
	for _, path := range [][]string{{"mine", "rfm"}, {"mine", "clv"}, {"mine", "kmeans"}, {"mine", "tree"}, {"mine", "rules"}, {"sql"}} {
		c, _, err := newRoot().Find(path)
		if err != nil || c.Example == "" {
			t.Errorf("%v: no example (%v)", path, err)
		}
	}
}
