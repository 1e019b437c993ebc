-- The jobs of the published run, as they stood when it was published (the publish and lake
-- jobs were still running then).
SELECT job, status, started_at, ended_at, coalesce(rows_written, 0) AS rows_written, coalesce(error, '') AS error
FROM ops.job_runs
WHERE run_id = ?
ORDER BY started_at, job;
