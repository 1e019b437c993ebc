-- The most common reasons of the customers at high churn risk: each condition of their paths
-- through the churn tree without the customer's own values and thresholds (a feature and its
-- direction: "days since the last purchase >"), counted over the customers, most common first.
WITH c AS (
    SELECT unnest(string_split(churn_reason, '; ')) AS cond
    FROM scores.customer_scores WHERE churn_risk = 'high' AND churn_reason IS NOT NULL
), k AS (
    SELECT CASE
        WHEN regexp_matches(cond, ' (<=|>) [-0-9.]+$') THEN regexp_replace(cond, ' [-0-9.]+ (<=|>) [-0-9.]+$', ' \1')
        WHEN regexp_matches(cond, ' in \(') THEN regexp_replace(cond, ' [-0-9.]+ in \(.*$', ' in a range')
        ELSE cond END AS reason
    FROM c
)
SELECT reason, count(*) AS customers,
    count(*) / (SELECT count(*) FROM scores.customer_scores WHERE churn_risk = 'high') AS share
FROM k GROUP BY reason
ORDER BY customers DESC, reason
LIMIT 5
