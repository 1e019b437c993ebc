-- The landing partition of {{.Table}} as read, with its source line number (_row, from 1).
CREATE OR REPLACE TEMP VIEW raw_{{.Table}} AS
SELECT file_row_number + 1 AS _row{{range .Columns}}, "{{.}}"{{end}}, _malformed
FROM read_parquet({{quote .Path}}, file_row_number = true);
