-- fact_customer_month, incremental rebuild: deletes the rows step 2 (customer_month_chunk.sql)
-- writes again, from the months customer_month_changed.sql set in cm_customers.start: every
-- customer's from the previous as-of month, the changed customers' from their first changed month.
DELETE FROM fact_customer_month WHERE month >= date_trunc('month', getvariable('prev_as_of'));
DELETE FROM fact_customer_month AS f
USING (
    SELECT customer_id, start FROM cm_customers WHERE start < date_trunc('month', getvariable('prev_as_of'))
) AS c
WHERE f.customer_id = c.customer_id AND f.month >= c.start;
