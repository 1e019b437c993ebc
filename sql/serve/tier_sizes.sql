-- The Service page's tier sizes: customers per membership tier, highest tier first.
SELECT tier, any_value(tier_label) AS label, count(*) AS customers, count(*) FILTER (WHERE tier_change = 'up') AS up,
    count(*) FILTER (WHERE tier_change = 'down') AS down
FROM scores.customer_scores
WHERE tier IS NOT NULL
GROUP BY tier
ORDER BY min(tier_rank)
