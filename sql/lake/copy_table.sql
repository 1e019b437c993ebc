-- Writes {{.Table}} as Parquet into the directory {{.Dir}}{{if .PartitionBy}}, one folder per month ({{.PartitionBy}}){{end}}.
{{- if .PartitionBy}}
COPY (SELECT *, strftime({{.PartitionBy}}, '%Y-%m') AS year_month FROM {{.Table}})
TO {{quote .Dir}} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year_month));
{{- else}}
COPY {{.Table}} TO {{quote (printf "%s/%s" .Dir .File)}} (FORMAT parquet, COMPRESSION zstd);
{{- end}}
