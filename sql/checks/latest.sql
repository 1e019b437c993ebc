-- The data checks of the latest run that ran them: what failed or warned first, then the rest.
SELECT check_name, kind, table_name, severity, status, failing_rows, array_to_string(sample, ', ') AS sample, detail
FROM ops.data_checks
WHERE run_id = (SELECT arg_max(run_id, checked_at) FROM ops.data_checks)
ORDER BY status = 'pass', severity = 'warn', check_name;
