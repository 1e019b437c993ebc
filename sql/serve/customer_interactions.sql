-- The customer's service interactions (complaints with topic and resolution), newest first.
SELECT x.interaction_id, x.interaction_ts, x.interaction_type, x.outcome, x.category, x.resolved_at, e.name AS employee
FROM fact_interaction AS x
JOIN dim_customer AS d USING (customer_key)
JOIN dim_employee AS e USING (employee_key)
WHERE d.customer_id = $1
ORDER BY x.interaction_ts DESC, x.interaction_id
