-- Customers by CLV quadrant: how many, their predicted CLV in total and on average, their margin
-- to date and mean probability of being alive.
SELECT clv_quadrant AS quadrant, count(*) AS customers, sum(clv) AS clv, avg(clv) AS avg_clv,
    sum(clv_historical) AS margin_to_date, avg(p_alive) AS p_alive
FROM scores.customer_scores WHERE clv_quadrant IS NOT NULL
GROUP BY clv_quadrant
ORDER BY clv DESC
