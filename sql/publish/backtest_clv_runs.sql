-- The CLV runs to back-test at {{.AsOf}}: earlier as-of dates with a numeric snapshot and a clv
-- model record, with the fitted parameters, the time unit, the horizon, and the window their
-- stored back-test covers (NULL when there is none), so that each is redone only when its
-- window has grown.
SELECT s.as_of, r.run_id, CAST(r.parameters->>'r' AS DOUBLE), CAST(r.parameters->>'alpha' AS DOUBLE),
    CAST(r.parameters->>'a' AS DOUBLE), CAST(r.parameters->>'b' AS DOUBLE), r.parameters->>'time_unit',
    CAST(r.parameters->>'horizon_months' AS INTEGER),
    (SELECT max(m.window_days) FROM scores.model_monitoring AS m
     WHERE m.method = 'clv' AND m.trained_as_of = s.as_of AND m.model_run_id = r.run_id) AS done_window
FROM (SELECT DISTINCT as_of FROM scores.customer_score_snapshots WHERE as_of + 30 <= DATE {{quote .AsOf}}) AS s
JOIN (SELECT as_of, arg_max(run_id, fitted_at) AS run_id, arg_max(parameters, fitted_at) AS parameters
      FROM scores.model_runs WHERE method = 'clv' GROUP BY as_of) AS r USING (as_of)
ORDER BY s.as_of;
