-- Rejects rows of {{.Stage}} whose {{.Column}} names no valid row of this load nor of the warehouse.
-- An empty {{.Column}} is allowed here: required columns are checked while staging.
UPDATE {{.Stage}} SET reason = 'unknown_reference',
    detail = '{{.Column}} ' || q({{.Column}}) || ' is not a known {{.Entity}}'
WHERE reason IS NULL AND {{.Column}} IS NOT NULL
  AND {{.Column}} NOT IN (
      SELECT {{.Column}} FROM {{.TargetStage}} WHERE reason IS NULL
      {{- if .TargetDim}}
      UNION ALL SELECT {{.Column}} FROM {{.TargetDim}}
      {{- end}}
  );
