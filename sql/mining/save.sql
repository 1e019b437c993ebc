-- Saves a mining method's results (each <table>_result on this connection) as the latest in
-- mining.<table>, and its model record in scores.model_runs. Runs in one transaction.
{{- range .Tables}}

DELETE FROM mining.{{.}};

INSERT INTO mining.{{.}} BY NAME
SELECT {{quote $.RunID}} AS run_id, CAST({{quote $.AsOf}} AS DATE) AS as_of, *
FROM {{.}}_result;
{{- end}}

INSERT INTO scores.model_runs BY NAME
SELECT {{quote .RunID}} AS run_id, CAST({{quote .AsOf}} AS DATE) AS as_of, {{quote .Method}} AS method,
    now()::TIMESTAMP AS fitted_at, {{.Customers}} AS customers, {{quote .Parameters}}::JSON AS parameters,
    {{quote .Metrics}}::JSON AS metrics, {{if .Notes}}'warning'{{else}}'ok'{{end}} AS status,
    [{{range $i, $n := .Notes}}{{if $i}}, {{end}}{{quote $n}}{{end}}]::VARCHAR[] AS notes;
