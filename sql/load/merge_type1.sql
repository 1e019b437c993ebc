-- Type-1 dimension: merges the valid rows of {{.Source}} into {{.Table}}, overwriting changed
-- columns in place and adding new ids with keys that continue from the largest, in id order.
UPDATE {{.Table}} AS d SET
    {{- range $i, $c := .Columns}}{{if $i}},{{end}} {{$c}} = s.{{$c}}{{end}}
FROM {{.Source}} AS s
WHERE s.reason IS NULL AND d.{{.ID}} = s.{{.ID}}
  AND ({{range $i, $c := .Columns}}{{if $i}} OR {{end}}d.{{$c}} IS DISTINCT FROM s.{{$c}}{{end}});

INSERT INTO {{.Table}} ({{.Key}}, {{.ID}}{{range .Columns}}, {{.}}{{end}})
SELECT (SELECT coalesce(max({{.Key}}), 0) FROM {{.Table}}) + row_number() OVER (ORDER BY s.{{.ID}}),
    s.{{.ID}}{{range .Columns}}, s.{{.}}{{end}}
FROM {{.Source}} AS s
WHERE s.reason IS NULL AND s.{{.ID}} NOT IN (SELECT {{.ID}} FROM {{.Table}});
