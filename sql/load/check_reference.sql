-- Rejects rows of {{.Stage}} whose {{.Column}} names no valid row of this load nor of the warehouse
-- ({{.Key}} of {{.TargetStage}}{{if .Earlier}} or of {{.Earlier}}{{end}}).
-- An empty {{.Column}} is allowed here: required columns are checked while staging. Used for a
-- reference within the table (a customer's referrer), run until it rejects no more rows; references
-- to other tables are checked while staging (stage.sql).
UPDATE {{.Stage}} SET reason = 'unknown_reference',
    detail = '{{.Column}} ' || q({{.Column}}) || ' is not a known {{.Entity}}'
WHERE reason IS NULL AND {{.Column}} IS NOT NULL
  AND {{.Column}} NOT IN (
      SELECT {{.Key}} FROM {{.TargetStage}} WHERE reason IS NULL
      {{- if .Earlier}}
      UNION ALL SELECT {{.Key}} FROM {{.Earlier}}
      {{- end}}
  );
