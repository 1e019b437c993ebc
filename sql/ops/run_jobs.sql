-- One run's jobs in the order they ran, with attempts, time, rows and error.
SELECT job, status, attempts,
    strftime(started_at, '%H:%M:%S') AS started,
    round(date_diff('millisecond', started_at, coalesce(ended_at, started_at)) / 1000.0, 2) AS seconds,
    rows_read, rows_written, rows_rejected,
    coalesce(error, '') AS error
FROM ops.job_runs
WHERE run_id = {{quote .RunID}}
ORDER BY started_at, job;
