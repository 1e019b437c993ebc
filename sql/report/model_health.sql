-- Model health for the report: each method's latest record (status, notes, customers, its key
-- metric where it has one) and the churn model's latest back-test.
SELECT method, status, customers, array_to_string(coalesce(notes, []::VARCHAR[]), ' ') AS notes,
    CASE method WHEN 'churn' THEN CAST(metrics->>'auc' AS DOUBLE) WHEN 'cluster' THEN CAST(metrics->>'k' AS DOUBLE) END AS metric
FROM scores.model_runs
QUALIFY row_number() OVER (PARTITION BY method ORDER BY fitted_at DESC) = 1
ORDER BY method
