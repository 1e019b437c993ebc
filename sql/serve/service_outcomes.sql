-- The Service page's satisfaction -> loyalty link: repurchase and churn by satisfaction band, and
-- churn by complaint status, in display order.
SELECT analysis, grp, label, customers, lost, churn_rate, surveys, repurchase_rate
FROM scores.service_outcomes
ORDER BY analysis DESC, sort
