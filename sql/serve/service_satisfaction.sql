-- The Service page's satisfaction table for one dimension (store or employee): CSI, gap, surveys
-- and surveys per order over all periods, lowest CSI first, members with at least ? surveys.
SELECT member, member_name, surveys, csi, gap, response_rate
FROM scores.satisfaction_summary
WHERE dimension = ? AND period = 'all' AND surveys >= ?
ORDER BY csi, member
