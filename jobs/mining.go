package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/crmwh/crmwh/mining"
	"github.com/crmwh/crmwh/mining/cart"
	"github.com/crmwh/crmwh/mining/features"
	"github.com/crmwh/crmwh/warehouse"
)

// miningConn returns the run's connection holding the mining input for its as-of date, built on
// first use and shared by the mining jobs of the run.
func (r *runState) miningConn(ctx context.Context) (*sql.Conn, error) {
	if r.mining != nil {
		return r.mining, nil
	}
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if err := mining.PrepareWarehouse(ctx, conn, r.sum.AsOf, r.env.Config.Mining.PurchaseStatuses); err != nil {
		conn.Close()
		return nil, err
	}
	r.mining = conn
	return conn, nil
}

// dropScratch drops the temp tables a mining job left on the run's mining connection, all but
// the shared input, so that memory does not accumulate from job to job.
func dropScratch(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name <> 'mining_tx'")
	if err != nil {
		return fmt.Errorf("drop scratch tables: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		names = append(names, n)
	}
	rows.Close()
	for _, n := range names {
		if _, err := conn.ExecContext(ctx, "DROP TABLE IF EXISTS temp.main."+warehouse.Ident(n)); err != nil {
			return fmt.Errorf("drop scratch table %s: %w", n, err)
		}
	}
	return nil
}

// saveModel stores a method's results (<table>_result for each table; by default the method's
// name) and its model record in one transaction. It returns the customer rows written.
func saveModel(ctx context.Context, conn *sql.Conn, r *runState, m *mining.Model, tables ...string) (int64, error) {
	if len(tables) == 0 {
		tables = []string{m.Method}
	}
	params, err := json.Marshal(m.Parameters)
	if err != nil {
		return 0, fmt.Errorf("save %s: %w", m.Method, err)
	}
	metrics, err := json.Marshal(m.Metrics)
	if err != nil {
		return 0, fmt.Errorf("save %s: %w", m.Method, err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("save %s: %w", m.Method, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	_, err = warehouse.RunScript(ctx, tx, "mining/save.sql", map[string]any{
		"Method": m.Method, "RunID": r.sum.RunID, "AsOf": r.sum.AsOf.Format(time.DateOnly),
		"Customers": m.Customers, "Parameters": string(params), "Metrics": string(metrics), "Tables": tables,
	})
	if err != nil {
		return 0, fmt.Errorf("save %s: %w", m.Method, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("save %s: commit: %w", m.Method, err)
	}
	if err := dropScratch(ctx, conn); err != nil {
		return 0, err
	}
	r.env.Log.Info("model saved", "run_id", r.sum.RunID, "method", m.Method, "customers", m.Customers)
	return m.Customers, nil
}

// miningJob adapts a method to a job: it runs on the run's mining connection and saves the result.
func miningJob(method func(ctx context.Context, conn *sql.Conn, r *runState) (*mining.Model, error)) job {
	return func(ctx context.Context, r *runState) (int64, int64, int64, error) {
		conn, err := r.miningConn(ctx)
		if err != nil {
			return 0, 0, 0, err
		}
		m, err := method(ctx, conn, r)
		if err != nil {
			return 0, 0, 0, err
		}
		n, err := saveModel(ctx, conn, r, m)
		return m.Customers, n, 0, err
	}
}

var (
	rfmJob = miningJob(func(ctx context.Context, conn *sql.Conn, r *runState) (*mining.Model, error) {
		return mining.RFM(ctx, conn, r.env.Config.Mining.RFM, r.sum.AsOf)
	})
	abcJob = miningJob(func(ctx context.Context, conn *sql.Conn, r *runState) (*mining.Model, error) {
		return mining.ABC(ctx, conn, r.env.Config.Mining.ABC)
	})
	clvJob = miningJob(func(ctx context.Context, conn *sql.Conn, r *runState) (*mining.Model, error) {
		fit, err := mining.CLV(ctx, conn, r.env.Config.Mining.CLV, r.sum.AsOf, 0)
		if err != nil {
			return nil, err
		}
		r.env.Log.Info("clv fitted", "r", fit.BGNBD.R, "alpha", fit.BGNBD.Alpha, "a", fit.BGNBD.A, "b", fit.BGNBD.B,
			"p", fit.GammaGamma.P, "q", fit.GammaGamma.Q, "gamma", fit.GammaGamma.Gamma, "fit_seconds", fit.FitSeconds)
		return fit.Model, nil
	})
	lifecycleJob = miningJob(func(ctx context.Context, conn *sql.Conn, r *runState) (*mining.Model, error) {
		return mining.Lifecycle(ctx, conn, r.env.Config.Mining.Lifecycle, r.sum.AsOf)
	})
)

// clusterJob segments the customers with a purchase by k-means on their features.
func clusterJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	conn, err := r.miningConn(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	if _, err := warehouse.RunScript(ctx, conn, "mining/cluster_input.sql", map[string]any{"AsOf": r.sum.AsOf.Format(time.DateOnly)}); err != nil {
		return 0, 0, 0, fmt.Errorf("cluster: %w", err)
	}
	c := r.env.Config.Mining.Cluster
	fit, err := mining.Cluster(ctx, conn, mining.ClusterSpec{
		Input: "cluster_input", Features: c.Features, LogFeatures: c.LogFeatures, Standardize: true,
		K: c.K, KMin: c.KMin, KMax: c.KMax, SilhouetteSample: c.SilhouetteSample, NInit: c.NInit,
		MaxIter: c.MaxIter, Tol: c.Tol, Seed: c.Seed, LabelThreshold: c.LabelThreshold,
		Language: r.env.Config.Mining.Language, Revenue: "monetary",
	})
	if err != nil {
		return 0, 0, 0, err
	}
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE cluster_result AS SELECT customer_id, cluster_id, cluster_label FROM cluster_assigned"); err != nil {
		return 0, 0, 0, fmt.Errorf("cluster: %w", err)
	}
	r.env.Log.Info("clustered", "k", fit.Result.K, "inertia", fit.Result.Inertia, "labels", fit.Labels, "fit_seconds", fit.FitSeconds)
	n, err := saveModel(ctx, conn, r, fit.Model, "cluster", "cluster_profiles", "cluster_features")
	return fit.Model.Customers, n, 0, err
}

// publishJob replaces scores.customer_scores in one transaction with the methods' results for
// the run's as-of date. A method whose latest result is for another date publishes NULLs, and
// says so in the log.
func publishJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	asOf := r.sum.AsOf.Format(time.DateOnly)
	for _, m := range []string{"rfm", "abc", "clv", "lifecycle", "cluster", "churn", "association_rules"} {
		var n int64
		if err := r.db.QueryRowContext(ctx, "SELECT count(*) FROM mining."+m+" WHERE as_of = ?", asOf).Scan(&n); err != nil {
			return 0, 0, 0, fmt.Errorf("publish: %w", err)
		}
		if n == 0 {
			r.env.Log.Warn("no result to publish for this as-of date; its columns stay empty", "method", m, "as_of", asOf)
		}
	}
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("publish: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if _, err := warehouse.RunScript(ctx, tx, "mining/publish_customer_scores.sql", map[string]any{
		"RunID": r.sum.RunID, "AsOf": asOf, "Language": r.env.Config.Mining.Language,
	}); err != nil {
		return 0, 0, 0, fmt.Errorf("publish: %w", err)
	}
	var n int64
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM scores.customer_scores").Scan(&n); err != nil {
		return 0, 0, 0, fmt.Errorf("publish: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, 0, fmt.Errorf("publish: commit: %w", err)
	}
	return 0, n, 0, nil
}

// churnJob learns from history who was lost and scores the customers active now: features of
// the customers active at as-of − horizon with the label "lost by as-of" train a tree, which
// then scores the customers active at the as-of date.
func churnJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	conn, err := r.miningConn(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	c := r.env.Config.Mining.Churn
	cutoff := r.sum.AsOf.AddDate(0, 0, -c.HorizonDays)
	for _, t := range []struct{ table, at, labelEnd string }{
		{"churn_train", cutoff.Format(time.DateOnly), r.sum.AsOf.Format(time.DateOnly)},
		{"churn_score", r.sum.AsOf.Format(time.DateOnly), ""},
	} {
		if _, err := warehouse.RunScript(ctx, conn, "mining/churn_features.sql", map[string]any{
			"Table": t.table, "At": t.at, "LabelEnd": t.labelEnd, "Horizon": c.HorizonDays,
		}); err != nil {
			return 0, 0, 0, fmt.Errorf("churn: %w", err)
		}
	}
	spec := mining.TreeSpec{Table: "churn_train", Label: "churned", Include: c.Features, Exclude: []string{"customer_id"},
		MaxCategories: 32, Options: cart.Options{Criterion: c.Criterion, MaxDepth: c.MaxDepth, MinLeaf: c.MinLeaf},
		TestFraction: c.TestFraction, Seed: c.Seed, Threshold: c.Threshold}
	fit, err := mining.TrainTree(ctx, conn, spec)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("churn: %w", err)
	}
	scored, err := fit.Score(ctx, conn, "churn_score", features.Words(r.env.Config.Mining.Language, c.HorizonDays))
	if err != nil {
		return 0, 0, 0, fmt.Errorf("churn: %w", err)
	}
	if err := fit.WriteNodes(ctx, conn); err != nil {
		return 0, 0, 0, fmt.Errorf("churn: %w", err)
	}
	if _, err := warehouse.RunScript(ctx, conn, "mining/churn_result.sql", map[string]any{"High": c.HighRisk, "Medium": c.MediumRisk}); err != nil {
		return 0, 0, 0, fmt.Errorf("churn: %w", err)
	}
	m := fit.Metrics
	r.env.Log.Info("churn model", "auc", m.AUC, "accuracy", m.Accuracy, "precision", m.Precision, "recall", m.Recall,
		"train", fit.Train, "test", fit.Test, "scored", scored)
	model := fit.Model("churn", spec, map[string]any{"horizon_days": c.HorizonDays, "cutoff": cutoff.Format(time.DateOnly),
		"high_risk": c.HighRisk, "medium_risk": c.MediumRisk})
	model.Metrics["scored_customers"] = scored
	model.Metrics["rules"] = fit.Rules()
	n, err := saveModel(ctx, conn, r, model, "churn", "churn_tree")
	if err != nil {
		return 0, 0, 0, err
	}
	return int64(fit.Train + fit.Test + scored), n, 0, nil
}

// assocJob mines association rules from baskets with FP-growth and recommends to each customer
// the products they have not bought, from the rules their purchases satisfy.
func assocJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	conn, err := r.miningConn(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	c := r.env.Config.Mining.Assoc
	if _, err := warehouse.RunScript(ctx, conn, "mining/assoc_baskets.sql", map[string]any{
		"AsOf": r.sum.AsOf.Format(time.DateOnly), "Statuses": r.env.Config.Mining.PurchaseStatuses,
		"Basket": c.Basket, "WindowDays": c.WindowDays, "Level": c.Level,
	}); err != nil {
		return 0, 0, 0, fmt.Errorf("assoc: %w", err)
	}
	var items int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM assoc_items").Scan(&items); err != nil {
		return 0, 0, 0, fmt.Errorf("assoc: %w", err)
	}
	spec := mining.AssocSpec{MinSupport: c.MinSupport, MinConfidence: c.MinConfidence, MinLift: c.MinLift,
		MinLen: 2, MaxLen: c.MaxLen, MaxConsequent: c.MaxConsequent}
	fit, err := mining.MineBaskets(ctx, conn, "assoc_baskets", items, spec)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("assoc: %w", err)
	}
	if err := fit.WriteRules(ctx, conn); err != nil {
		return 0, 0, 0, fmt.Errorf("assoc: %w", err)
	}
	recommend := c.Level == "product"
	var recs int64
	if recommend {
		if recs, err = fit.Recommend(ctx, conn, "assoc_owned", items, c.TopN, c.Score); err != nil {
			return 0, 0, 0, fmt.Errorf("assoc: %w", err)
		}
	}
	if _, err := warehouse.RunScript(ctx, conn, "mining/assoc_result.sql", map[string]any{
		"Recommend": recommend, "AsOf": r.sum.AsOf.Format(time.DateOnly),
	}); err != nil {
		return 0, 0, 0, fmt.Errorf("assoc: %w", err)
	}
	if !recommend { // category level: no product recommendations, and none left from before
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE recommendations_result AS SELECT * EXCLUDE (run_id, as_of) FROM mining.recommendations WITH NO DATA"); err != nil {
			return 0, 0, 0, fmt.Errorf("assoc: %w", err)
		}
	}
	model := fit.Model(spec, map[string]any{"basket": c.Basket, "window_days": c.WindowDays, "level": c.Level,
		"top_n": c.TopN, "score": c.Score})
	model.Metrics["recommendations"] = recs
	model.Metrics["items"] = items
	r.env.Log.Info("association rules", "baskets", fit.Baskets, "itemsets", fit.Sets.Len(), "rules", len(fit.Rules),
		"recommendations", recs, "fit_seconds", fit.FitSeconds)
	if _, err := saveModel(ctx, conn, r, model, "association_rules", "recommendations"); err != nil {
		return 0, 0, 0, err
	}
	return fit.Baskets, int64(len(fit.Rules)) + recs, 0, nil
}
