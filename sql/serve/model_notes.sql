-- The dashboard's model-input warnings: the guards' notes on the latest fit of each method.
SELECT method, unnest(notes) AS note
FROM (SELECT method, arg_max(notes, fitted_at) AS notes, arg_max(status, fitted_at) AS status FROM scores.model_runs GROUP BY method)
WHERE status = 'warning'
ORDER BY method;
