-- The dashboard's cohort heatmap: retention of the 12 latest acquisition cohorts over their first
-- 12 months.
SELECT strftime(cohort_month, '%Y-%m'), months_since, retention, active_customers, cohort_customers
FROM scores.cohort_retention
WHERE cohort_month >= (SELECT max(cohort_month) FROM scores.cohort_retention) - INTERVAL 11 MONTH
    AND months_since < 12
ORDER BY cohort_month, months_since;
