-- The migration from {{.From}} to {{.To}} as a publish kept it in scores.segment_migration (the
-- previous recorded date to each publish), in migration.sql's columns and order: reading it
-- spares the nightly report and `crmwh report migration` the full outer join of two dates'
-- scores (3.8 s at a million customers). {{if .Count}}Here: how many of the dimensions it holds; a
-- pair it lacks, or a dimension added since, is computed by migration.sql.{{end}}
{{- if .Count}}
SELECT count(DISTINCT dimension)
{{- else}}
SELECT dimension, from_as_of, to_as_of, from_value, to_value, customers, clv
{{- end}}
FROM scores.segment_migration
WHERE from_as_of = DATE {{quote .From}} AND to_as_of = DATE {{quote .To}}
    AND dimension IN ({{range $i, $d := .Dimensions}}{{if $i}}, {{end}}{{quote $d}}{{end}})
{{- if not .Count}}
ORDER BY dimension, from_value, to_value
{{- end}}
