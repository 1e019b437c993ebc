-- The freshness data check: the latest {{.Column}} of {{.Table}} up to the as-of date must be at
-- most {{.MaxAgeDays}} days before it. Failing is 1 when it is older (or there is none).
WITH latest AS (
    SELECT max(t.{{.Column}}) AS m
    FROM {{.Table}} AS t
    WHERE CAST(t.{{.Column}} AS DATE) <= CAST({{quote .AsOf}} AS DATE){{if .Where}} AND ({{.Where}}){{end}}
)
SELECT CASE WHEN m IS NULL OR CAST(m AS DATE) < CAST({{quote .AsOf}} AS DATE) - {{.MaxAgeDays}} THEN 1 ELSE 0 END AS failing,
    CASE WHEN m IS NULL THEN [] ELSE [CAST(m AS VARCHAR)] END AS sample,
    CASE WHEN m IS NULL THEN 'no {{.Column}} up to the as-of date'
        ELSE 'latest {{.Column}} ' || CAST(CAST(m AS DATE) AS VARCHAR) || ', '
            || date_diff('day', CAST(m AS DATE), CAST({{quote .AsOf}} AS DATE)) || ' days before the as-of date (at most {{.MaxAgeDays}})'
    END AS detail
FROM latest;
