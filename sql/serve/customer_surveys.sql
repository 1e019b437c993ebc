-- The customer's surveys, newest first, with what they were about.
SELECT v.survey_id, v.survey_ts, v.expected_score, v.perceived_score, v.satisfaction, s.name AS store, e.name AS employee, v.order_id
FROM fact_survey AS v
LEFT JOIN dim_store AS s ON s.store_key = v.store_key
LEFT JOIN dim_employee AS e ON e.employee_key = v.employee_key
WHERE v.customer_key IN ({{.Keys}})
ORDER BY v.survey_ts DESC, v.survey_id
