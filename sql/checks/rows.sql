-- A row-level data check on {{.Table}}: the rows for which the predicate says "bad", counted,
-- with the first five of their keys (sorted) as a sample, and when some fail, out of how many.
WITH bad AS (
    SELECT CAST(({{.Key}}) AS VARCHAR) AS k
    FROM {{.Table}} AS t
    WHERE ({{.Bad}}){{if .Where}} AND ({{.Where}}){{end}}
)
SELECT n AS failing,
    coalesce((SELECT list(k) FROM (SELECT k FROM bad ORDER BY k NULLS FIRST LIMIT 5)), []) AS sample,
    CASE WHEN n > 0 THEN n || ' of ' || (SELECT count(*) FROM {{.Table}} AS t{{if .Where}} WHERE ({{.Where}}){{end}}) || ' rows' ELSE '' END AS detail
FROM (SELECT count(*) AS n FROM bad);
