-- One source table's counts (read = loaded + rejected, counted once by the loader) and what the
-- merge changed in its target.
INSERT INTO ops.load_audit VALUES (
    getvariable('run_id'), getvariable('load_date'), '{{.Source}}', '{{.Target}}',
    {{.Read}}, {{.Loaded}}, {{.Rejected}}, {{.Inserted}}, {{.Updated}}, now()::TIMESTAMP);
