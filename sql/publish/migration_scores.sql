-- The scores at {{.Date}} that a migration compares (migration.sql), in the temp table {{.Table}}:
-- the publish reads a date compared twice (into it and from it) once.
{{- if .Current}}
-- {{.Date}} is the date just published, and its snapshot holds the numbers of
-- scores.customer_scores: they are what scores_as_of would rebuild from the history and the
-- snapshot, read without pivoting every customer's intervals (about 3 s a date at a million
-- customers).
CREATE OR REPLACE TEMP TABLE {{.Table}} AS
SELECT customer_id
    {{- range .Dimensions}}, CAST({{ident .}} AS VARCHAR) AS {{ident .}}{{end}}, CAST(clv AS DOUBLE) AS clv
FROM scores.customer_scores
WHERE customer_key IS NOT NULL;
{{- else}}
CREATE OR REPLACE TEMP TABLE {{.Table}} AS
SELECT customer_id{{range .Dimensions}}, {{ident .}}{{end}}, clv FROM scores_as_of(DATE {{quote .Date}});
{{- end}}
