-- Rejects rows of stg_{{.Table}} whose {{.Column}} names no valid row of this load nor of the warehouse
-- ({{.Key}} of {{.TargetStage}}{{if .Earlier}} or of {{.Earlier}}{{end}}), adding them to rej_{{.Table}}.
-- An empty {{.Column}} is allowed here: required columns are checked while staging. Used for a
-- reference within the table (a customer's referrer), run until it rejects no more rows; references
-- to other tables are checked while staging (stage.sql).
INSERT INTO rej_{{.Table}}
SELECT _row, 'unknown_reference', '{{.Column}} ' || q({{.Column}}) || ' is not a known {{.Entity}}'
FROM stg_{{.Table}}
WHERE reason IS NULL AND {{.Column}} IS NOT NULL
  AND {{.Column}} NOT IN (
      SELECT {{.Key}} FROM {{.TargetStage}} WHERE reason IS NULL AND {{.Key}} IS NOT NULL
      {{- if .Earlier}}
      UNION ALL SELECT {{.Key}} FROM {{.Earlier}} WHERE {{.Key}} IS NOT NULL
      {{- end}}
  );
