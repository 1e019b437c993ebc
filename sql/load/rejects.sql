-- Keeps every rejected row of {{.Source}} (rej_{{.Source}}, see stage.sql) with its reason and the raw
-- row as read, fields in file order.
INSERT INTO ops.etl_rejects
SELECT getvariable('run_id'), getvariable('load_date'), '{{.Source}}', r._line, s.reason, s.detail,
    to_json({ {{- range $i, $c := .Columns}}{{if $i}}, {{end}}'{{$c}}': r."{{$c}}"{{end -}} })
FROM rej_{{.Source}} AS s JOIN raw_{{.Source}} AS r ON r._row = s._row;
