-- New interactions into fact_interaction.
INSERT INTO fact_interaction
SELECT x.interaction_id, CAST(strftime(x.interaction_ts, '%Y%m%d') AS INTEGER), c.customer_key,
    coalesce(e.employee_key, 0), x.interaction_type, x.interaction_ts, x.outcome, getvariable('run_id')
FROM stg_interactions AS x
JOIN dim_customer AS c ON c.customer_id = x.customer_id AND x.interaction_ts >= c.valid_from AND x.interaction_ts < c.valid_to
LEFT JOIN dim_employee AS e ON e.employee_id = x.employee_id
WHERE x.reason IS NULL
  AND NOT EXISTS (SELECT 1 FROM fact_interaction AS f WHERE f.interaction_id = x.interaction_id)
ORDER BY x.interaction_ts, x.interaction_id;
