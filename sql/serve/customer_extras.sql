-- The customer's recommendations (best first) and care-list reasons.
SELECT 'recommendation' AS kind, product_name AS text, "rank" AS sort FROM scores.recommendations WHERE customer_id = $1
UNION ALL
SELECT 'care', list || ': ' || reason, 0 FROM scores.care_lists WHERE customer_id = $1
ORDER BY kind, sort, text
