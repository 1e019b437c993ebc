-- Records a job of a run in ops.job_runs with its status, times, row counts, error and attempts.
INSERT INTO ops.job_runs BY NAME SELECT ? AS run_id, ? AS job, ? AS as_of, ? AS status,
    ? AS started_at, ? AS ended_at, ? AS rows_read, ? AS rows_written, ? AS rows_rejected, ? AS error, ? AS attempts;
