-- Rows per table (the names from table_counts.sql), for the demo's summary.
{{- range $i, $t := .Tables}}
{{if $i}}UNION ALL {{end}}SELECT {{$i}} AS i, count(*) AS n FROM {{ident (index $t 0)}}.{{ident (index $t 1)}}
{{- end}}
ORDER BY i;
