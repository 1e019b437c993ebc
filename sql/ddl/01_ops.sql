-- Operational metadata: runs, load audits, rejected rows.
CREATE SCHEMA IF NOT EXISTS ops;

CREATE TABLE IF NOT EXISTS ops.job_runs (
    run_id        VARCHAR NOT NULL,
    job           VARCHAR NOT NULL,
    as_of         DATE NOT NULL,
    status        VARCHAR NOT NULL,
    started_at    TIMESTAMP NOT NULL,
    ended_at      TIMESTAMP,
    rows_read     BIGINT,
    rows_written  BIGINT,
    rows_rejected BIGINT,
    error         VARCHAR
);
COMMENT ON TABLE ops.job_runs IS 'One row per job of a run: status, timing, row counts and the error of a failed job.';
COMMENT ON COLUMN ops.job_runs.run_id IS 'Identifier of the run (all jobs started by one crmwh run share it).';
COMMENT ON COLUMN ops.job_runs.job IS 'Job name: extract, load, marts, ...';
COMMENT ON COLUMN ops.job_runs.as_of IS 'The as-of date the run was made for.';
COMMENT ON COLUMN ops.job_runs.status IS 'running, succeeded, failed or skipped.';
COMMENT ON COLUMN ops.job_runs.started_at IS 'When the job started (UTC).';
COMMENT ON COLUMN ops.job_runs.ended_at IS 'When the job ended (UTC); NULL while running.';
COMMENT ON COLUMN ops.job_runs.rows_read IS 'Input rows the job read.';
COMMENT ON COLUMN ops.job_runs.rows_written IS 'Rows the job accepted and wrote.';
COMMENT ON COLUMN ops.job_runs.rows_rejected IS 'Input rows the job rejected (see ops.etl_rejects).';
COMMENT ON COLUMN ops.job_runs.error IS 'Error text of a failed job.';

CREATE TABLE IF NOT EXISTS ops.load_audit (
    run_id         VARCHAR NOT NULL,
    load_date      DATE NOT NULL,
    source_table   VARCHAR NOT NULL,
    target_table   VARCHAR NOT NULL,
    rows_read      BIGINT NOT NULL,
    rows_loaded    BIGINT NOT NULL,
    rows_rejected  BIGINT NOT NULL,
    rows_inserted  BIGINT NOT NULL,
    rows_updated   BIGINT NOT NULL,
    loaded_at      TIMESTAMP NOT NULL
);
COMMENT ON TABLE ops.load_audit IS 'Per run and source table: rows read = rows loaded + rows rejected, and what the load changed in the star schema.';
COMMENT ON COLUMN ops.load_audit.run_id IS 'Run that made the load.';
COMMENT ON COLUMN ops.load_audit.load_date IS 'Landing-zone partition (load date) that was loaded.';
COMMENT ON COLUMN ops.load_audit.source_table IS 'Source table of the operational data contract.';
COMMENT ON COLUMN ops.load_audit.target_table IS 'Star-schema table the source table feeds.';
COMMENT ON COLUMN ops.load_audit.rows_read IS 'Rows in the landing partition.';
COMMENT ON COLUMN ops.load_audit.rows_loaded IS 'Rows that passed validation (already present or new).';
COMMENT ON COLUMN ops.load_audit.rows_rejected IS 'Rows written to ops.etl_rejects.';
COMMENT ON COLUMN ops.load_audit.rows_inserted IS 'Rows (or dimension versions) the load added to the target.';
COMMENT ON COLUMN ops.load_audit.rows_updated IS 'Existing target rows changed in place (type-1 attributes, closed versions).';
COMMENT ON COLUMN ops.load_audit.loaded_at IS 'When the load committed (UTC).';

CREATE TABLE IF NOT EXISTS ops.etl_rejects (
    run_id        VARCHAR NOT NULL,
    load_date     DATE NOT NULL,
    source_table  VARCHAR NOT NULL,
    source_row    BIGINT NOT NULL,
    reason        VARCHAR NOT NULL,
    detail        VARCHAR NOT NULL,
    raw_row       JSON NOT NULL
);
COMMENT ON TABLE ops.etl_rejects IS 'Every input row that failed validation, with its reason; re-loading a load date replaces its rejects.';
COMMENT ON COLUMN ops.etl_rejects.run_id IS 'Run that rejected the row.';
COMMENT ON COLUMN ops.etl_rejects.load_date IS 'Landing-zone partition the row came from.';
COMMENT ON COLUMN ops.etl_rejects.source_table IS 'Source table of the row.';
COMMENT ON COLUMN ops.etl_rejects.source_row IS 'First physical line of the row in its CSV file, counted from the line after the header (1); for mapped and PostgreSQL sources the row number.';
COMMENT ON COLUMN ops.etl_rejects.reason IS 'Reason code: unterminated_quote, invalid_encoding, malformed_row or field_too_long (a line the extract could not read as a row), missing_required, unparsable_date, invalid_number, invalid_quantity, invalid_value, unknown_reference or duplicate_key.';
COMMENT ON COLUMN ops.etl_rejects.detail IS 'The column and value that failed, in words.';
COMMENT ON COLUMN ops.etl_rejects.raw_row IS 'The row as it was read, every field as text.';

ALTER TABLE ops.job_runs ADD COLUMN IF NOT EXISTS attempts INTEGER;
COMMENT ON COLUMN ops.job_runs.attempts IS 'Attempts made (retries + 1); NULL for skipped jobs.';

