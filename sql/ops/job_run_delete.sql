-- Removes a job's row of a run before it is written again (a job is recorded when it starts
-- and again when it ends; ops.job_runs has no key to upsert on).
DELETE FROM ops.job_runs WHERE run_id = ? AND job = ?;
