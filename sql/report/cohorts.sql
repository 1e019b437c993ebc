-- Cohort retention for the report: the last twelve cohorts (month of first purchase) and the share
-- of each buying again 1, 2, 3, 6 and 12 months after (NULL where that month has not come yet).
SELECT strftime(cohort_month, '%Y-%m') AS cohort, any_value(cohort_customers) AS customers,
    max(retention) FILTER (WHERE months_since = 1) AS m1,
    max(retention) FILTER (WHERE months_since = 2) AS m2,
    max(retention) FILTER (WHERE months_since = 3) AS m3,
    max(retention) FILTER (WHERE months_since = 6) AS m6,
    max(retention) FILTER (WHERE months_since = 12) AS m12
FROM scores.cohort_retention
WHERE cohort_month >= (SELECT max(cohort_month) FROM scores.cohort_retention) - INTERVAL 11 MONTH
GROUP BY cohort_month
ORDER BY cohort_month
