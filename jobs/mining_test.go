package jobs

import (
	"context"
	"path/filepath"
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
}
