-- New surveys into fact_survey.
INSERT INTO fact_survey
SELECT v.survey_id, CAST(strftime(v.survey_ts, '%Y%m%d') AS INTEGER), c.customer_key, v.survey_ts,
    v.expected_score, v.perceived_score, v.perceived_score / v.expected_score, getvariable('run_id')
FROM stg_surveys AS v
JOIN dim_customer AS c ON c.customer_id = v.customer_id AND v.survey_ts >= c.valid_from AND v.survey_ts < c.valid_to
WHERE v.reason IS NULL
  AND NOT EXISTS (SELECT 1 FROM fact_survey AS f WHERE f.survey_id = v.survey_id)
ORDER BY v.survey_ts, v.survey_id;
