package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/mining"
	"github.com/crmwh/crmwh/publish"
	"github.com/crmwh/crmwh/report"
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

// saveModel stores a method's results and its model record (see mining.Save) for the run.
func saveModel(ctx context.Context, conn *sql.Conn, r *runState, m *mining.Model, tables ...string) (int64, error) {
	n, err := mining.Save(ctx, conn, r.sum.RunID, r.sum.AsOf, m, tables...)
	if err != nil {
		return 0, err
	}
	r.env.Log.Info("model saved", "run_id", r.sum.RunID, "method", m.Method, "customers", m.Customers)
	for _, note := range m.Notes {
		r.env.Log.Warn("model input", "method", m.Method, "note", note)
	}
	return n, nil
}

// modeler is a method's typed result, which builds its model record.
type modeler interface{ Model() *mining.Model }

// miningJob adapts a method to a job: it runs on the run's mining connection and saves the result
// (as mining.<tables>, by default the method's name).
func miningJob[R modeler](method func(ctx context.Context, conn *sql.Conn, r *runState) (R, error), tables ...string) job {
	return func(ctx context.Context, r *runState) (int64, int64, int64, error) {
		conn, err := r.miningConn(ctx)
		if err != nil {
			return 0, 0, 0, err
		}
		res, err := method(ctx, conn, r)
		if err != nil {
			return 0, 0, 0, err
		}
		m := res.Model()
		n, err := saveModel(ctx, conn, r, m, tables...)
		return m.Customers, n, 0, err
	}
}

var (
	rfmJob = miningJob(func(ctx context.Context, conn *sql.Conn, r *runState) (*mining.RFMResult, error) {
		return mining.RFM(ctx, conn, r.env.Config.Mining.RFM, r.sum.AsOf)
	})
	abcJob = miningJob(func(ctx context.Context, conn *sql.Conn, r *runState) (*mining.ABCResult, error) {
		return mining.ABC(ctx, conn, r.env.Config.Mining.ABC)
	})
	clvJob = miningJob(func(ctx context.Context, conn *sql.Conn, r *runState) (clvModel, error) {
		fit, err := mining.CLV(ctx, conn, r.env.Config.Mining.CLV, r.sum.AsOf, 0)
		if err != nil {
			return clvModel{}, err
		}
		r.env.Log.Info("clv fitted", "r", fit.BGNBD.R, "alpha", fit.BGNBD.Alpha, "a", fit.BGNBD.A, "b", fit.BGNBD.B,
			"p", fit.GammaGamma.P, "q", fit.GammaGamma.Q, "gamma", fit.GammaGamma.Gamma, "fit_seconds", fit.FitSeconds)
		return clvModel{fit}, nil
	})
	lifecycleJob = miningJob(func(ctx context.Context, conn *sql.Conn, r *runState) (*mining.LifecycleResult, error) {
		return mining.Lifecycle(ctx, conn, r.env.Config.Mining.Lifecycle, r.sum.AsOf)
	})
)

// clvModel gives the CLV fit's record to miningJob.
type clvModel struct{ *mining.CLVFit }

func (c clvModel) Model() *mining.Model { return c.CLVFit.Model }

// clusterJob segments the customers with a purchase by k-means on their features.
func clusterJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	conn, err := r.miningConn(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	fit, err := mining.Segment(ctx, conn, r.env.Config.Mining, r.sum.AsOf)
	if err != nil {
		return 0, 0, 0, err
	}
	r.env.Log.Info("clustered", "k", fit.Result.K, "inertia", fit.Result.Inertia, "labels", fit.Labels, "fit_seconds", fit.FitSeconds)
	n, err := saveModel(ctx, conn, r, fit.Model, "cluster", "cluster_profiles", "cluster_features")
	return fit.Model.Customers, n, 0, err
}

// publishJob replaces scores.customer_scores with the methods' results for the run's as-of date.
func publishJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	m := r.env.Config.Mining
	res, err := publish.Scores(ctx, r.db, publish.Options{RunID: r.sum.RunID, AsOf: r.sum.AsOf, Language: m.Language,
		HorizonDays: m.Churn.HorizonDays, PurchaseStatuses: m.PurchaseStatuses, Tiers: publishTiers(m.Tiers, m.Language)}, r.env.Log)
	if err != nil {
		return 0, 0, 0, err
	}
	r.env.Log.Info("published", "customers", res.Customers, "previous", res.Previous, "history_seconds", res.HistorySeconds)
	h := r.env.Config.Alerts.ModelHealth
	findings, err := publish.ModelHealth(ctx, r.db, r.sum.AsOf, h.MinBacktestAUC, h.MaxPSI, h.MaxCalibrationError)
	if err != nil {
		return 0, 0, 0, err
	}
	for _, f := range findings {
		r.env.Log.Warn("model health", "finding", f)
		alert(ctx, r.env, r.sum, "model-health", f)
	}
	return 0, res.Customers, 0, nil
}

