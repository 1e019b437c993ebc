-- fact_customer_month, step 2 of 2, for the customers of chunk getvariable('chunk'): one row per
-- customer and month from the month the customer was created (an incremental rebuild: from
-- cm_customers.start, the running totals seeded with the months kept) to the as-of month. Working a
-- chunk at a time bounds the memory the window and joins need, whatever the customer count. No ORDER
-- BY: nothing reads the rows in stored order, and sorting them cost a third of the rebuild.
INSERT INTO fact_customer_month
WITH grid AS (
    SELECT c.cust, c.customer_id, c.created_at,
        CAST(unnest(generate_series(greatest(date_trunc('month', c.created_at), c.start), date_trunc('month', getvariable('as_of')), INTERVAL 1 MONTH)) AS DATE) AS month
    FROM cm_customers AS c
    WHERE c.chunk = getvariable('chunk') AND CAST(c.created_at AS DATE) <= getvariable('as_of')
), seed AS (
    -- what the months kept (before start, from the month of creation) add to the running totals
    SELECT c.cust, sum(s.orders) AS orders, sum(s.revenue) AS revenue, max(s.last_order_ts) AS last_order_ts
    FROM cm_customers AS c JOIN (FROM cm_sales WHERE chunk = getvariable('chunk')) AS s USING (cust)
    WHERE c.chunk = getvariable('chunk') AND s.month >= date_trunc('month', c.created_at) AND s.month < c.start
    GROUP BY c.cust
), m AS (
    SELECT g.cust, g.customer_id, g.month, g.created_at,
        -- the instant the month's snapshot is taken: its last moment, or the end of the as-of day
        least(g.month + INTERVAL 1 MONTH, getvariable('as_of') + INTERVAL 1 DAY) - INTERVAL 1 MICROSECOND AS snapshot_at,
        coalesce(s.orders, 0) AS orders, coalesce(s.order_lines, 0) AS order_lines, coalesce(s.units, 0) AS units,
        coalesce(s.revenue, 0) AS revenue, coalesce(s.margin, 0) AS margin, s.last_order_ts,
        coalesce(v.interactions, 0) AS interactions, coalesce(v.service_visits, 0) AS service_visits,
        coalesce(v.complaints, 0) AS complaints, coalesce(v.unresolved_complaints, 0) AS unresolved_complaints,
        coalesce(q.surveys, 0) AS surveys, q.avg_satisfaction,
        coalesce(k.campaign_contacts, 0) AS campaign_contacts, coalesce(k.campaign_responses, 0) AS campaign_responses
    FROM grid AS g
    LEFT JOIN (FROM cm_sales WHERE chunk = getvariable('chunk')) AS s USING (cust, month)
    LEFT JOIN (FROM cm_service WHERE chunk = getvariable('chunk')) AS v USING (cust, month)
    LEFT JOIN (FROM cm_surveys WHERE chunk = getvariable('chunk')) AS q USING (cust, month)
    LEFT JOIN (FROM cm_campaigns WHERE chunk = getvariable('chunk')) AS k USING (cust, month)
), w AS (
    SELECT m.*,
        coalesce(seed.orders, 0) + sum(m.orders) OVER cust_months AS cumulative_orders,
        coalesce(seed.revenue, 0) + sum(m.revenue) OVER cust_months AS cumulative_revenue,
        greatest(seed.last_order_ts, max(m.last_order_ts) OVER cust_months) AS last_order_so_far
    FROM m LEFT JOIN seed USING (cust)
    WINDOW cust_months AS (PARTITION BY cust ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT w.month, w.customer_id, d.customer_key,
    CAST(datediff('month', w.created_at, w.month) AS INTEGER) AS tenure_months,
    w.orders, w.order_lines, CAST(w.units AS BIGINT) AS units,
    CAST(w.revenue AS DECIMAL(18, 2)) AS revenue, CAST(w.margin AS DECIMAL(18, 2)) AS margin,
    w.interactions, w.service_visits, w.complaints, w.unresolved_complaints,
    w.surveys, w.avg_satisfaction, w.campaign_contacts, w.campaign_responses,
    w.orders > 0 AS is_active,
    CAST(w.cumulative_orders AS BIGINT) AS cumulative_orders,
    CAST(w.cumulative_revenue AS DECIMAL(18, 2)) AS cumulative_revenue,
    CAST(datediff('day', w.last_order_so_far, w.snapshot_at) AS INTEGER) AS days_since_last_order
FROM w
JOIN (FROM cm_keys WHERE chunk = getvariable('chunk')) AS d
    ON d.cust = w.cust AND w.snapshot_at >= d.valid_from AND w.snapshot_at < d.valid_to;
