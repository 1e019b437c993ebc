-- Jobs still "running" when a run starts were left by a process that died (the run lock is held
-- now, so no live run owns them): they failed.
UPDATE ops.job_runs
SET status = 'failed', ended_at = now()::TIMESTAMP,
    error = 'interrupted: the process ended before the job finished'
WHERE status = 'running';
