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
COMMENT ON TABLE scores.model_monitoring IS 'Back-tests: the predictions of earlier runs (from the score history) against what happened in the window after them. churn: auc, brier, base_rate, customers and churned (segment all); top_decile_lift; mean_predicted, observed_rate and customers by decile of the predicted probability (segment decile 1 = highest); precision and recall by risk band (segment high, medium, low).';
COMMENT ON COLUMN scores.model_monitoring.method IS 'The model: churn.';
COMMENT ON COLUMN scores.model_monitoring.model_run_id IS 'The run that made the predictions (scores.model_runs).';
COMMENT ON COLUMN scores.model_monitoring.trained_as_of IS 'As-of date of the predictions.';
COMMENT ON COLUMN scores.model_monitoring.evaluated_as_of IS 'As-of date of the publish that evaluated them.';
COMMENT ON COLUMN scores.model_monitoring.window_days IS 'Days after trained_as_of in which the outcome was observed (the churn horizon).';
COMMENT ON COLUMN scores.model_monitoring.metric IS 'What is measured (see the table comment).';
COMMENT ON COLUMN scores.model_monitoring.segment IS 'all, a decile or a risk band.';
COMMENT ON COLUMN scores.model_monitoring.value IS 'The measure.';
