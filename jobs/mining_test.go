package jobs

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crmwh/crmwh/etl/demodata"
)

// The mining jobs on the demo data at its default size (20,000 customers): the planted structure
// must come out of them.
func TestMiningOnDemoData(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: generates and loads 20,000 customers")
	}
	src := filepath.Join(t.TempDir(), "demo")
	if _, err := demodata.Generate(context.Background(), demodata.Options{Customers: 20000, Seed: 42, DirtyRate: 0.002, End: day1, Dir: src}); err != nil {
		t.Fatal(err)
	}
	env := newEnv(t, src)
	env.Config.Warehouse.ParquetCopy = false
	env.Config.Mining.Churn.MinLeaf = 50
	env.Config.Mining.Cluster.K = 0 // as the default config: chosen by silhouette
	sum := run(t, env, day1)
	db := open(t, env)
	truth := filepath.Join(src, "truth_customers.csv")

	t.Run("planted types map mostly onto distinct clusters", func(t *testing.T) {
		rows, err := db.Query(`SELECT latent_type, arg_max(cluster_id, n), max(n) / sum(n) FROM (
				SELECT t.latent_type, s.cluster_id, count(*) AS n FROM scores.customer_scores s
				JOIN read_csv(?, all_varchar = true) t USING (customer_id)
				WHERE s.cluster_id IS NOT NULL GROUP BY ALL) GROUP BY 1`, truth)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		major, share := map[string]int{}, map[string]float64{}
		for rows.Next() {
			var typ string
			var c int
			var sh float64
			if err := rows.Scan(&typ, &c, &sh); err != nil {
				t.Fatal(err)
			}
			major[typ], share[typ] = c, sh
		}
		t.Logf("most common cluster per type %v, its share %v", major, share)
		distinct := map[int]bool{}
		for _, c := range major {
			distinct[c] = true
		}
		if len(distinct) < 3 || major["loyal"] == major["one_timer"] || major["regular"] == major["one_timer"] {
			t.Errorf("want at least 3 distinct most common clusters, loyal and regular apart from one-timers")
		}
		if share["loyal"] < 0.6 || share["one_timer"] < 0.4 {
			t.Errorf("types' shares in their most common cluster are too low")
		}
	})

	t.Run("automatic k gives at least three segments marketing can tell apart", func(t *testing.T) {
		var k int64
		var sil string
		if err := db.QueryRow(`SELECT CAST(metrics->>'k' AS BIGINT), CAST(metrics->'silhouette' AS VARCHAR) FROM scores.model_runs
			WHERE run_id = ? AND method = 'cluster'`, sum.RunID).Scan(&k, &sil); err != nil {
			t.Fatal(err)
		}
		labels := count(t, db, "SELECT count(DISTINCT cluster_label) FROM scores.cluster_profiles")
		numbered := count(t, db, `SELECT count(*) FROM scores.cluster_profiles WHERE regexp_matches(cluster_label, '\(\d+\)$')`)
		t.Logf("k = %d, silhouettes %s", k, sil)
		if k < 3 || labels != k || numbered != 0 {
			t.Errorf("k = %d with %d distinct labels (%d told apart by a number only)", k, labels, numbered)
		}
	})

	t.Run("churn causes and hold-out AUC", func(t *testing.T) {
		var auc float64
		var rules string
		if err := db.QueryRow(`SELECT CAST(metrics->>'auc' AS DOUBLE), metrics->>'rules' FROM scores.model_runs
			WHERE run_id = ? AND method = 'churn'`, sum.RunID).Scan(&auc, &rules); err != nil {
			t.Fatal(err)
		}
		t.Logf("hold-out ROC AUC %.4f\n%s", auc, rules)
		if auc <= 0.75 {
			t.Errorf("hold-out ROC AUC %.4f, want above 0.75", auc)
		}
		// The planted causes: unresolved complaints, low satisfaction, a long time without a
		// service visit.
		for _, cause := range []string{"complaint", "satisfaction", "service"} {
			if !strings.Contains(rules, cause) {
				t.Errorf("no split on %s in the tree", cause)
			}
		}
		var reasons int64
		if err := db.QueryRow(`SELECT count(*) FROM scores.customer_scores WHERE churn_risk = 'high'
			AND (churn_reason LIKE '%complaint%' OR churn_reason LIKE '%satisfaction%' OR churn_reason LIKE '%service%')`).Scan(&reasons); err != nil {
			t.Fatal(err)
		}
		if reasons == 0 {
			t.Error("no high-risk customer's reason names a planted cause")
		}
	})

	t.Run("planted affinities are top rules; recommendations are new products", func(t *testing.T) {
		manifest := filepath.Join(src, demodata.ManifestFile)
		var planted, found, top20 int64
		if err := db.QueryRow(`WITH planted AS (SELECT unnest(affinities, recursive := true) FROM read_json(?)),
			r AS (SELECT * FROM scores.association_rules WHERE len(antecedent) = 1)
			SELECT (SELECT count(*) FROM planted),
				(SELECT count(*) FROM planted p WHERE EXISTS (SELECT 1 FROM r
					WHERE r.antecedent_labels = p.antecedent AND r.consequent_labels = p.consequent)),
				(SELECT count(*) FROM (SELECT * FROM r ORDER BY lift DESC, rule_id LIMIT 20) t WHERE EXISTS (SELECT 1 FROM planted p
					WHERE (p.antecedent = t.antecedent_labels AND p.consequent = t.consequent_labels)
					   OR (p.consequent = t.antecedent_labels AND p.antecedent = t.consequent_labels)))`, manifest).Scan(&planted, &found, &top20); err != nil {
			t.Fatal(err)
		}
		t.Logf("%d of %d planted affinities are rules; %d of the top 20 rules by lift are planted pairs", found, planted, top20)
		if found < planted*9/10 || top20 < 16 {
			t.Errorf("planted affinities: %d of %d found, %d of the top 20", found, planted, top20)
		}
		var bought, recs, customers int64
		if err := db.QueryRow(`SELECT
				(SELECT count(*) FROM scores.recommendations r JOIN (
					SELECT DISTINCT c.customer_id, p.product_id FROM fact_sales f JOIN dim_customer c USING (customer_key)
					JOIN dim_product p USING (product_key) WHERE f.order_status = 'completed') b USING (customer_id, product_id)),
				(SELECT count(*) FROM scores.recommendations),
				(SELECT count(*) FROM scores.customer_scores WHERE recommended_products IS NOT NULL)`).Scan(&bought, &recs, &customers); err != nil {
			t.Fatal(err)
		}
		if bought != 0 || recs == 0 || customers == 0 {
			t.Errorf("%d of %d recommendations are products the customer has bought; %d customers have some", bought, recs, customers)
		}
		if n := count(t, db, `SELECT count(*) FROM (SELECT customer_id, count(*) AS n, count(DISTINCT product_id) AS d, max("rank") AS r
			FROM scores.recommendations GROUP BY 1) WHERE n > 3 OR d <> n OR r <> n`); n != 0 {
			t.Errorf("%d customers with more than 3, repeated or mis-ranked recommendations", n)
		}
	})

	t.Run("no recommendation is a product the customer returned", func(t *testing.T) {
		// exposed: returned products that a planted affinity would offer the customer (they
		// bought its antecedent and never kept the product); the recommender must skip them.
		var exposed, offered int64
		if err := db.QueryRow(`WITH planted AS (SELECT unnest(affinities, recursive := true) FROM read_json(?)),
			lines AS (SELECT c.customer_id, p.product_id, p.name, f.order_status FROM fact_sales f
				JOIN dim_customer c USING (customer_key) JOIN dim_product p USING (product_key)),
			returned AS (SELECT DISTINCT customer_id, product_id, name FROM lines WHERE order_status = 'returned'
				EXCEPT SELECT DISTINCT customer_id, product_id, name FROM lines WHERE order_status = 'completed')
			SELECT (SELECT count(*) FROM returned r WHERE EXISTS (SELECT 1 FROM planted pl JOIN lines b ON b.name = pl.antecedent
					WHERE pl.consequent = r.name AND b.customer_id = r.customer_id AND b.order_status = 'completed')),
				(SELECT count(*) FROM scores.recommendations x JOIN returned r USING (customer_id, product_id))`,
			filepath.Join(src, demodata.ManifestFile)).Scan(&exposed, &offered); err != nil {
			t.Fatal(err)
		}
		t.Logf("%d returned products a planted affinity would offer; %d recommended", exposed, offered)
		if exposed == 0 || offered != 0 {
			t.Errorf("%d returned products exposed to a planted rule, %d of all returned products recommended; want some and none", exposed, offered)
		}
	})

	t.Run("the planted campaign effects come out of the evaluation", func(t *testing.T) {
		m, err := demodata.ReadManifest(src)
		if err != nil {
			t.Fatal(err)
		}
		p := m.Campaigns
		t.Logf("planted: %s with true response uplift %.4f and revenue uplift %.2f per treated customer (%d treated, %d control); null: %v",
			p.Effective, p.TrueResponseUplift, p.TrueRevenueUplift, p.Treated, p.Control, p.Null)
		type row struct {
			id                         string
			hasControl                 bool
			contacts, control          int64
			uplift, low, high, p       sql.NullFloat64
			revUplift, revLow, revHigh sql.NullFloat64
			revenue                    float64
			evaluation                 string
		}
		rows, err := db.Query(`SELECT campaign_id, has_control, contacts, control_customers, response_uplift, response_uplift_low,
			response_uplift_high, response_p_value, revenue_uplift, revenue_uplift_low, revenue_uplift_high, revenue, evaluation
			FROM scores.campaign_effectiveness ORDER BY campaign_id`)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]row{}
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.hasControl, &r.contacts, &r.control, &r.uplift, &r.low, &r.high, &r.p, &r.revUplift, &r.revLow, &r.revHigh, &r.revenue, &r.evaluation); err != nil {
				t.Fatal(err)
			}
			got[r.id] = r
		}
		rows.Close()
		e := got[p.Effective]
		t.Logf("%s: response uplift %.4f [%.4f, %.4f] p %.3g; revenue uplift %.2f [%.2f, %.2f]", e.id, e.uplift.Float64, e.low.Float64, e.high.Float64, e.p.Float64, e.revUplift.Float64, e.revLow.Float64, e.revHigh.Float64)
		if !e.hasControl || e.low.Float64 <= 0 || e.low.Float64 > p.TrueResponseUplift || e.high.Float64 < p.TrueResponseUplift {
			t.Errorf("the effective campaign's response uplift interval [%.4f, %.4f] should exclude 0 and cover the planted %.4f", e.low.Float64, e.high.Float64, p.TrueResponseUplift)
		}
		// Revenue per customer is heavy-tailed (a few big baskets): its interval is wide, and need
		// only cover the planted effect.
		if e.revLow.Float64 > p.TrueRevenueUplift || e.revHigh.Float64 < p.TrueRevenueUplift {
			t.Errorf("the effective campaign's revenue uplift interval [%.2f, %.2f] should cover the planted %.2f", e.revLow.Float64, e.revHigh.Float64, p.TrueRevenueUplift)
		}
		if e.contacts+e.control != p.Treated+p.Control {
			t.Errorf("%d + %d customers evaluated, the generator wrote %d + %d", e.contacts, e.control, p.Treated, p.Control)
		}
		for _, id := range p.Null {
			n := got[id]
			t.Logf("%s: response uplift %.4f [%.4f, %.4f]", id, n.uplift.Float64, n.low.Float64, n.high.Float64)
			if !n.hasControl || n.low.Float64 > 0 || n.high.Float64 < 0 {
				t.Errorf("null campaign %s: interval [%.4f, %.4f] should cover 0", id, n.low.Float64, n.high.Float64)
			}
		}
		var without int
		for id, r := range got {
			if !slices.Contains(p.WithControl, id) {
				without++
				if r.hasControl || r.uplift.Valid || !strings.Contains(r.evaluation, "no control group") {
					t.Errorf("%s has no control group but reads %v, %v, %q", id, r.hasControl, r.uplift, r.evaluation)
				}
			}
		}
		if without == 0 {
			t.Error("no campaign without a control group to check")
		}
		// The attributed revenue, counted here independently: per contact its own completed order
		// when it names one, else every completed order in the 30 days after it.
		brute := count(t, db, `WITH k AS (SELECT c.campaign_id, d.customer_id, f.contacted_at, f.order_id
				FROM fact_campaign_contact f JOIN dim_campaign c USING (campaign_key) JOIN dim_customer d USING (customer_key)
				WHERE c.campaign_id = ? AND f.contact_group = 'treatment'),
			s AS (SELECT f.order_id, d.customer_id, f.order_ts, f.net_amount FROM fact_sales f JOIN dim_customer d USING (customer_key)
				WHERE f.order_status = 'completed')
			SELECT CAST(round(100 * sum(s.net_amount)) AS BIGINT) FROM k JOIN s ON s.customer_id = k.customer_id AND (
				(k.order_id IS NOT NULL AND s.order_id = k.order_id) OR
				(NOT EXISTS (SELECT 1 FROM s s2 WHERE s2.order_id = k.order_id) AND s.order_ts >= k.contacted_at AND s.order_ts < k.contacted_at + INTERVAL 30 DAY))`, p.Effective)
		if math.Round(100*e.revenue) != float64(brute) {
			t.Errorf("attributed revenue %.2f, counted independently %.2f", e.revenue, float64(brute)/100)
		}
		// The breakdown partitions each group: by every dimension the members add up to the campaign.
		if n := count(t, db, `SELECT count(*) FROM (SELECT b.campaign_id, b.dimension, sum(b.contacts) AS c, sum(b.control_customers) AS k
				FROM scores.campaign_breakdown b GROUP BY ALL) x JOIN scores.campaign_effectiveness e USING (campaign_id)
				WHERE x.c <> e.contacts OR x.k <> e.control_customers`); n != 0 {
			t.Errorf("%d campaign dimensions whose members do not add up to the campaign", n)
		}
		// The intervals and p-values equal scipy's (Welch's t-test; the two-proportion z-test) on
		// each customer's purchases in the window, read here independently of the job.
		arrays := map[string][]float64{}
		rows, err = db.Query(`WITH k AS (SELECT d.customer_id, f.contacted_at, f.responded, f.contact_group
				FROM fact_campaign_contact f JOIN dim_campaign c USING (campaign_key) JOIN dim_customer d USING (customer_key)
				WHERE c.campaign_id = ?),
			s AS (SELECT d.customer_id, f.order_ts, f.net_amount FROM fact_sales f JOIN dim_customer d USING (customer_key)
				WHERE f.order_status = 'completed')
			SELECT k.contact_group, CAST(coalesce(sum(s.net_amount), 0) AS DOUBLE), (bool_or(k.responded) OR count(s.order_ts) > 0)::INTEGER
			FROM k LEFT JOIN s ON s.customer_id = k.customer_id AND s.order_ts >= k.contacted_at AND s.order_ts < k.contacted_at + INTERVAL 30 DAY
			GROUP BY k.customer_id, k.contact_group, k.contacted_at`, p.Effective)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var g string
			var rev, resp float64
			if err := rows.Scan(&g, &rev, &resp); err != nil {
				t.Fatal(err)
			}
			prefix := map[string]string{"treatment": "t_", "control": "c_"}[g]
			arrays[prefix+"revenue"] = append(arrays[prefix+"revenue"], rev)
			arrays[prefix+"response"] = append(arrays[prefix+"response"], resp)
		}
		rows.Close()
		in, _ := json.Marshal(arrays)
		cmd := exec.Command("/usr/bin/python3", "../mining/uplift/testdata/reference.py")
		cmd.Stdin = bytes.NewReader(in)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("scipy reference: %v", err)
		}
		var want map[string]float64
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatal(err)
		}
		for k, got := range map[string]float64{"resp_diff": e.uplift.Float64, "resp_low": e.low.Float64, "resp_high": e.high.Float64, "resp_p": e.p.Float64,
			"rev_diff": e.revUplift.Float64, "rev_low": e.revLow.Float64, "rev_high": e.revHigh.Float64} {
			if math.Abs(got-want[k]) > 1e-7*math.Max(1, math.Abs(want[k])) {
				t.Errorf("%s: %.10g, scipy %.10g", k, got, want[k])
			}
		}
	})

	// The customer base and the cohorts, against counts written here from fact_sales directly.
	const purchases = `SELECT DISTINCT c.customer_id, CAST(f.order_ts AS DATE) AS day, f.order_id, f.net_amount
		FROM fact_sales f JOIN dim_customer c USING (customer_key) WHERE f.order_status = 'completed'`
	horizon := env.Config.Mining.Churn.HorizonDays
	t.Run("customer base trend equals a count from the sales", func(t *testing.T) {
		// Base at each month end (or the as-of date): customers with a purchase in the horizon
		// days up to it; new, active, repeat and revenue by month.
		if n := count(t, db, fmt.Sprintf(`WITH p AS (%s),
			first AS (SELECT customer_id, min(day) AS first_day FROM p GROUP BY 1),
			months AS (SELECT month, least(last_day(month), DATE '2026-06-30') AS x FROM scores.customer_base_trend WHERE dimension = 'all'),
			brute AS (
				SELECT m.month,
					(SELECT count(DISTINCT customer_id) FROM p WHERE p.day BETWEEN m.x - %d AND m.x) AS base_end,
					(SELECT count(*) FROM first WHERE date_trunc('month', first_day) = m.month) AS new_customers,
					(SELECT count(DISTINCT customer_id) FROM p WHERE date_trunc('month', p.day) = m.month) AS active_customers,
					(SELECT count(DISTINCT p.customer_id) FROM p JOIN first USING (customer_id)
						WHERE date_trunc('month', p.day) = m.month AND first_day < m.month) AS repeat_customers,
					(SELECT coalesce(sum(net_amount), 0) FROM fact_sales WHERE order_status = 'completed'
						AND date_trunc('month', order_ts) = m.month AND order_ts < DATE '2026-07-01') AS revenue
				FROM months m)
			SELECT count(*) FROM brute b JOIN scores.customer_base_trend t ON t.dimension = 'all' AND t.month = b.month
			WHERE t.base_end <> b.base_end OR t.new_customers <> b.new_customers OR t.active_customers <> b.active_customers
				OR t.repeat_customers <> b.repeat_customers OR abs(t.revenue - b.revenue) > 0.005
				OR abs(t.retention_rate - (1 - t.churn_rate)) > 1e-12`, purchases, horizon)); n != 0 {
			t.Errorf("%d months differ from the count from the sales", n)
		}
		if n := count(t, db, "SELECT count(*) FROM scores.customer_base_trend WHERE dimension = 'all'"); n < 30 {
			t.Errorf("%d months in the trend, want the whole history", n)
		}
		// Each breakdown partitions the total.
		if n := count(t, db, `SELECT count(*) FROM (
				SELECT dimension, month, sum(active_customers) a, sum(base_end) b, sum(lost_customers) l FROM scores.customer_base_trend
				WHERE dimension <> 'all' GROUP BY ALL) d
			JOIN scores.customer_base_trend t ON t.dimension = 'all' AND t.month = d.month
			WHERE d.a <> t.active_customers OR d.b <> t.base_end OR d.l <> t.lost_customers`); n != 0 {
			t.Errorf("%d breakdown months do not add up to the total", n)
		}
	})
	t.Run("cohort retention equals a count from the sales", func(t *testing.T) {
		if n := count(t, db, fmt.Sprintf(`WITH p AS (%s),
			first AS (SELECT customer_id, date_trunc('month', min(day)) AS cohort FROM p GROUP BY 1),
			brute AS (
				SELECT f.cohort AS cohort_month, date_diff('month', f.cohort, date_trunc('month', p.day)) AS months_since,
					count(DISTINCT p.customer_id) AS active, (SELECT count(*) FROM first g WHERE g.cohort = f.cohort) AS size
				FROM p JOIN first f USING (customer_id) GROUP BY ALL)
			SELECT count(*) FROM scores.cohort_retention c FULL JOIN brute b USING (cohort_month, months_since)
			WHERE coalesce(b.active, 0) <> c.active_customers OR c.cohort_customers <> coalesce(b.size, c.cohort_customers)
				OR c.cohort_customers IS NULL OR abs(c.retention - coalesce(b.active, 0) / c.cohort_customers) > 1e-12`, purchases)); n != 0 {
			t.Errorf("%d cohort cells differ from the count from the sales", n)
		}
	})
	t.Run("the planted channel's retention falls after the planted month, the others' does not", func(t *testing.T) {
		m, err := demodata.ReadManifest(src)
		if err != nil {
			t.Fatal(err)
		}
		plant := m.ChannelDropout
		rows, err := db.Query(`SELECT member,
				avg(churn_rate) FILTER (WHERE month >= CAST(? AS DATE) + INTERVAL 6 MONTH AND month < DATE '2026-06-01') AS after,
				avg(churn_rate) FILTER (WHERE month < CAST(? AS DATE) AND month >= CAST(? AS DATE) - INTERVAL 12 MONTH) AS before
			FROM scores.customer_base_trend WHERE dimension = 'acquisition_channel' GROUP BY 1 ORDER BY 1`, plant.From, plant.From, plant.From)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		planted, others := 0.0, 0.0
		for rows.Next() {
			var member string
			var after, before float64
			if err := rows.Scan(&member, &after, &before); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: monthly churn %.4f before %s, %.4f from six months after", member, before, plant.From, after)
			// The change hits only the channel's customers won from then on, so it shows diluted
			// in the channel's whole base: +20-25% on this demo (seeds 42-44), against -9% to
			// +11% for the others: a channel's monthly churn over five months moves by about
			// ±5% at 20,000 customers by chance alone.
			if member == plant.Channel {
				planted = after / before
				if after < 1.15*before {
					t.Errorf("%s (planted): churn rose from %.4f to %.4f only", member, before, after)
				}
			} else {
				others = math.Max(others, after/before)
				if after > 1.13*before {
					t.Errorf("%s (not planted): churn rose from %.4f to %.4f", member, before, after)
				}
			}
		}
		if planted < others+0.05 {
			t.Errorf("the planted channel's churn rose by a factor %.3f, another channel's by %.3f", planted, others)
		}
	})

	t.Run("the customer-relations measures recover the planted findings", func(t *testing.T) {
		checkServicePlants(t, db, src, env.Config.Mining, day1)
	})
}
