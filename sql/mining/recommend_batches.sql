-- The batches the recommendations are computed in: the customer id that ends each full batch of
-- {{.Batch}} customers of {{.Owned}}, in customer order (the last batch, after the last bound, may be
-- shorter). Batches bound the recommendations held in memory before they are appended.
SELECT customer_id
FROM (
    SELECT customer_id, row_number() OVER (ORDER BY customer_id) AS n
    FROM (SELECT DISTINCT customer_id FROM {{.Owned}})
)
WHERE n % {{.Batch}} = 0
ORDER BY customer_id;