// churnJob learns from history who was lost and scores the customers active now (mining.Churn).
func churnJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	conn, err := r.miningConn(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	fit, err := mining.Churn(ctx, conn, r.env.Config.Mining.Churn, r.env.Config.Mining.Language, r.sum.AsOf)
	if err != nil {
		return 0, 0, 0, err
	}
	m := fit.Metrics
	r.env.Log.Info("churn model", "auc", m.AUC, "accuracy", m.Accuracy, "precision", m.Precision, "recall", m.Recall,
		"train", fit.Train, "test", fit.Test, "sampled_from", fit.Sampled, "scored", fit.Scored)
	n, err := saveModel(ctx, conn, r, fit.Model(), "churn", "churn_tree", "feature_drift")
	if err != nil {
		return 0, 0, 0, err
	}
	return int64(fit.Train + fit.Test + fit.Scored), n, 0, nil
}

// assocJob mines association rules from baskets with FP-growth and recommends to each customer
// the products they have not bought, from the rules their purchases satisfy (mining.AssociateOrders).
func assocJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	conn, err := r.miningConn(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	fit, err := mining.AssociateOrders(ctx, conn, r.env.Config.Mining, r.sum.AsOf)
	if err != nil {
		return 0, 0, 0, err
	}
	c := r.env.Config.Mining.Assoc
	model := fit.Model(map[string]any{"basket": c.Basket, "window_days": c.WindowDays, "level": c.Level,
		"top_n": c.TopN, "score": c.Score})
	r.env.Log.Info("association rules", "baskets", fit.Baskets, "itemsets", fit.Sets.Len(), "rules", len(fit.Rules),
		"recommendations", fit.Recommendations, "fit_seconds", fit.FitSeconds)
	if _, err := saveModel(ctx, conn, r, model, "association_rules", "recommendations"); err != nil {
		return 0, 0, 0, err
	}
	return fit.Baskets, int64(len(fit.Rules)) + fit.Recommendations, 0, nil
}

// campaignsJob evaluates the campaigns: what their contacts brought and, against a control group,
// what they changed (mining.Campaigns).
func campaignsJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	conn, err := r.miningConn(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	m := r.env.Config.Mining
	fit, err := mining.Campaigns(ctx, conn, m.Campaigns, m.Language, r.sum.AsOf,
		filepath.Join(r.env.DataDir, warehouse.AccessFile))
	if err != nil {
		return 0, 0, 0, err
	}
	n, err := saveModel(ctx, conn, r, fit.Model(), "campaign_effectiveness", "campaign_breakdown")
	if err != nil {
		return 0, 0, 0, err
	}
	return fit.Contacts, n, 0, nil
}

var (
	// serviceJob measures satisfaction and complaints and links them to loyalty (mining.Service).
	serviceJob = miningJob(func(ctx context.Context, conn *sql.Conn, r *runState) (*mining.ServiceFit, error) {
		m := r.env.Config.Mining
		return mining.Service(ctx, conn, m.Service, m.Churn.HorizonDays, m.Language, r.sum.AsOf)
	}, mining.ServiceTables...)
	// loyaltyJob scores every customer's loyalty, referrals and tier (mining.Loyalty).
	loyaltyJob = miningJob(func(ctx context.Context, conn *sql.Conn, r *runState) (*mining.LoyaltyFit, error) {
		m := r.env.Config.Mining
		return mining.Loyalty(ctx, conn, m.Loyalty, m.Tiers, m.PurchaseStatuses, r.sum.AsOf)
	})
	// careJob builds the care lists (mining.Care).
	careJob = miningJob(func(ctx context.Context, conn *sql.Conn, r *runState) (*mining.CareFit, error) {
		m := r.env.Config.Mining
		return mining.Care(ctx, conn, m.Care, m.Language, r.sum.AsOf)
	}, "care_lists")
)

// publishTiers are the configured tiers with their labels in language, highest first.
func publishTiers(t configs.Tiers, language string) []publish.Tier {
	out := make([]publish.Tier, len(t.Levels))
	for i, l := range t.Levels {
		label := l.LabelEN
		if language == "zh" && l.LabelZH != "" {
			label = l.LabelZH
		}
		if label == "" {
			label = l.Name
		}
		out[i] = publish.Tier{Name: l.Name, Label: label, Rank: i + 1}
	}
	return out
}

// reportJob writes the customer value report of the run, compared with the previous recorded
// date, to lake/reports/<as_of>/ (report.html and report.xlsx) and tells the alert hooks.
func reportJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	day := r.sum.AsOf.Format(time.DateOnly)
	prev, _, _, err := publish.Neighbours(ctx, r.db, r.sum.AsOf)
	if err != nil {
		return 0, 0, 0, err
	}
	rep, err := report.Build(ctx, r.db, report.Options{Compare: prev.Time, Language: r.env.Config.Mining.Language, Config: r.env.Config.Report})
	if err != nil {
		return 0, 0, 0, err
	}
	dir := filepath.Join(r.env.LakeDir(), "reports", day)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, 0, fmt.Errorf("report: %w", err)
	}
	for _, name := range []string{"report.html", "report.xlsx"} {
		if err := report.WriteFile(filepath.Join(dir, name), rep); err != nil {
			return 0, 0, 0, err
		}
	}
	alert(ctx, r.env, r.sum, "report", fmt.Sprintf("the customer value report as of %s is ready in %s (%d findings)", day, dir, len(rep.Findings)))
	return 0, int64(len(rep.Sections)), 0, nil
}
