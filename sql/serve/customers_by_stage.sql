-- Customers by lifecycle stage and by churn risk, for the dashboard's second and third charts.
SELECT 'stage' AS chart, coalesce(lifecycle_stage, '(no purchase)') AS label, count(*) AS customers
FROM scores.customer_scores GROUP BY ALL
UNION ALL
SELECT 'churn', coalesce(churn_risk, '(not scored)'), count(*)
FROM scores.customer_scores GROUP BY ALL
ORDER BY chart, customers DESC, label;
