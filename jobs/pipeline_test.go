package jobs

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/warehouse"
)

// The integration test of issue 2: a generated export with planted dirty rows goes through
// extract, load, marts and the Parquet copy into a real DuckDB file; a second identical run
// changes nothing; a later export adds exactly the expected versions and facts.

const customers = 2000

var day1 = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)

func newEnv(t *testing.T, src string) *Env {
	t.Helper()
	cfg, err := configs.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Source.Dir = src
	cfg.Warehouse.MemoryLimit = "1GB"
	cfg.Marts.ChunkCustomers = 700 // three chunks: the monthly snapshot must not depend on chunking
	cfg.Mining.Cluster.K = 4       // one cluster per planted customer type
	cfg.Mining.Churn.MinLeaf = 20  // a small data set
	return &Env{Config: cfg, DataDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func generate(t *testing.T, dir string, start, end time.Time) *demodata.Manifest {
	t.Helper()
	m, err := demodata.Generate(context.Background(), demodata.Options{
		Customers: customers, Seed: 42, DirtyRate: 0.01, Start: start, End: end, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func run(t *testing.T, env *Env, asOf time.Time) *Summary {
	t.Helper()
	sum, err := Run(context.Background(), env, asOf, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func open(t *testing.T, env *Env) *warehouse.DB {
	t.Helper()
	db, err := warehouse.Open(context.Background(), env.WarehousePath(), warehouse.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func count(t *testing.T, db *warehouse.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// snapshot fingerprints the warehouse through a handle it closes at once, as a run in this
// process cannot open the file while a read-only handle is open.
func snapshot(t *testing.T, env *Env) map[string]string {
	t.Helper()
	db, err := warehouse.Open(context.Background(), env.WarehousePath(), warehouse.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return fingerprint(t, db)
}

// fingerprint is every star-schema and ops table's row count and an order-independent checksum of
// its content.
func fingerprint(t *testing.T, db *warehouse.DB) map[string]string {
	t.Helper()
	fp := map[string]string{}
	tables := []string{"ops.etl_rejects", "mining.rfm", "mining.abc", "mining.clv", "mining.lifecycle", "mining.cluster", "mining.churn", "mining.association_rules", "mining.recommendations"}
	for _, st := range warehouse.ScoreTables {
		if st != "model_runs" { // a record per run, like ops.job_runs
			tables = append(tables, "scores."+st)
		}
	}
	for _, st := range warehouse.StarTables {
		tables = append(tables, st.Name)
	}
	for _, name := range tables {
		var n int64
		var sum string
		// run ids differ between runs by design; everything else must not
		q := fmt.Sprintf("SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM (SELECT COLUMNS(c -> c NOT IN ('run_id')) FROM %s) AS t", name)
		if err := db.QueryRow(q).Scan(&n, &sum); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fp[name] = fmt.Sprintf("%d rows, checksum %s", n, sum)
	}
	return fp
}

func TestPipeline(t *testing.T) {
	src1 := filepath.Join(t.TempDir(), "day1")
	start := day1.AddDate(0, 0, -1095)
	m1 := generate(t, src1, start, day1)
	env := newEnv(t, src1)
	sum1 := run(t, env, day1)

	t.Run("rows read = loaded + rejected", func(t *testing.T) {
		for _, s := range sum1.Loaded {
			if s.Read != s.Loaded+s.Rejected {
				t.Errorf("%s: read %d != loaded %d + rejected %d", s.Source, s.Read, s.Loaded, s.Rejected)
			}
			if want := m1.Tables[s.Source].Rows; s.Read != want {
				t.Errorf("%s: read %d rows, the export has %d", s.Source, s.Read, want)
			}
		}
		db := open(t, env)
		if n := count(t, db, "SELECT count(*) FROM ops.load_audit WHERE rows_read <> rows_loaded + rows_rejected"); n != 0 {
			t.Errorf("%d audit rows break read = loaded + rejected", n)
		}
	})

	t.Run("rejects per kind equal the manifest", func(t *testing.T) {
		db := open(t, env)
		got := map[string]int64{}
		rows, err := db.Query("SELECT source_table, reason, count(*) FROM ops.etl_rejects GROUP BY ALL")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var table, reason string
			var n int64
			if err := rows.Scan(&table, &reason, &n); err != nil {
				t.Fatal(err)
			}
			got[table+"/"+reason] = n
		}
		rows.Close()
		want := map[string]int64{}
		for table, tc := range m1.Tables {
			for kind, n := range tc.Dirty {
				want[table+"/"+kind] = n
			}
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("%s: %d rejects, manifest planted %d", k, got[k], n)
			}
		}
		for k, n := range got {
			if want[k] == 0 {
				t.Errorf("%s: %d rejects of a kind that was not planted", k, n)
			}
		}
		if n := count(t, db, "SELECT count(*) FROM ops.etl_rejects WHERE detail = '' OR raw_row IS NULL OR source_row < 1"); n != 0 {
			t.Errorf("%d rejects without detail, raw row or line", n)
		}
	})

	t.Run("no fact row without its dimension rows", func(t *testing.T) {
		db := open(t, env)
		checks := map[string]string{
			"fact_sales": `SELECT count(*) FROM fact_sales f
				LEFT JOIN dim_customer c USING (customer_key) LEFT JOIN dim_product p USING (product_key)
				LEFT JOIN dim_store s USING (store_key) LEFT JOIN dim_employee e USING (employee_key)
				LEFT JOIN dim_channel ch USING (channel_key) LEFT JOIN dim_date d USING (date_key)
				WHERE c.customer_key IS NULL OR p.product_key IS NULL OR s.store_key IS NULL OR e.employee_key IS NULL
				   OR ch.channel_key IS NULL OR d.date_key IS NULL`,
			"fact_interaction": `SELECT count(*) FROM fact_interaction f LEFT JOIN dim_customer c USING (customer_key)
				LEFT JOIN dim_employee e USING (employee_key) LEFT JOIN dim_date d USING (date_key)
				WHERE c.customer_key IS NULL OR e.employee_key IS NULL OR d.date_key IS NULL`,
			"fact_survey": `SELECT count(*) FROM fact_survey f LEFT JOIN dim_customer c USING (customer_key)
				LEFT JOIN dim_date d USING (date_key) WHERE c.customer_key IS NULL OR d.date_key IS NULL`,
			"fact_campaign_contact": `SELECT count(*) FROM fact_campaign_contact f LEFT JOIN dim_customer c USING (customer_key)
				LEFT JOIN dim_campaign k USING (campaign_key) LEFT JOIN dim_date d USING (date_key)
				WHERE c.customer_key IS NULL OR k.campaign_key IS NULL OR d.date_key IS NULL`,
			"fact_customer_month": `SELECT count(*) FROM fact_customer_month f LEFT JOIN dim_customer c USING (customer_key)
				WHERE c.customer_key IS NULL OR c.customer_id <> f.customer_id`,
			"dim_employee": `SELECT count(*) FROM dim_employee e LEFT JOIN dim_store s USING (store_key) WHERE s.store_key IS NULL`,
		}
		for name, q := range checks {
			if n := count(t, db, q); n != 0 {
				t.Errorf("%s: %d rows reference a missing dimension row", name, n)
			}
		}
		if n := count(t, db, "SELECT count(*) FROM fact_sales"); n != m1.Tables["order_items"].Rows-sumDirty(m1, "order_items") {
			t.Errorf("fact_sales has %d lines, the export has %d valid ones", n, m1.Tables["order_items"].Rows-sumDirty(m1, "order_items"))
		}
		// dim_date has no gaps and covers every fact date
		if n := count(t, db, "SELECT max(date) - min(date) + 1 - count(*) FROM dim_date"); n != 0 {
			t.Errorf("dim_date has %d missing days", n)
		}
	})

	t.Run("fact_customer_month agrees with the facts", func(t *testing.T) {
		db := open(t, env)
		if n := count(t, db, `SELECT count(*) FROM (
			SELECT c.customer_id, sum(f.net_amount) AS revenue FROM fact_sales f JOIN dim_customer c USING (customer_key)
			WHERE f.order_status = 'completed' GROUP BY 1) s
			FULL JOIN (SELECT customer_id, sum(revenue) AS revenue FROM fact_customer_month GROUP BY 1) m USING (customer_id)
			WHERE coalesce(s.revenue, 0) <> coalesce(m.revenue, 0)`); n != 0 {
			t.Errorf("%d customers' monthly revenue does not add up to their sales", n)
		}
		if n := count(t, db, "SELECT count(*) - count(DISTINCT (customer_id, month)) FROM fact_customer_month"); n != 0 {
			t.Errorf("%d duplicate customer-months", n)
		}
	})

	t.Run("Parquet copy matches the warehouse", func(t *testing.T) {
		db := open(t, env)
		for _, st := range warehouse.StarTables {
			glob := filepath.Join(env.LakeDir(), "warehouse", st.Name, "**", "*.parquet")
			want := count(t, db, "SELECT count(*) FROM "+st.Name)
			if got := count(t, db, "SELECT count(*) FROM read_parquet(?, hive_partitioning = true)", glob); got != want {
				t.Errorf("%s: Parquet copy has %d rows, the warehouse %d", st.Name, got, want)
			}
		}
		for _, st := range warehouse.ScoreTables {
			file := filepath.Join(env.LakeDir(), "warehouse", "scores", st, st+".parquet")
			want := count(t, db, "SELECT count(*) FROM scores."+st)
			if got := count(t, db, "SELECT count(*) FROM read_parquet(?)", file); got != want || want == 0 {
				t.Errorf("scores.%s: Parquet copy has %d rows, the warehouse %d", st, got, want)
			}
		}
		if ds, _ := filepath.Glob(filepath.Join(env.LakeDir(), "warehouse", "fact_sales", "year_month=*")); len(ds) < 30 {
			t.Errorf("fact_sales copy has %d month partitions", len(ds))
		}
	})

	t.Run("an independent Parquet reader reads every published table as DuckDB does", func(t *testing.T) {
		lakeReader(t, env)
	})

	t.Run("published scores", func(t *testing.T) {
		db := open(t, env)
		if n, want := count(t, db, "SELECT count(*) FROM scores.customer_scores"),
			count(t, db, "SELECT count(*) FROM dim_customer WHERE is_current"); n != want {
			t.Errorf("customer_scores has %d rows, dim_customer %d customers", n, want)
		}
		if n := count(t, db, "SELECT count(*) - count(DISTINCT customer_id) FROM scores.customer_scores"); n != 0 {
			t.Errorf("%d duplicate customers in customer_scores", n)
		}
		buyers := count(t, db, "SELECT count(*) FROM scores.customer_scores WHERE frequency > 0")
		if buyers < customers*8/10 {
			t.Fatalf("only %d customers with a purchase", buyers)
		}
		// every customer with a purchase has every score of this issue
		if n := count(t, db, `SELECT count(*) FROM scores.customer_scores WHERE frequency > 0 AND NOT (
			recency_days IS NOT NULL AND r_score BETWEEN 1 AND 5 AND f_score BETWEEN 1 AND 5 AND m_score BETWEEN 1 AND 5
			AND rfm_segment IS NOT NULL AND rfm_segment_label IS NOT NULL AND abc_class IN ('A', 'B', 'C')
			AND clv_historical IS NOT NULL AND p_alive BETWEEN 0 AND 1 AND isfinite(expected_purchases)
			AND expected_spend > 0 AND isfinite(clv) AND clv_quadrant IN ('vip', 'grow', 'maintain', 'abandon')
			AND lifecycle_stage IN ('acquisition', 'growth', 'maturity', 'decline', 'termination')
			AND decline_warning IS NOT NULL AND cluster_id BETWEEN 1 AND 4 AND cluster_label IS NOT NULL)`); n != 0 {
			t.Errorf("%d customers with a purchase lack a score", n)
		}
		// frequency and monetary agree with the facts
		if n := count(t, db, `SELECT count(*) FROM scores.customer_scores s FULL JOIN (
				SELECT c.customer_id, count(DISTINCT f.order_id) AS orders, sum(f.net_amount) AS revenue
				FROM fact_sales f JOIN dim_customer c USING (customer_key)
				WHERE f.order_status = 'completed' GROUP BY 1) o USING (customer_id)
			WHERE coalesce(o.orders, 0) <> s.frequency OR abs(coalesce(o.revenue, 0) - s.monetary) > 0.005`); n != 0 {
			t.Errorf("%d customers' frequency or monetary disagree with fact_sales", n)
		}
		// A makes about the first 80%% of revenue
		var aShare float64
		if err := db.QueryRow(`SELECT sum(monetary) FILTER (WHERE abc_class = 'A') / sum(monetary) FROM scores.customer_scores`).Scan(&aShare); err != nil {
			t.Fatal(err)
		}
		if aShare < 0.80 || aShare > 0.82 {
			t.Errorf("class A makes %.3f of revenue", aShare)
		}
		// The planted loyal customers rank highest on CLV, then regular, occasional, one-timers.
		rows, err := db.Query(`SELECT t.latent_type FROM scores.customer_scores s
			JOIN read_csv(?, all_varchar = true) t USING (customer_id)
			WHERE s.frequency > 0 GROUP BY 1 ORDER BY avg(s.clv) DESC`, filepath.Join(src1, "truth_customers.csv"))
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for rows.Next() {
			var typ string
			if err := rows.Scan(&typ); err != nil {
				t.Fatal(err)
			}
			order = append(order, typ)
		}
		rows.Close()
		if strings.Join(order, " ") != "loyal regular occasional one_timer" {
			t.Errorf("latent types by mean CLV: %v", order)
		}
		if n := count(t, db, "SELECT count(DISTINCT method) FROM scores.model_runs WHERE run_id = ?", sum1.RunID); n != 11 {
			t.Errorf("scores.model_runs has %d methods for the run, want 11 (the seven methods, the campaign evaluation, service, loyalty and care)", n)
		}
		if n := count(t, db, "SELECT sum(customers) FROM scores.cluster_profiles"); n != buyers {
			t.Errorf("cluster profiles cover %d customers, want %d", n, buyers)
		}
	})

	t.Run("churn scores", func(t *testing.T) {
		db := open(t, env)
		// Active customers have a probability, a risk and a reason.
		if n := count(t, db, `SELECT count(*) FROM scores.customer_scores WHERE churn_probability IS NOT NULL AND
			(churn_probability NOT BETWEEN 0 AND 1 OR churn_risk NOT IN ('high', 'medium', 'low') OR churn_reason = '')`); n != 0 {
			t.Errorf("%d customers with an invalid churn score", n)
		}
		if n := count(t, db, "SELECT count(*) FROM scores.customer_scores WHERE churn_probability IS NOT NULL"); n < customers/3 {
			t.Errorf("only %d customers scored for churn", n)
		}
		if n := count(t, db, "SELECT count(*) FROM scores.churn_tree WHERE is_leaf AND positive_share NOT BETWEEN 0 AND 1"); n != 0 {
			t.Errorf("%d leaves with an invalid churn share", n)
		}
	})

	before := snapshot(t, env)

	t.Run("second identical load changes nothing", func(t *testing.T) {
		sum := run(t, env, day1)
		for _, s := range sum.Loaded {
			if s.Inserted != 0 || s.Updated != 0 {
				t.Errorf("%s: the re-run inserted %d and updated %d rows", s.Source, s.Inserted, s.Updated)
			}
		}
		for _, e := range sum.Extracted {
			if !e.Reused {
				t.Errorf("%s: the landing partition was written again", e.Table)
			}
		}
		after := snapshot(t, env)
		for name, fp := range before {
			if after[name] != fp {
				t.Errorf("%s changed: %s -> %s", name, fp, after[name])
			}
		}
		// The lake took every unchanged star table and month from the previous snapshot: the
		// files are the same files (linked), not copies written again.
		man, dir, err := warehouse.CurrentSnapshot(env.LakeDir())
		if err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "fact_sales", "year_month=*", "*.parquet"))
		for _, f := range files {
			if st, err := os.Stat(f); err != nil || st.Sys().(*syscall.Stat_t).Nlink < 2 {
				t.Errorf("%s was written again, not linked from the previous snapshot", f)
			}
		}
		if len(files) < 30 || man.Linked < len(files) || man.Written == 0 {
			t.Errorf("the re-run's lake linked %d files and wrote %d (fact_sales has %d month files)", man.Linked, man.Written, len(files))
		}
		t.Logf("re-run of a date: the lake linked %d Parquet files and wrote %d", man.Linked, man.Written)
	})

	t.Run("type-2 versions never overlap", func(t *testing.T) {
		db := open(t, env)
		for _, d := range []struct{ table, id string }{{"dim_customer", "customer_id"}, {"dim_product", "product_id"}} {
			q := fmt.Sprintf(`SELECT count(*) FROM %[1]s a JOIN %[1]s b ON a.%[2]s = b.%[2]s AND a.version < b.version
				WHERE a.valid_to > b.valid_from`, d.table, d.id)
			if n := count(t, db, q); n != 0 {
				t.Errorf("%s: %d overlapping version pairs", d.table, n)
			}
			q = fmt.Sprintf("SELECT count(*) FROM (SELECT %s FROM %s GROUP BY 1 HAVING count(*) FILTER (WHERE is_current) <> 1)", d.id, d.table)
			if n := count(t, db, q); n != 0 {
				t.Errorf("%s: %d ids without exactly one current version", d.table, n)
			}
		}
	})

	// Day two: the same history 14 days later. Some customers moved or changed consent, some
	// prices changed, new orders arrived.
	day2 := day1.AddDate(0, 0, 14)
	src2 := filepath.Join(t.TempDir(), "day2")
	m2 := generate(t, src2, start, day2)
	db, err := warehouse.Open(context.Background(), env.WarehousePath(), warehouse.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	custBefore := count(t, db, "SELECT count(*) FROM dim_customer")
	prodBefore := count(t, db, "SELECT count(*) FROM dim_product")
	salesBefore := count(t, db, "SELECT count(*) FROM fact_sales")
	day1Sales := before["fact_sales"]
	db.Close()

	env.Config.Source.Dir = src2
	sum2 := run(t, env, day2)

	t.Run("the second day's lake, partly linked, reads as the warehouse", func(t *testing.T) {
		man, _, err := warehouse.CurrentSnapshot(env.LakeDir())
		if err != nil {
			t.Fatal(err)
		}
		if man.Linked == 0 || man.Written == 0 {
			t.Errorf("day two linked %d files and wrote %d: new orders change some months, not all", man.Linked, man.Written)
		}
		db := open(t, env)
		for table, n := range man.Tables {
			if strings.HasPrefix(table, "ops.") {
				continue // the run's own record goes on after its publish
			}
			if want := count(t, db, "SELECT count(*) FROM "+table); n != want {
				t.Errorf("%s: the snapshot has %d rows, the warehouse %d", table, n, want)
			}
		}
		db.Close()
		lakeReader(t, env)
		t.Logf("day two: the lake linked %d Parquet files and wrote %d", man.Linked, man.Written)
	})

	t.Run("second-day export yields exactly the expected new versions and facts", func(t *testing.T) {
		db := open(t, env)
		wantCust := changedRows(t, filepath.Join(src1, "customers.csv"), filepath.Join(src2, "customers.csv"), []int{6, 7, 8, 10})
		wantProd := changedRows(t, filepath.Join(src1, "products.csv"), filepath.Join(src2, "products.csv"), []int{2, 5, 6})
		if wantCust == 0 {
			t.Fatal("the day-2 export changed no customer: the test would prove nothing")
		}
		if got := count(t, db, "SELECT count(*) FROM dim_customer") - custBefore; got != wantCust {
			t.Errorf("dim_customer gained %d versions, want %d", got, wantCust)
		}
		if got := count(t, db, "SELECT count(*) FROM dim_product") - prodBefore; got != wantProd {
			t.Errorf("dim_product gained %d versions, want %d", got, wantProd)
		}
		wantSales := (m2.Tables["order_items"].Rows - sumDirty(m2, "order_items")) - (m1.Tables["order_items"].Rows - sumDirty(m1, "order_items"))
		if got := count(t, db, "SELECT count(*) FROM fact_sales") - salesBefore; got != wantSales || got == 0 {
			t.Errorf("fact_sales gained %d lines, want %d", got, wantSales)
		}
		if got := count(t, db, "SELECT count(*) FROM fact_sales WHERE load_run_id = ?", sum2.RunID); got != wantSales {
			t.Errorf("%d lines carry the day-2 run id, want %d", got, wantSales)
		}
		// day-1 lines are untouched
		var n int64
		var sum string
		if err := db.QueryRow("SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM (SELECT * FROM fact_sales WHERE load_run_id <> ?) t", sum2.RunID).Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%d rows, checksum %s", n, sum); got != day1Sales {
			t.Errorf("day-1 lines changed: %s -> %s", day1Sales, got)
		}
		// new orders after a move point at the new version
		if n := count(t, db, `SELECT count(*) FROM fact_sales f JOIN dim_customer c USING (customer_key)
			WHERE NOT (f.order_ts >= c.valid_from AND f.order_ts < c.valid_to)`); n != 0 {
			t.Errorf("%d lines point at a customer version not valid at the order time", n)
		}
		if n := count(t, db, "SELECT count(DISTINCT load_date) FROM ops.etl_rejects"); n != 2 {
			t.Errorf("rejects of %d load dates, want 2", n)
		}
		if n := count(t, db, "SELECT count(*) FROM fact_customer_month WHERE month = DATE '2026-07-01'"); n == 0 {
			t.Error("fact_customer_month does not reach the day-2 month")
		}
	})
}

func sumDirty(m *demodata.Manifest, table string) int64 {
	var n int64
	for _, c := range m.Tables[table].Dirty {
		n += c
	}
	return n
}

// changedRows counts the ids (first column) whose tracked columns differ between two exports,
// plus ids only in the second, over the valid rows: the first row of an id that is a plain
// number below the planted-dirt range.
func changedRows(t *testing.T, a, b string, tracked []int) int64 {
	t.Helper()
	read := func(p string) map[string][]string {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]string{}
		for _, r := range recs[1:] {
			if _, dup := out[r[0]]; dup || r[0] == "" || r[1] == "" || len(r[0]) >= 9 {
				continue
			}
			out[r[0]] = r
		}
		return out
	}
	before, after := read(a), read(b)
	var n int64
	for id, r := range after {
		p, ok := before[id]
		if !ok {
			n++
			continue
		}
		for _, c := range tracked {
			if p[c] != r[c] {
				n++
				break
			}
		}
	}
	return n
}

// A cancelled run (Ctrl-C, SIGTERM) records the failed job and skips the rest, in ops.job_runs too.
func TestCancelledRunIsRecorded(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	if _, err := demodata.Generate(context.Background(), demodata.Options{Customers: 200, Seed: 1, End: day1, Dir: src}); err != nil {
		t.Fatal(err)
	}
	env := newEnv(t, src)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env.OnJob = func(job string, done *JobResult) {
		if job == "extract" && done == nil {
			cancel() // the signal arrives as the first job starts
		}
	}
	sum, err := Run(ctx, env, day1, nil)
	if err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Fatalf("error = %v, want a cancellation", err)
	}
	want := map[string]string{"extract": "failed"}
	for _, j := range Nightly[1:] {
		want[j] = "skipped"
	}
	for _, j := range sum.Jobs {
		if want[j.Job] != j.Status {
			t.Errorf("%s: %s, want %s", j.Job, j.Status, want[j.Job])
		}
	}
	db := open(t, env)
	rows, err := db.Query("SELECT job, status FROM ops.job_runs")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var j, s string
		if err := rows.Scan(&j, &s); err != nil {
			t.Fatal(err)
		}
		got[j] = s
	}
	for j, s := range want {
		if got[j] != s {
			t.Errorf("ops.job_runs: %s is %q, want %q", j, got[j], s)
		}
	}
	if parts, _ := filepath.Glob(filepath.Join(env.LakeDir(), "raw", "*", "load_date=*")); len(parts) != 0 {
		t.Errorf("a cancelled extract left landing partitions: %v", parts)
	}
}