CREATE TABLE IF NOT EXISTS ops.source_watermarks (
    source_table  VARCHAR NOT NULL,
    watermark     VARCHAR NOT NULL,
    run_id        VARCHAR NOT NULL,
    as_of         DATE NOT NULL,
    advanced_at   TIMESTAMP NOT NULL
);
COMMENT ON TABLE ops.source_watermarks IS 'Per source table of an incremental source, the highest watermark extracted by a run that succeeded: the next extract takes the rows above it.';
COMMENT ON COLUMN ops.source_watermarks.source_table IS 'Table of the source contract.';
COMMENT ON COLUMN ops.source_watermarks.watermark IS 'Highest value of the watermark column (as text) extracted.';
COMMENT ON COLUMN ops.source_watermarks.run_id IS 'The run that extracted it.';
COMMENT ON COLUMN ops.source_watermarks.as_of IS 'As-of date of that run.';
COMMENT ON COLUMN ops.source_watermarks.advanced_at IS 'When the watermark was advanced (UTC), after the run succeeded.';

CREATE TABLE IF NOT EXISTS ops.replaced_exports (
    run_id          VARCHAR NOT NULL,
    load_date       DATE NOT NULL,
    source_table    VARCHAR NOT NULL,
    previous_sha256 VARCHAR NOT NULL,
    new_sha256      VARCHAR NOT NULL,
    replaced_at     TIMESTAMP NOT NULL
);
COMMENT ON TABLE ops.replaced_exports IS 'Landing partitions replaced by a corrected export for the same date (crmwh run --replace-export); never done silently.';
COMMENT ON COLUMN ops.replaced_exports.run_id IS 'Run that replaced the partition.';
COMMENT ON COLUMN ops.replaced_exports.load_date IS 'Load date of the replaced landing partition.';
COMMENT ON COLUMN ops.replaced_exports.source_table IS 'Source table whose export was replaced.';
COMMENT ON COLUMN ops.replaced_exports.previous_sha256 IS 'SHA-256 of the export the partition held before.';
COMMENT ON COLUMN ops.replaced_exports.new_sha256 IS 'SHA-256 of the export that replaced it.';
COMMENT ON COLUMN ops.replaced_exports.replaced_at IS 'When the partition was replaced (UTC).';

CREATE TABLE IF NOT EXISTS ops.data_checks (
    run_id       VARCHAR NOT NULL,
    as_of        DATE NOT NULL,
    check_name   VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    table_name   VARCHAR NOT NULL,
    severity     VARCHAR NOT NULL,
    status       VARCHAR NOT NULL,
    failing_rows BIGINT NOT NULL,
    sample       VARCHAR[] NOT NULL,
    detail       VARCHAR NOT NULL,
    checked_at   TIMESTAMP NOT NULL
);
COMMENT ON TABLE ops.data_checks IS 'Every data check of every run (job checks, after the load and the marts, before mining): its status, failing rows and a sample of them.';
COMMENT ON COLUMN ops.data_checks.run_id IS 'Run that made the check.';
COMMENT ON COLUMN ops.data_checks.as_of IS 'As-of date of the run.';
COMMENT ON COLUMN ops.data_checks.check_name IS 'Name of the check (built-in or from checks.custom of the config).';
COMMENT ON COLUMN ops.data_checks.kind IS 'unique, not_null, relationships, accepted_values, range, expression, freshness or volume.';
COMMENT ON COLUMN ops.data_checks.table_name IS 'Table checked (for volume: the source table).';
COMMENT ON COLUMN ops.data_checks.severity IS 'error (a failure stops the run before mining) or warn (a failure calls the alert hooks).';
COMMENT ON COLUMN ops.data_checks.status IS 'pass, warn (failed, severity warn) or fail (failed, severity error, or the check could not run).';
COMMENT ON COLUMN ops.data_checks.failing_rows IS 'Rows that break the check (freshness: 1 when stale; volume: the difference in rows).';
COMMENT ON COLUMN ops.data_checks.sample IS 'Up to five keys of failing rows, sorted.';
COMMENT ON COLUMN ops.data_checks.detail IS 'What was measured, in words; for a check that could not run, why.';
COMMENT ON COLUMN ops.data_checks.checked_at IS 'When the check ran (UTC).';

-- What fact_customer_month holds, so that the next rebuild can be incremental (marts.CustomerMonth).
CREATE TABLE IF NOT EXISTS ops.mart_state (
    mart             VARCHAR PRIMARY KEY,
    as_of            DATE NOT NULL,
    max_customer_key BIGINT NOT NULL,
    mode             VARCHAR NOT NULL,
    customers        BIGINT NOT NULL,
    rows_written     BIGINT NOT NULL,
    run_id           VARCHAR NOT NULL,
    built_at         TIMESTAMP NOT NULL
);
COMMENT ON TABLE ops.mart_state IS 'The as-of date and extent of each mart''s last build: an incremental rebuild starts from it.';
COMMENT ON COLUMN ops.mart_state.mart IS 'Mart table (fact_customer_month).';
COMMENT ON COLUMN ops.mart_state.as_of IS 'As-of date the mart was last built for.';
COMMENT ON COLUMN ops.mart_state.max_customer_key IS 'Highest dim_customer key then: customers with a newer version are rebuilt from its start.';
COMMENT ON COLUMN ops.mart_state.mode IS 'full (every row rebuilt) or incremental (the months of the last as-of month on, and the changed customers from their first changed month).';
COMMENT ON COLUMN ops.mart_state.customers IS 'Customers whose earlier months the build rewrote: all in a full build; in an incremental one, those whose facts or versions changed (every customer''s months from the previous as-of month are rewritten too).';
COMMENT ON COLUMN ops.mart_state.rows_written IS 'Rows the build wrote.';
COMMENT ON COLUMN ops.mart_state.run_id IS 'Run that built it.';
COMMENT ON COLUMN ops.mart_state.built_at IS 'When the build committed (UTC).';
