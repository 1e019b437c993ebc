-- The ten employees with the lowest CSI (at least ? surveys) for the report.
SELECT member AS employee, member_name AS name, surveys, csi, gap
FROM scores.satisfaction_summary
WHERE dimension = 'employee' AND period = 'all' AND member NOT IN ('(unknown)', '(none)') AND surveys >= ?
ORDER BY csi, member
LIMIT 10
