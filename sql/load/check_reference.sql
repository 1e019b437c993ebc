-- Rejects rows of {{.Stage}} whose {{.Column}} names no valid row of this load nor of the warehouse
-- ({{.Key}} of {{.TargetStage}}{{if .Earlier}} or of {{.Earlier}}{{end}}).
-- An empty {{.Column}} is allowed here: required columns are checked while staging.
UPDATE {{.Stage}} SET reason = 'unknown_reference',
    detail = '{{.Column}} ' || q({{.Column}}) || ' is not a known {{.Entity}}'
WHERE reason IS NULL AND {{.Column}} IS NOT NULL
  AND {{.Column}} NOT IN (
      SELECT {{.Key}} FROM {{.TargetStage}} WHERE reason IS NULL
      {{- if .Earlier}}
      UNION ALL SELECT {{.Key}} FROM {{.Earlier}}
      {{- end}}
  );
