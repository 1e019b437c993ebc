-- Value concentration (the report's first section): the customers with a purchase ranked by net
-- revenue to date, highest first, and the share of revenue and of margin (clv_historical) that
-- the top 1%, 5% and 20% of them make (the top ceil(p% of n) customers, ties by customer id).
WITH c AS (
    SELECT customer_id, CAST(monetary AS DOUBLE) AS revenue, coalesce(clv_historical, 0) AS margin
    FROM scores.customer_scores WHERE frequency > 0
), r AS (
    SELECT *, row_number() OVER (ORDER BY revenue DESC, customer_id) AS rk, count(*) OVER () AS n,
        sum(revenue) OVER () AS total_revenue, sum(margin) OVER () AS total_margin
    FROM c
)
SELECT p.top_pct, count(*) AS customers, round(sum(r.revenue), 2) AS revenue,
    sum(r.revenue) / any_value(r.total_revenue) AS revenue_share, sum(r.margin) / any_value(r.total_margin) AS margin_share
FROM (VALUES (1), (5), (20)) AS p(top_pct)
JOIN r ON r.rk <= ceil(r.n * p.top_pct / 100.0)
GROUP BY p.top_pct
ORDER BY p.top_pct
