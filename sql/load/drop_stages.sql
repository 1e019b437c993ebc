-- The stages (stage.sql: a view and its table of rejected rows per source table) go when the load
-- ends, loaded or failed, and before it starts: they are temp objects of a pooled connection,
-- which outlive the load. Stage tables of the main schema are what an older crmwh left when it was
-- killed mid-load; the temp views would hide them. So does new_order_lines.sql's table.
{{- range .}}
DROP VIEW IF EXISTS temp.stg_{{.Name}};
DROP TABLE IF EXISTS temp.rej_{{.Name}};
DROP TABLE IF EXISTS main.stg_{{.Name}};
{{- end}}
DROP TABLE IF EXISTS new_order_lines;
