-- fact_customer_month, step 2 of 2, for the customers of chunk getvariable('chunk'): one row per
-- customer and month from the month the customer was created (an incremental rebuild: from
-- cm_customers.start) to the as-of month. Working a chunk at a time bounds the memory the joins
-- need, whatever the customer count. No ORDER BY: nothing reads the rows in stored order, and
-- sorting them cost a third of the rebuild.
-- The running totals are computed over the months with sales only (about a quarter of the rows),
-- not windowed over every month with all its columns: each month with sales opens a run of months
-- up to the next one that share its totals, and the months between carry zero sales. Windowing
-- the full grid sorted every row with its whole width (1M customers: a chunk 5.6 s -> 4.2 s, the
-- same rows). An incremental rebuild windows only the months it writes, seeded with the totals of
-- the months it keeps.
INSERT INTO fact_customer_month
WITH c AS (
    SELECT cust, customer_id, created_at, CAST(date_trunc('month', created_at) AS DATE) AS created_month,
        CAST(greatest(date_trunc('month', created_at), start) AS DATE) AS first_month
    FROM cm_customers
    WHERE chunk = getvariable('chunk') AND CAST(created_at AS DATE) <= getvariable('as_of')
), seed AS (
    -- what the months kept before the first month rebuilt (an incremental rebuild) add to the running totals
    SELECT s.cust, sum(s.orders) AS orders, sum(s.revenue) AS revenue, max(s.last_order_ts) AS last_order_ts
    FROM (FROM cm_sales WHERE chunk = getvariable('chunk')) AS s JOIN c USING (cust)
    WHERE s.month >= c.created_month AND s.month < c.first_month
    GROUP BY s.cust
), s AS (
    -- the months with sales from the first month rebuilt, with running totals and the next such month
    SELECT s.cust, s.month, s.orders, s.order_lines, s.units, s.revenue, s.margin, s.last_order_ts,
        coalesce(seed.orders, 0) + sum(s.orders) OVER w AS cumulative_orders,
        coalesce(seed.revenue, 0) + sum(s.revenue) OVER w AS cumulative_revenue,
        greatest(seed.last_order_ts, max(s.last_order_ts) OVER w) AS last_order_so_far,
        lead(s.month) OVER (PARTITION BY s.cust ORDER BY s.month) AS next_month
    FROM (FROM cm_sales WHERE chunk = getvariable('chunk')) AS s JOIN c USING (cust) LEFT JOIN seed USING (cust)
    WHERE s.month >= c.first_month
    WINDOW w AS (PARTITION BY s.cust ORDER BY s.month ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
), seg AS (
    -- runs of months [seg_start, seg_end) sharing running totals: from each month with sales, and
    -- from the first month rebuilt up to the first sale (or the as-of month's end) with the seed's
    SELECT cust, month AS seg_start, coalesce(next_month, date_trunc('month', getvariable('as_of')) + INTERVAL 1 MONTH) AS seg_end,
        orders, order_lines, units, revenue, margin, last_order_ts, cumulative_orders, cumulative_revenue, last_order_so_far
    FROM s
    UNION ALL
    SELECT c.cust, c.first_month, coalesce(min(s.month), date_trunc('month', getvariable('as_of')) + INTERVAL 1 MONTH),
        0, 0, 0, 0, 0, NULL, coalesce(any_value(seed.orders), 0), coalesce(any_value(seed.revenue), 0), any_value(seed.last_order_ts)
    FROM c LEFT JOIN s USING (cust) LEFT JOIN seed USING (cust)
    GROUP BY c.cust, c.first_month
), m AS (
    -- the months of each run from the first month rebuilt; the run's own sales in its first month
    SELECT g.cust, g.customer_id, g.month, g.created_at,
        least(g.month + INTERVAL 1 MONTH, getvariable('as_of') + INTERVAL 1 DAY) - INTERVAL 1 MICROSECOND AS snapshot_at,
        CASE WHEN g.month = g.seg_start THEN g.orders ELSE 0 END AS orders,
        CASE WHEN g.month = g.seg_start THEN g.order_lines ELSE 0 END AS order_lines,
        CASE WHEN g.month = g.seg_start THEN g.units ELSE 0 END AS units,
        CASE WHEN g.month = g.seg_start THEN g.revenue ELSE 0 END AS revenue,
        CASE WHEN g.month = g.seg_start THEN g.margin ELSE 0 END AS margin,
        g.cumulative_orders, g.cumulative_revenue, g.last_order_so_far
    FROM (
        SELECT seg.*, c.customer_id, c.created_at,
            CAST(unnest(generate_series(seg.seg_start, seg.seg_end - INTERVAL 1 MONTH, INTERVAL 1 MONTH)) AS DATE) AS month
        FROM seg JOIN c USING (cust)
    ) AS g
), w AS (
    SELECT m.*,
        coalesce(v.interactions, 0) AS interactions, coalesce(v.service_visits, 0) AS service_visits,
        coalesce(v.complaints, 0) AS complaints, coalesce(v.unresolved_complaints, 0) AS unresolved_complaints,
        coalesce(q.surveys, 0) AS surveys, q.avg_satisfaction,
        coalesce(k.campaign_contacts, 0) AS campaign_contacts, coalesce(k.campaign_responses, 0) AS campaign_responses
    FROM m
    LEFT JOIN (FROM cm_service WHERE chunk = getvariable('chunk')) AS v USING (cust, month)
    LEFT JOIN (FROM cm_surveys WHERE chunk = getvariable('chunk')) AS q USING (cust, month)
    LEFT JOIN (FROM cm_campaigns WHERE chunk = getvariable('chunk')) AS k USING (cust, month)
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
