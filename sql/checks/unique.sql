-- The unique data check on {{.Table}} ({{join .Columns ", "}}): the rows whose key another row
-- shares, counted, with the first five repeated keys as a sample. NULL keys are not compared.
WITH dup AS (
    SELECT concat_ws('|', {{range $i, $c := .Columns}}{{if $i}}, {{end}}CAST(t.{{$c}} AS VARCHAR){{end}}) AS k, count(*) AS n
    FROM {{.Table}} AS t
    WHERE {{range $i, $c := .Columns}}{{if $i}} AND {{end}}t.{{$c}} IS NOT NULL{{end}}{{if .Where}} AND ({{.Where}}){{end}}
    GROUP BY ALL
    HAVING count(*) > 1
)
SELECT coalesce((SELECT sum(n) FROM dup), 0)::BIGINT AS failing,
    coalesce((SELECT list(k) FROM (SELECT k FROM dup ORDER BY k LIMIT 5)), []) AS sample,
    coalesce((SELECT count(*) || ' keys repeated' FROM dup WHERE true HAVING count(*) > 0), '') AS detail;
