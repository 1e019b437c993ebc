-- /metrics: each job's last finished run (duration, rows written) and its last success.
SELECT job, epoch(ended_at - started_at) AS seconds, coalesce(rows_written, 0) AS rows_written,
    (SELECT max(epoch(s.ended_at)) FROM ops.job_runs AS s WHERE s.job = j.job AND s.status = 'succeeded') AS last_success
FROM ops.job_runs AS j
WHERE ended_at IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY job ORDER BY ended_at DESC) = 1;
