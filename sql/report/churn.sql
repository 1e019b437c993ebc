-- Customers by churn risk, with the CLV at stake (their predicted CLV) and, for the lost, the
-- margin they had brought.
SELECT churn_risk AS risk, count(*) AS customers, sum(coalesce(clv, 0)) AS clv_at_stake, sum(coalesce(clv_historical, 0)) AS margin_to_date
FROM scores.customer_scores WHERE churn_risk IS NOT NULL
GROUP BY churn_risk
ORDER BY CASE churn_risk WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END
