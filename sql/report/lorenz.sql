-- The Lorenz curve of revenue: for every 5% of the customers with a purchase (highest revenue
-- first), the share of revenue they make together.
WITH r AS (
    SELECT CAST(monetary AS DOUBLE) AS revenue,
        row_number() OVER (ORDER BY monetary DESC, customer_id) AS rk, count(*) OVER () AS n, sum(CAST(monetary AS DOUBLE)) OVER () AS total
    FROM scores.customer_scores WHERE frequency > 0
)
SELECT p.pct, coalesce(sum(r.revenue) / any_value(r.total), 0) AS share
FROM (SELECT range AS pct FROM range(0, 105, 5)) AS p
LEFT JOIN r ON r.rk <= ceil(r.n * p.pct / 100.0)
GROUP BY p.pct
ORDER BY p.pct
