-- One run's as-of date and how many jobs it recorded (0: no such run), for `crmwh runs RUN_ID`.
SELECT any_value(as_of), count(*) FROM ops.job_runs WHERE run_id = ?;
