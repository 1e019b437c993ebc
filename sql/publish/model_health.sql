-- Model health at a publish: what passes the alert thresholds. Tonight's drift (a feature's or
-- the score's PSI above {{.MaxPSI}}); the newest churn back-test (AUC below {{.MinAUC}}, mean
-- |observed − predicted| over the deciles above {{.MaxCalibration}}). One row per finding, with
-- a sentence that carries the numbers.
WITH latest AS (
    SELECT max(trained_as_of) AS d FROM scores.model_monitoring
    WHERE method = 'churn' AND evaluated_as_of = DATE {{quote .AsOf}}
), calibration AS (
    SELECT avg(abs(o.value - p.value)) AS err
    FROM scores.model_monitoring AS o
    JOIN scores.model_monitoring AS p USING (method, trained_as_of, evaluated_as_of, segment)
    WHERE o.method = 'churn' AND o.metric = 'observed_rate' AND p.metric = 'mean_predicted'
        AND o.trained_as_of = (SELECT d FROM latest) AND o.evaluated_as_of = DATE {{quote .AsOf}}
)
SELECT 'drift' AS kind, feature AS subject, psi AS value,
    printf('%s model: %s drifted, PSI %.3f above %.3f (trained on %d customers, scored %d)', model, feature, psi, {{.MaxPSI}}, train_rows, current_rows) AS message
FROM scores.feature_drift
WHERE as_of = DATE {{quote .AsOf}} AND psi > {{.MaxPSI}}
UNION ALL
SELECT 'backtest_auc', 'churn', value,
    printf('churn model of %s: back-test ROC AUC %.3f below %.3f', strftime(trained_as_of, '%Y-%m-%d'), value, {{.MinAUC}})
FROM scores.model_monitoring
WHERE method = 'churn' AND metric = 'auc' AND segment = 'all' AND evaluated_as_of = DATE {{quote .AsOf}}
    AND trained_as_of = (SELECT d FROM latest) AND value < {{.MinAUC}}
UNION ALL
SELECT 'calibration', 'churn', err,
    printf('churn model of %s: predicted churn off by %.3f on average over the deciles, above %.3f', strftime((SELECT d FROM latest), '%Y-%m-%d'), err, {{.MaxCalibration}})
FROM calibration WHERE err > {{.MaxCalibration}}
ORDER BY kind, subject;
