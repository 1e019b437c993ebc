-- Maps foreign files onto the contract table {{.Table}}: the files' rows (all text), kept by the
-- filter, grouped if asked, each contract column an expression; written as the landing
-- partition's Parquet file, every column text, _malformed empty (the files' shape is DuckDB's
-- to read; the values are validated by the load as for any source).
CREATE OR REPLACE TEMP MACRO to_ts(x) AS {{if .TimestampFormat}}try_strptime(x, {{quote .TimestampFormat}}){{else}}TRY_CAST(x AS TIMESTAMP){{end}};
-- clean_id(x): an id as text without the ".0" a spreadsheet or pandas export adds to numbers.
CREATE OR REPLACE TEMP MACRO clean_id(x) AS nullif(regexp_replace(trim(x), '\.0+$', ''), '');
CREATE OR REPLACE TEMP MACRO to_date(x) AS {{if .DateFormat}}CAST(try_strptime(x, {{quote .DateFormat}}) AS DATE){{else}}TRY_CAST(x AS DATE){{end}};

CREATE OR REPLACE TEMP TABLE mapped_source AS
SELECT * FROM read_csv({{.Files}}, all_varchar = true, header = {{.Header}}, delim = {{quote .Delimiter}},
    encoding = {{quote .Encoding}}, union_by_name = true);

CREATE OR REPLACE TEMP TABLE mapped_rows AS
SELECT {{range $i, $c := .Columns}}{{if $i}}, {{end}}CAST(({{$c.Expr}}) AS VARCHAR) AS {{ident $c.Name}}{{end}}, '' AS _malformed
FROM mapped_source
{{- if .Filter}}
WHERE {{.Filter}}
{{- end}}
{{- if .GroupBy}}
GROUP BY {{join .GroupBy ", "}}
{{- end}}
ORDER BY ALL; -- the same files give the same partition, row for row

COPY mapped_rows TO {{quote .Dst}} (FORMAT parquet, COMPRESSION snappy);
