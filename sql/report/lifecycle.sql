-- Customers by lifecycle stage and, of them, those whose spending is declining.
SELECT lifecycle_stage AS stage, count(*) AS customers, count(*) FILTER (WHERE decline_warning) AS declining,
    sum(CAST(monetary AS DOUBLE)) AS revenue
FROM scores.customer_scores WHERE lifecycle_stage IS NOT NULL
GROUP BY lifecycle_stage
ORDER BY CASE lifecycle_stage WHEN 'acquisition' THEN 1 WHEN 'growth' THEN 2 WHEN 'maturity' THEN 3 WHEN 'decline' THEN 4 ELSE 5 END
