-- The service measures' totals for the model record: surveys and complaints up to the as-of date.
SELECT (SELECT coalesce(sum(surveys), 0) FROM satisfaction_summary_result WHERE dimension = 'total' AND period = 'all'),
    (SELECT coalesce(sum(complaints), 0) FROM complaint_summary_result WHERE dimension = 'total' AND period = 'all')
