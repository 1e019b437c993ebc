package mining

import (
	"context"
	"database/sql"
	"time"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/mining/cart"
	"github.com/crmwh/crmwh/mining/features"
)

// ChurnFit is the churn method's outcome: the trained and evaluated tree, the customers scored
// and the training cutoff.
type ChurnFit struct {
	*TreeFit
	Logit  *LogitFit // the challenger
	Chosen string    // tree or logistic: the model that scored the customers
	Spec   TreeSpec
	Scored int
	Cutoff time.Time
	Config configs.Churn
}

// Model is the record for scores.model_runs, built from the fit's fields.
func (f *ChurnFit) Model() *Model {
	c := f.Config
	m := f.TreeFit.Model("churn", f.Spec, map[string]any{"horizon_days": c.HorizonDays,
		"cutoff": f.Cutoff.Format(time.DateOnly), "high_risk": c.HighRisk, "medium_risk": c.MediumRisk})
	m.Metrics["scored_customers"] = f.Scored
	m.Metrics["rules"] = f.Rules()
	l := f.Logit.Metrics
	m.Parameters["model"], m.Parameters["logistic_c"] = c.Model, c.LogisticC
	m.Metrics["chosen_model"] = f.Chosen
	m.Metrics["tree_auc"] = f.Metrics.AUC
	m.Metrics["logistic_auc"], m.Metrics["logistic_precision"], m.Metrics["logistic_recall"] = l.AUC, l.Precision, l.Recall
	m.Metrics["logistic_lift_top_decile"], m.Metrics["logistic_iterations"] = l.LiftTopDecile, f.Logit.Model.Iterations
	m.Metrics["logistic_coefficients"] = logitCoefficients(f.TreeFit, f.Logit.Model)
	m.Notes = churnNotes(f.Metrics.Positives, f.Test)
	if f.Chosen == "logistic" { // the record's headline figures are those of the model in use
		m.Metrics["auc"], m.Metrics["accuracy"], m.Metrics["precision"] = l.AUC, l.Accuracy, l.Precision
		m.Metrics["recall"], m.Metrics["f1"], m.Metrics["lift_top_decile"] = l.Recall, l.F1, l.LiftTopDecile
	}
	return m
}

// Churn learns from history who was lost and scores the customers active now: the features of
// the customers active at asOf − horizon, with the label "lost by asOf", train a tree, which then
// scores the customers active at asOf. It leaves churn_result and churn_tree_result for Save.
func Churn(ctx context.Context, conn *sql.Conn, c configs.Churn, language string, asOf time.Time) (*ChurnFit, error) {
	cutoff := asOf.AddDate(0, 0, -c.HorizonDays)
	for _, t := range []struct{ table, at, labelEnd string }{
		{Temp.ChurnTrain, cutoff.Format(time.DateOnly), asOf.Format(time.DateOnly)},
		{Temp.ChurnScore, asOf.Format(time.DateOnly), ""},
	} {
		if err := script(ctx, conn, "mining/churn_features.sql", map[string]any{
			"Table": t.table, "At": t.at, "LabelEnd": t.labelEnd, "Horizon": c.HorizonDays,
		}); err != nil {
			return nil, err
		}
	}
	spec := TreeSpec{Table: Temp.ChurnTrain, Label: "churned", Include: c.Features, Exclude: []string{"customer_id"},
		MaxCategories: 32, Options: cart.Options{Criterion: c.Criterion, MaxDepth: c.MaxDepth, MinLeaf: c.MinLeaf},
		TestFraction: c.TestFraction, Seed: c.Seed, Threshold: c.Threshold, MaxRows: c.TrainSample}
	fit, err := TrainTree(ctx, conn, spec)
	if err != nil {
		return nil, err
	}
	out := &ChurnFit{TreeFit: fit, Spec: spec, Cutoff: cutoff, Config: c, Chosen: "tree"}
	if out.Logit, err = fit.TrainLogit(ctx, c.LogisticC, 1000, c.Threshold); err != nil {
		return nil, err
	}
	if c.Model == "logistic" || c.Model == "auto" && out.Logit.Metrics.AUC > fit.Metrics.AUC {
		out.Chosen = "logistic"
	}
	// Both models score tonight's customers in one pass, so that both can be back-tested: the
	// one in use with reasons, the other's probability beside it.
	if out.Scored, err = out.score(ctx, conn, Temp.ChurnScore, features.Words(language, c.HorizonDays), true); err != nil {
		return nil, err
	}
	if err := fit.WriteNodes(ctx, conn); err != nil {
		return nil, err
	}
	if err := script(ctx, conn, "mining/churn_result.sql", map[string]any{"High": c.HighRisk, "Medium": c.MediumRisk}); err != nil {
		return nil, err
	}
	if err := drift(ctx, conn, out); err != nil {
		return nil, err
	}
	return out, nil
}

// score scores table into tree_scores with the chosen model, with reasons in words when words
// is set, and with both, the other model's probability as probability_other.
func (f *ChurnFit) score(ctx context.Context, conn *sql.Conn, table string, words map[string]string, both bool) (int, error) {
	model, chosen, other := "tree", f.treeScorer(words, words != nil), f.logitScorer(f.Logit, nil, false)
	if f.Chosen == "logistic" {
		model, chosen, other = "logistic regression", f.logitScorer(f.Logit, words, words != nil), f.treeScorer(nil, false)
	}
	if !both {
		other = nil
	}
	return f.writeScores(ctx, conn, model, table, chosen, other)
}

// drift measures, into feature_drift_result, how far tonight's features and predicted
// probabilities have moved from those the tree was trained on (population stability index).
func drift(ctx context.Context, conn *sql.Conn, fit *ChurnFit) error {
	var numeric, text []string
	for _, col := range fit.Encoding.Columns {
		if col.Numeric || col.TextNumber {
			numeric = append(numeric, col.Name)
		} else {
			text = append(text, col.Name)
		}
	}
	if err := script(ctx, conn, "mining/feature_drift.sql", map[string]any{"Numeric": numeric, "Text": text}); err != nil {
		return err
	}
	// The training rows' probabilities, for the score's own drift (replacing tonight's scores,
	// which churn_result holds already).
	if _, err := fit.score(ctx, conn, Temp.ChurnTrain, nil, false); err != nil {
		return err
	}
	return script(ctx, conn, "mining/score_drift.sql", nil)
}
