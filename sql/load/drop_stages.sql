-- The stage tables (stage.sql) go when the load ends, loaded or failed: they are committed before
-- the load's transaction opens, so its rollback would not remove them; so is
-- new_order_lines.sql's table.
{{- range .}}
DROP TABLE IF EXISTS stg_{{.Name}};
{{- end}}
DROP TABLE IF EXISTS new_order_lines;
