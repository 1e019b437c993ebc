-- Customers and revenue by RFM segment, ABC class and tier (the report's segment section).
SELECT 'rfm_segment' AS dimension, rfm_segment AS member, any_value(rfm_segment_label) AS label, count(*) AS customers,
    sum(CAST(monetary AS DOUBLE)) AS revenue, min(rfm_segment) AS sort
FROM scores.customer_scores WHERE rfm_segment IS NOT NULL GROUP BY rfm_segment
UNION ALL
SELECT 'abc_class', abc_class, abc_class, count(*), sum(CAST(monetary AS DOUBLE)), abc_class
FROM scores.customer_scores WHERE abc_class IS NOT NULL GROUP BY abc_class
UNION ALL
SELECT 'tier', tier, any_value(tier_label), count(*), sum(CAST(monetary AS DOUBLE)), CAST(min(tier_rank) AS VARCHAR)
FROM scores.customer_scores WHERE tier IS NOT NULL GROUP BY tier
ORDER BY dimension, revenue DESC
