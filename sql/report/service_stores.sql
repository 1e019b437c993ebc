-- Satisfaction and complaints by store for the report, lowest CSI first.
SELECT s.member AS store, s.member_name AS name, s.surveys, s.csi, s.gap,
    c.complaints, c.complaint_rate_orders, c.resolved_share, c.median_resolution_days
FROM scores.satisfaction_summary AS s
LEFT JOIN scores.complaint_summary AS c ON c.dimension = 'store' AND c.period = 'all' AND c.member = s.member
WHERE s.dimension = 'store' AND s.period = 'all' AND s.member NOT IN ('(unknown)', '(none)')
ORDER BY s.csi, s.member
