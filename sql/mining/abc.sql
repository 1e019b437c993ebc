-- ABC (Pareto) classes: customers sorted by revenue, highest first (ties by customer id); a
-- customer is A while the revenue of the customers before them is under {{.AShare}} of the total
-- (so A makes the first {{.AShare}}), B while under {{.AShare}} + {{.BShare}}, C otherwise. Customers
-- with no positive revenue are C.
CREATE OR REPLACE TEMP TABLE abc_result AS
WITH m AS (
    SELECT customer_id, sum(amount) AS monetary FROM {{$.T.Tx}} GROUP BY customer_id
), c AS (
    SELECT customer_id, monetary,
        coalesce(sum(greatest(monetary, 0)) OVER (ORDER BY monetary DESC, customer_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
            / nullif(sum(greatest(monetary, 0)) OVER (), 0) AS revenue_share_before
    FROM m
)
SELECT customer_id, revenue_share_before,
    CASE WHEN monetary <= 0 OR revenue_share_before IS NULL THEN 'C'
         WHEN revenue_share_before < {{.AShare}} THEN 'A'
         WHEN revenue_share_before < {{.AShare}} + {{.BShare}} THEN 'B'
         ELSE 'C' END AS abc_class
FROM c;
