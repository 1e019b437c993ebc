-- The mining methods with no saved result for the as-of date: publishing leaves their columns
-- empty, and says so in the log (a method may have been left out of the run).
SELECT m FROM (VALUES
{{- range $i, $m := .Methods}}{{if $i}},{{end}} ({{quote $m}}, (SELECT count(*) FROM mining.{{$m}} WHERE as_of = CAST({{quote $.AsOf}} AS DATE))){{end}}
) AS t(m, n)
WHERE n = 0
ORDER BY m;
