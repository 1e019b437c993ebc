-- The Service page's complaint table for one dimension (store or topic): counts, rates per 100
-- customers and per 100 orders, share resolved, median days to resolve, repeat complainers;
-- highest rate per order first (topics: most complaints first).
SELECT member, member_name, complaints, complaint_rate, complaint_rate_orders, resolved_share, median_resolution_days, repeat_complainers
FROM scores.complaint_summary
WHERE dimension = ? AND period = 'all'
ORDER BY complaint_rate_orders DESC NULLS LAST, complaints DESC, member
