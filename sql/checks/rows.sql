-- A row-level data check on {{.Table}}: the rows for which the predicate says "bad", counted,
-- with the first five of their keys (sorted) as a sample. One statement, one scan.
WITH bad AS (
    SELECT CAST(({{.Key}}) AS VARCHAR) AS k
    FROM {{.Table}} AS t
    WHERE ({{.Bad}}){{if .Where}} AND ({{.Where}}){{end}}
)
SELECT (SELECT count(*) FROM bad) AS failing,
    coalesce((SELECT list(k) FROM (SELECT k FROM bad ORDER BY k NULLS FIRST LIMIT 5)), []) AS sample,
    '' AS detail;
