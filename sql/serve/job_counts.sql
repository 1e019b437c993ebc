-- /metrics: job runs in the published run history, by job and status.
SELECT job, status, count(*) AS runs
FROM ops.job_runs
GROUP BY ALL;
