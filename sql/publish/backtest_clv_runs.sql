-- The CLV runs to back-test at {{.AsOf}}: earlier as-of dates with a numeric snapshot and a clv
-- model record, with the fitted parameters and the time unit.
SELECT s.as_of, r.run_id, CAST(r.parameters->>'r' AS DOUBLE), CAST(r.parameters->>'alpha' AS DOUBLE),
    CAST(r.parameters->>'a' AS DOUBLE), CAST(r.parameters->>'b' AS DOUBLE), r.parameters->>'time_unit',
    CAST(r.parameters->>'horizon_months' AS INTEGER)
FROM (SELECT DISTINCT as_of FROM scores.customer_score_snapshots WHERE as_of + 28 <= DATE {{quote .AsOf}}) AS s
JOIN (SELECT as_of, arg_max(run_id, fitted_at) AS run_id, arg_max(parameters, fitted_at) AS parameters
      FROM scores.model_runs WHERE method = 'clv' GROUP BY as_of) AS r USING (as_of)
ORDER BY s.as_of;
