-- Converts a PostgreSQL COPY (CSV with a header) into a landing partition: every contract column
-- as text ('' for NULL, as a CSV export reads), _malformed empty (COPY writes no malformed rows).
COPY (
    SELECT {{range $i, $c := .Columns}}{{if $i}}, {{end}}coalesce({{ident $c}}, '') AS {{ident $c}}{{end}}, '' AS _malformed
    FROM read_csv({{quote .CSV}}, header = true, all_varchar = true, quote = '"', escape = '"', auto_detect = false,
        columns = { {{- range $i, $c := .Columns}}{{if $i}}, {{end}}{{quote $c}}: 'VARCHAR'{{end -}} })
) TO {{quote .Dst}} (FORMAT parquet, COMPRESSION snappy);
