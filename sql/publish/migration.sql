-- Segment migration: customers by their value of each categorical score at {{.From}} (rows)
-- and at {{.To}} (columns), with their CLV (at the later date; at the earlier one for customers
-- gone by then). (new): not yet known at the earlier date; (gone): no longer known at the later
-- one; (none): known but without a value. Both sides come from scores_as_of, so any two dates
-- of the history can be compared; FromTable and ToTable, when set, hold them already (the
-- publish reads a date that two migrations compare once: migration_scores.sql).
WITH f AS (
    SELECT * FROM {{if .FromTable}}{{.FromTable}}{{else}}scores_as_of(DATE {{quote .From}}){{end}}
), t AS (
    SELECT * FROM {{if .ToTable}}{{.ToTable}}{{else}}scores_as_of(DATE {{quote .To}}){{end}}
), pairs AS (
    SELECT f.customer_id AS f_id, t.customer_id AS t_id, coalesce(t.clv, 0) AS t_clv, coalesce(f.clv, 0) AS f_clv
    {{- range .Dimensions}},
        f.{{ident .}} AS {{ident (printf "f_%s" .)}}, t.{{ident .}} AS {{ident (printf "t_%s" .)}}
    {{- end}}
    FROM f FULL OUTER JOIN t ON f.customer_id = t.customer_id
)
{{- range $i, $d := .Dimensions}}
{{if $i}}UNION ALL
{{end}}SELECT {{quote $d}} AS dimension, DATE {{quote $.From}} AS from_as_of, DATE {{quote $.To}} AS to_as_of,
    CASE WHEN f_id IS NULL THEN '(new)' ELSE coalesce({{ident (printf "f_%s" $d)}}, '(none)') END AS from_value,
    CASE WHEN t_id IS NULL THEN '(gone)' ELSE coalesce({{ident (printf "t_%s" $d)}}, '(none)') END AS to_value,
    count(*) AS customers,
    round(sum(CASE WHEN t_id IS NULL THEN f_clv ELSE t_clv END), 2) AS clv
FROM pairs
GROUP BY ALL
{{- end}}
ORDER BY dimension, from_value, to_value
