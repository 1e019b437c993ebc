-- Advances the watermarks of a run that succeeded, in one transaction.
{{- range .Marks}}
DELETE FROM ops.source_watermarks WHERE source_table = {{quote .Table}};
INSERT INTO ops.source_watermarks VALUES ({{quote .Table}}, {{quote .Watermark}}, {{quote $.RunID}}, CAST({{quote $.AsOf}} AS DATE), now()::TIMESTAMP);
{{- end}}
