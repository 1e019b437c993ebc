-- The campaign evaluation's input: per campaign, dimension (all, or a segment at contact time),
-- member and group (treatment or control) the customers, responses, attributed orders, revenue
-- and margin, and the window sums the uplift tests need (exact decimal sums, then DOUBLE: the same figures on every run).
WITH o AS (
    SELECT *, 'all' AS dimension, 'all' AS member FROM campaign_outcomes
    UNION ALL SELECT *, 'rfm_segment', rfm_segment FROM campaign_outcomes
    UNION ALL SELECT *, 'clv_quadrant', clv_quadrant FROM campaign_outcomes
    UNION ALL SELECT *, 'churn_risk', churn_risk FROM campaign_outcomes
)
SELECT campaign_id, dimension, member, contact_group, count(*) AS customers,
    count(*) FILTER (WHERE response) AS responses, sum(orders)::BIGINT AS orders,
    CAST(sum(revenue) AS DOUBLE) AS revenue, CAST(sum(margin) AS DOUBLE) AS margin,
    CAST(sum(window_revenue) AS DOUBLE) AS window_revenue,
    CAST(sum(CAST(window_revenue AS DECIMAL(38, 4)) * window_revenue) AS DOUBLE) AS window_revenue_sq,
    CAST(sum(window_margin) AS DOUBLE) AS window_margin
FROM o
GROUP BY ALL
ORDER BY campaign_id, dimension, member, contact_group;
