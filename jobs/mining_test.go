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
		t.Skip("generates and loads 20,000 customers")
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
}
