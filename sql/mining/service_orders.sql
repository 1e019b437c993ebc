-- The orders the service measures relate surveys and complaints to: one row per order (any
-- status: a cancelled or returned order draws complaints too) up to the as-of date, with its
-- customer, time, store, seller, channel and main product category (the category of its largest
-- line by net amount, the first line on a tie), and the members it counts for in each dimension.
CREATE OR REPLACE TEMP TABLE {{.T.ServiceOrders}} AS
WITH o AS (
    SELECT f.order_id, any_value(d.customer_id) AS customer_id, min(f.order_ts) AS order_ts,
        min(f.store_key) AS store_key, min(f.employee_key) AS employee_key, min(ch.channel) AS channel,
        arg_max(p.category, (f.net_amount, -f.line_number)) AS category
    FROM fact_sales AS f
    JOIN dim_customer AS d USING (customer_key)
    JOIN dim_product AS p USING (product_key)
    JOIN dim_channel AS ch USING (channel_key)
    WHERE f.order_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
    GROUP BY f.order_id
)
SELECT o.*, strftime(o.order_ts, '%Y-%m') AS period,
    CASE WHEN o.store_key = 0 THEN '(none)' ELSE st.store_id END AS store, coalesce(st.name, '(none)') AS store_name,
    CASE WHEN o.employee_key = 0 THEN '(none)' ELSE e.employee_id END AS employee, coalesce(e.name, '(none)') AS employee_name
FROM o
LEFT JOIN dim_store AS st ON st.store_key = o.store_key AND o.store_key <> 0
LEFT JOIN dim_employee AS e ON e.employee_key = o.employee_key AND o.employee_key <> 0;
