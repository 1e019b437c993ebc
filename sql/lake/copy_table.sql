-- Writes {{.Table}} as Parquet into the directory {{.Dir}}{{if .PartitionBy}}, one folder per month ({{.PartitionBy}}){{end}}.
{{- if and .PartitionBy .Empty}}
-- Empty: one file without rows, so that the snapshot's view still finds a file and its columns.
COPY (SELECT *, strftime({{.PartitionBy}}, '%Y-%m') AS year_month FROM {{.Table}})
TO {{quote (printf "%s/empty.parquet" .Dir)}} (FORMAT parquet, COMPRESSION zstd);
{{- else if .PartitionBy}}
COPY (SELECT *, strftime({{.PartitionBy}}, '%Y-%m') AS year_month FROM {{.Table}})
TO {{quote .Dir}} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year_month));
{{- else}}
-- Row groups of 16,384 rows: a lookup of one customer (the 360 page, a list's reasons) reads the
-- row groups whose statistics hold the key, not a tenth of the table.
COPY {{.Table}} TO {{quote (printf "%s/%s" .Dir .File)}} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 16384);
{{- end}}
