-- The customer's service interactions (complaints with topic and resolution), newest first.
SELECT x.interaction_id, x.interaction_ts, x.interaction_type, x.outcome, x.category, x.resolved_at, e.name AS employee
FROM fact_interaction AS x
JOIN dim_employee AS e USING (employee_key)
WHERE x.customer_key IN ({{.Keys}})
ORDER BY x.interaction_ts DESC, x.interaction_id
