-- The landing partition of {{.Table}} as read: _row numbers its rows from 1; _line is the row's
-- first physical data line in its CSV export (partitions without _line: the row number, which
-- is the line when no quoted field holds a line break). A column the partition lacks (an optional
-- column that joined the contract after it was landed) reads as NULL.
CREATE OR REPLACE TEMP VIEW raw_{{.Table}} AS
SELECT file_row_number + 1 AS _row, {{if .HasLine}}CAST(_line AS BIGINT){{else}}file_row_number + 1{{end}} AS _line
    {{- range .Columns}}, {{if has $.Absent .}}CAST(NULL AS VARCHAR) AS {{end}}"{{.}}"{{end}}, _malformed
FROM read_parquet({{quote .Path}}, file_row_number = true);
