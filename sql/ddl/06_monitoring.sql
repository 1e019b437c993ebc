-- Whether the models are right: each earlier prediction compared, once its horizon has passed,
-- with what happened (back-tests), kept across runs as a trend of model quality.
CREATE TABLE IF NOT EXISTS scores.model_monitoring (
    method           VARCHAR NOT NULL,
    model_run_id     VARCHAR,
    trained_as_of    DATE NOT NULL,
    evaluated_as_of  DATE NOT NULL,
    window_days      INTEGER NOT NULL,
    metric           VARCHAR NOT NULL,
    segment          VARCHAR NOT NULL,
    value            DOUBLE
);
COMMENT ON TABLE scores.model_monitoring IS 'Back-tests: the predictions of earlier runs (from the score history) against what happened in the window after them. churn (the model in use) and churn_challenger (the other one; scores.model_runs metrics.chosen_model says which was which): auc, brier, base_rate, customers and churned (segment all); top_decile_lift; mean_predicted, observed_rate and customers by decile of the predicted probability (segment decile 1 = highest); precision and recall by risk band (segment high, medium, low). clv: customers, predicted_purchases and actual_purchases (repeat purchase days over the elapsed part of the horizon, window_days, in total and by decile of the prediction), purchases_ratio, mae_purchases and corr_purchases per customer, predicted_spend and actual_spend; mean_p_alive against bought_again by decile of P(alive).';
COMMENT ON COLUMN scores.model_monitoring.method IS 'The model: churn, churn_challenger or clv.';
COMMENT ON COLUMN scores.model_monitoring.model_run_id IS 'The run that made the predictions (scores.model_runs).';
COMMENT ON COLUMN scores.model_monitoring.trained_as_of IS 'As-of date of the predictions.';
COMMENT ON COLUMN scores.model_monitoring.evaluated_as_of IS 'As-of date of the publish that evaluated them.';
COMMENT ON COLUMN scores.model_monitoring.window_days IS 'Days after trained_as_of in which the outcome was observed (the churn horizon).';
COMMENT ON COLUMN scores.model_monitoring.metric IS 'What is measured (see the table comment).';
COMMENT ON COLUMN scores.model_monitoring.segment IS 'all, a decile or a risk band.';
COMMENT ON COLUMN scores.model_monitoring.value IS 'The measure.';

CREATE TABLE IF NOT EXISTS mining.feature_drift (
    run_id        VARCHAR NOT NULL,
    as_of         DATE NOT NULL,
    model         VARCHAR NOT NULL,
    feature       VARCHAR NOT NULL,
    psi           DOUBLE,
    train_rows    BIGINT,
    current_rows  BIGINT
);
COMMENT ON TABLE mining.feature_drift IS 'Latest result of the churn job''s drift check; published into scores.feature_drift.';
COMMENT ON COLUMN mining.feature_drift.run_id IS 'Run that computed the result.';
COMMENT ON COLUMN mining.feature_drift.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN mining.feature_drift.model IS 'As scores.feature_drift.model.';
COMMENT ON COLUMN mining.feature_drift.feature IS 'As scores.feature_drift.feature.';
COMMENT ON COLUMN mining.feature_drift.psi IS 'As scores.feature_drift.psi.';
COMMENT ON COLUMN mining.feature_drift.train_rows IS 'As scores.feature_drift.train_rows.';
COMMENT ON COLUMN mining.feature_drift.current_rows IS 'As scores.feature_drift.current_rows.';

CREATE TABLE IF NOT EXISTS scores.feature_drift (
    run_id        VARCHAR NOT NULL,
    as_of         DATE NOT NULL,
    model         VARCHAR NOT NULL,
    feature       VARCHAR NOT NULL,
    psi           DOUBLE,
    train_rows    BIGINT,
    current_rows  BIGINT
);
COMMENT ON TABLE scores.feature_drift IS 'Population stability index (PSI) of each model feature, and of the predicted score (feature churn_probability), between the rows the model was trained on and the rows it scored, per publish; kept across runs. Under 0.1 is stable, 0.1 to 0.25 a shift worth watching, above 0.25 a shift that warrants retraining or a look at the data.';
COMMENT ON COLUMN scores.feature_drift.run_id IS 'Run that measured it.';
COMMENT ON COLUMN scores.feature_drift.as_of IS 'As-of date of the run.';
COMMENT ON COLUMN scores.feature_drift.model IS 'The model: churn.';
COMMENT ON COLUMN scores.feature_drift.feature IS 'The feature, or churn_probability for the score distribution.';
COMMENT ON COLUMN scores.feature_drift.psi IS 'Population stability index: Σ (current share − training share) × ln(current share / training share) over deciles of the training values (categories for text features).';
COMMENT ON COLUMN scores.feature_drift.train_rows IS 'Rows the model was trained on (customers active at as-of − horizon).';
COMMENT ON COLUMN scores.feature_drift.current_rows IS 'Rows it scored (customers active at the as-of date).';

-- The churn model not in use scores the customers too, for its back-test.
ALTER TABLE mining.churn ADD COLUMN IF NOT EXISTS churn_probability_other DOUBLE;
COMMENT ON COLUMN mining.churn.churn_probability_other IS 'As scores.customer_scores.churn_probability_other.';
ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS churn_probability_other DOUBLE;
COMMENT ON COLUMN scores.customer_scores.churn_probability_other IS 'The churn probability from the model not in use (scores.model_runs metrics.chosen_model says which is), kept for its back-test.';
ALTER TABLE scores.customer_score_snapshots ADD COLUMN IF NOT EXISTS churn_probability_other DOUBLE;
COMMENT ON COLUMN scores.customer_score_snapshots.churn_probability_other IS 'As scores.customer_scores.churn_probability_other at the snapshot''s as-of date.';
