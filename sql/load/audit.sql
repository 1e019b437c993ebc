-- Rows read, loaded and rejected of one source table's staging, with what the merge changed.
INSERT INTO ops.load_audit
SELECT getvariable('run_id'), getvariable('load_date'), '{{.Source}}', '{{.Target}}',
    count(*), count(*) FILTER (WHERE reason IS NULL), count(*) FILTER (WHERE reason IS NOT NULL),
    {{.Inserted}}, {{.Updated}}, now()::TIMESTAMP
FROM stg_{{.Source}};
