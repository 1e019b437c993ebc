-- The dashboard's trend charts: the customer base of the last 24 months in total (active, new,
-- lost customers and the retention rate), oldest first.
SELECT strftime(month, '%Y-%m') AS month, active_customers, new_customers, lost_customers, coalesce(retention_rate, 0)
FROM (
    SELECT * FROM scores.customer_base_trend WHERE dimension = 'all' ORDER BY month DESC LIMIT 24
)
ORDER BY month;
