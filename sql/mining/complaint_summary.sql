-- Complaints by store, employee, product category and topic, in total and by month. A complaint
-- belongs to the customer's latest order at or before it (its store, seller and main category;
-- (unknown) when there is none). Rates are per 100 customers with an order of the same member and
-- period, and per 100 such orders (a topic is measured against all of them). Resolved: resolved
-- by the as-of date (resolved_at), or marked resolved by an export without resolution times.
-- Leaves complaint_summary_result; needs service_order_counts (satisfaction_summary.sql).
CREATE OR REPLACE TEMP TABLE service_complaint_members AS
WITH c AS (
    SELECT x.interaction_id, d.customer_id, d.cust, x.interaction_ts, x.category AS topic,
        CASE WHEN x.resolved_at IS NOT NULL THEN x.resolved_at < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
             ELSE x.outcome = 'resolved' END AS resolved,
        CASE WHEN x.resolved_at < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
             THEN date_diff('second', x.interaction_ts, x.resolved_at) / 86400.0 END AS resolution_days
    FROM fact_interaction AS x
    JOIN service_customers AS d USING (customer_key)
    WHERE x.interaction_type = 'complaint' AND x.interaction_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
), a AS (
    SELECT c.* EXCLUDE (cust), strftime(c.interaction_ts, '%Y-%m') AS period, o.order_id,
        coalesce(st.member, '(unknown)') AS store, coalesce(st.member_name, '(unknown)') AS store_name,
        coalesce(e.member, '(unknown)') AS employee, coalesce(e.member_name, '(unknown)') AS employee_name,
        coalesce(cat.member, '(unknown)') AS category
    FROM c ASOF LEFT JOIN {{.T.ServiceOrders}} AS o ON o.cust = c.cust AND c.interaction_ts >= o.order_ts
    LEFT JOIN service_members AS st ON st.dimension = 'store' AND st.k = o.store_key
    LEFT JOIN service_members AS e ON e.dimension = 'employee' AND e.k = o.employee_key
    LEFT JOIN service_members AS cat ON cat.dimension = 'category' AND cat.k = o.category_id
)
SELECT interaction_id, customer_id, resolved, resolution_days, period, unnest([
    {'dimension': 'total', 'member': 'all', 'member_name': 'All'},
    {'dimension': 'store', 'member': store, 'member_name': store_name},
    {'dimension': 'employee', 'member': employee, 'member_name': employee_name},
    {'dimension': 'category', 'member': category, 'member_name': category},
    {'dimension': 'topic', 'member': coalesce(topic, '(unknown)'), 'member_name': coalesce(topic, '(unknown)')}
], recursive := true)
FROM a;

CREATE OR REPLACE TEMP TABLE complaint_summary_result AS
WITH k AS (
    SELECT dimension, member, min(member_name) AS member_name, coalesce(period, 'all') AS period,
        count(*) AS complaints, avg(CAST(resolved AS INTEGER)) AS resolved_share,
        round(median(resolution_days), 9) AS median_resolution_days
    FROM service_complaint_members
    GROUP BY GROUPING SETS ((dimension, member, period), (dimension, member))
), r AS (
    SELECT dimension, member, period, count(*) FILTER (WHERE n >= 2) AS repeat_complainers
    FROM (
        SELECT dimension, member, coalesce(period, 'all') AS period, customer_id, count(*) AS n
        FROM service_complaint_members
        GROUP BY GROUPING SETS ((dimension, member, period, customer_id), (dimension, member, customer_id))
    )
    GROUP BY ALL
)
SELECT k.dimension, k.member, k.member_name, k.period, k.complaints, o.customers, CAST(o.orders AS BIGINT) AS orders,
    100.0 * k.complaints / nullif(o.customers, 0) AS complaint_rate,
    100.0 * k.complaints / nullif(o.orders, 0) AS complaint_rate_orders,
    k.resolved_share, k.median_resolution_days, r.repeat_complainers
FROM k
JOIN r USING (dimension, member, period)
LEFT JOIN service_order_counts AS o ON o.period = k.period
    AND (CASE WHEN k.dimension = 'topic' THEN o.dimension = 'total' ELSE o.dimension = k.dimension AND o.member = k.member END)
ORDER BY k.dimension, k.member, k.period;
