-- The latest runs, newest first: one line per run with its overall status and row counts.
SELECT run_id, as_of,
    CASE WHEN bool_or(status = 'running') THEN 'running'
         WHEN bool_or(status = 'failed') THEN 'failed'
         WHEN bool_or(status = 'skipped') THEN 'partial'
         ELSE 'succeeded' END AS status,
    strftime(min(started_at), '%Y-%m-%d %H:%M:%S') AS started,
    round(date_diff('millisecond', min(started_at), max(coalesce(ended_at, started_at))) / 1000.0, 1) AS seconds,
    count(*) AS jobs,
    coalesce(string_agg(job, ', ' ORDER BY started_at) FILTER (WHERE status = 'failed'), '') AS failed_jobs,
    sum(rows_read) FILTER (WHERE job = 'load') AS rows_loaded_read,
    sum(rows_rejected) AS rows_rejected
FROM ops.job_runs
GROUP BY run_id, as_of
ORDER BY run_id DESC
LIMIT {{.Limit}};
