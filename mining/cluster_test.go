package mining

import (
	"context"
	"fmt"
	"github.com/crmwh/crmwh/mining/kmeans"
	"math/rand/v2"
	"testing"
)

// Clustering a table: constant and entirely NULL features are left out, NULLs take the mean,
// k is chosen by silhouette, every row gets a cluster and labels, and nothing is NaN.
func TestClusterTable(t *testing.T) {
	ctx := context.Background()
	conn, _ := memConn(t, "2026-01-31", []purchase{{"c", "2026-01-01", 1}})
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE pts (id INTEGER, frequency DOUBLE, monetary DOUBLE, flat DOUBLE, nothing DOUBLE, satisfaction DOUBLE)"); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	centres := [][2]float64{{2, 100}, {20, 5000}, {8, 900}}
	for i := range 600 {
		c := centres[i%3]
		var sat any = 0.6 + 0.15*float64(i%3) + rng.NormFloat64()*0.05
		if i%20 == 0 {
			sat = nil // never surveyed
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO pts VALUES (?, ?, ?, 7, NULL, ?)", i,
			c[0]+rng.NormFloat64()*0.3, c[1]*(1+rng.NormFloat64()*0.02), sat); err != nil {
			t.Fatal(err)
		}
	}
	// Candidates fitted on every row, and on a sample with the chosen k refitted on every row.
	for _, candidates := range []int{0, 150} {
		t.Run(fmt.Sprintf("candidate sample %d", candidates), func(t *testing.T) {
			spec := ClusterSpec{Input: "pts", Features: []string{"frequency", "monetary", "flat", "nothing", "satisfaction"},
				LogFeatures: []string{"monetary"}, Standardize: true, KMin: 2, KMax: 6, SilhouetteSample: 400,
				NInit: 2, MaxIter: 100, Tol: 1e-4, Seed: 3, LabelThreshold: 0.5, Language: "en", Revenue: "monetary",
				CandidateSample: candidates}
			fit, err := Cluster(ctx, conn, spec)
			if err != nil {
				t.Fatal(err)
			}
			if fit.Result.K != 3 {
				t.Errorf("chose k = %d (silhouette %v), want 3", fit.Result.K, fit.Silhouette)
			}
			if fit.Excluded["flat"] != "constant" || fit.Excluded["nothing"] != "entirely NULL" || fit.Imputed["satisfaction"] != 30 {
				t.Errorf("excluded %v, imputed %v", fit.Excluded, fit.Imputed)
			}
			truth := make([]int32, 600)
			for i := range truth {
				truth[i] = int32(i % 3)
			}
			if ari := kmeans.AdjustedRand(fit.Result.Labels, truth); ari < 0.95 {
				t.Errorf("adjusted Rand %.3f", ari)
			}
			var rows, nan, profiles int
			if err := conn.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE cluster_id IS NULL OR cluster_label IS NULL) FROM cluster_assigned`).Scan(&rows, &nan); err != nil {
				t.Fatal(err)
			}
			if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM cluster_features_result WHERE isnan(coalesce(mean, 0)) OR isnan(coalesce(z_score, 0))`).Scan(&nan); err != nil {
				t.Fatal(err)
			}
			if err := conn.QueryRowContext(ctx, `SELECT sum(customers) FROM cluster_profiles_result WHERE revenue_share BETWEEN 0 AND 1`).Scan(&profiles); err != nil {
				t.Fatal(err)
			}
			if rows != 600 || nan != 0 || profiles != 600 {
				t.Errorf("%d rows assigned, %d NaN, profiles cover %d", rows, nan, profiles)
			}
			// Cluster 1 is the largest, and the biggest spenders are labelled so.
			for c, l := range fit.Labels {
				t.Logf("cluster %d (%d rows): %s", c+1, fit.Result.Sizes[c], l)
			}
			found := false
			for _, l := range fit.Labels {
				found = found || l == "high spend, frequent" || l == "frequent, high spend"
			}
			if !found {
				t.Errorf("no cluster labelled as frequent high spenders: %v", fit.Labels)
			}
			again, err := Cluster(ctx, conn, spec)
			if err != nil {
				t.Fatal(err)
			}
			if again.Result.Inertia != fit.Result.Inertia || kmeans.AdjustedRand(again.Result.Labels, fit.Result.Labels) != 1 {
				t.Error("same seed, different clustering")
			}
		})
	}
}
