-- The stage tables (stage.sql) go when the load ends, loaded or failed: they are committed before
-- the load's transaction opens, so its rollback would not remove them.
{{- range .}}
DROP TABLE IF EXISTS stg_{{.Name}};
{{- end}}
