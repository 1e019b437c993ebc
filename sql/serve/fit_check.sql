-- The dashboard's BG/NBD fit check: customers by repeat purchase days in the calibration period,
-- observed and as the latest clv fit expects (from its scores.model_runs record).
WITH latest AS (
    SELECT CAST(arg_max(metrics, fitted_at) AS JSON) AS m FROM scores.model_runs WHERE method = 'clv'
)
SELECT CAST(i AS INTEGER) AS repeat_days,
    CAST(json_extract(m, '$.fit_check_observed[' || i || ']') AS DOUBLE) AS observed,
    CAST(json_extract(m, '$.fit_check_expected[' || i || ']') AS DOUBLE) AS expected
FROM latest, range(0, 8) AS t(i)
WHERE json_extract(m, '$.fit_check_observed[' || i || ']') IS NOT NULL
ORDER BY i;
