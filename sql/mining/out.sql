-- Writes a `crmwh mine` result to the table the user named.
{{- if .Schema}}
CREATE SCHEMA IF NOT EXISTS {{.Schema}};
{{- end}}
CREATE OR REPLACE TABLE {{.Table}} AS {{.Select}};
