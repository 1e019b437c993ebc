-- The stores by satisfaction and complaints, lowest CSI first, for the demo's summary: what the
-- Service page shows (scores.satisfaction_summary, scores.complaint_summary).
SELECT s.member AS store, s.member_name AS name, s.surveys, round(s.csi, 3) AS csi, round(s.gap, 2) AS gap,
    c.complaints, round(c.complaint_rate_orders, 2) AS complaints_per_100_orders,
    round(c.median_resolution_days, 1) AS median_days_to_resolve
FROM scores.satisfaction_summary AS s
LEFT JOIN scores.complaint_summary AS c ON c.dimension = 'store' AND c.period = 'all' AND c.member = s.member
WHERE s.dimension = 'store' AND s.period = 'all' AND s.member <> '(unknown)'
ORDER BY s.csi, s.member
LIMIT 5
