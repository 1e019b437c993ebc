-- New surveys into fact_survey, with the customer version valid at the time (one join per
-- statement, as in insert_fact_sales.sql).
CREATE OR REPLACE TEMP TABLE new_surveys AS
SELECT s.* FROM stg_surveys AS s
ANTI JOIN fact_survey AS f ON f.survey_id = s.survey_id
WHERE s.reason IS NULL;

INSERT INTO fact_survey
SELECT v.survey_id, CAST(year(v.survey_ts) * 10000 + month(v.survey_ts) * 100 + day(v.survey_ts) AS INTEGER), c.customer_key, v.survey_ts,
    v.expected_score, v.perceived_score, v.perceived_score / v.expected_score, getvariable('run_id')
FROM new_surveys AS v
JOIN dim_customer AS c ON c.customer_id = v.customer_id AND v.survey_ts >= c.valid_from AND v.survey_ts < c.valid_to;
