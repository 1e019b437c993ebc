-- New surveys into fact_survey, with the customer version valid at the time (few joins per
-- statement, as in insert_fact_sales.sql; the anti-join with the facts and the customer lookup
-- share one, as in insert_fact_interaction.sql). What the survey is about: the store and employee
-- the source names, else those of the order it names; 0 (none) when it names an
-- order without them, NULL when it names nothing.
CREATE OR REPLACE TEMP TABLE new_surveys_c AS
SELECT v.*, c.customer_key
FROM (
    SELECT s.* FROM stg_surveys AS s
    ANTI JOIN fact_survey AS f ON f.survey_id = s.survey_id
    WHERE s.reason IS NULL
) AS v
JOIN dim_customer AS c ON c.customer_id = v.customer_id AND v.survey_ts >= c.valid_from AND v.survey_ts < c.valid_to;

CREATE OR REPLACE TEMP TABLE new_surveys_o AS
SELECT v.*, o.store_key AS order_store_key, o.employee_key AS order_employee_key
FROM new_surveys_c AS v
LEFT JOIN (
    SELECT order_id, min(store_key) AS store_key, min(employee_key) AS employee_key FROM fact_sales
    WHERE order_id IN (SELECT order_id FROM new_surveys_c WHERE order_id IS NOT NULL)
    GROUP BY order_id
) AS o USING (order_id);

INSERT INTO fact_survey (survey_id, date_key, customer_key, survey_ts, expected_score, perceived_score, satisfaction,
    load_run_id, store_key, employee_key, order_id)
SELECT v.survey_id, CAST(year(v.survey_ts) * 10000 + month(v.survey_ts) * 100 + day(v.survey_ts) AS INTEGER), v.customer_key, v.survey_ts,
    v.expected_score, v.perceived_score, v.perceived_score / v.expected_score, getvariable('run_id'),
    coalesce(s.store_key, v.order_store_key), coalesce(e.employee_key, v.order_employee_key), v.order_id
FROM new_surveys_o AS v
LEFT JOIN dim_store AS s ON s.store_id = v.store_id
LEFT JOIN dim_employee AS e ON e.employee_id = v.employee_id;
