-- The dashboard's model-health panel: the churn model's ROC AUC over time, as measured on the
-- held-out customers when it was trained and, once its horizon had passed, by the back-test.
SELECT strftime(r.as_of, '%Y-%m-%d') AS as_of, CAST(r.metrics->>'auc' AS DOUBLE) AS holdout_auc, m.value AS backtest_auc
FROM (SELECT as_of, arg_max(metrics, fitted_at) AS metrics FROM scores.model_runs WHERE method = 'churn' GROUP BY as_of) AS r
LEFT JOIN (SELECT trained_as_of, value FROM scores.model_monitoring WHERE method = 'churn' AND metric = 'auc' AND segment = 'all') AS m
    ON m.trained_as_of = r.as_of
ORDER BY r.as_of DESC
LIMIT 24;
