-- Saves a mining method's results (each <table>_result on this connection) as the latest in
-- mining.<table>, and its model record in scores.model_runs. Runs in one transaction.
{{- range .Tables}}

DELETE FROM mining.{{.}};

INSERT INTO mining.{{.}} BY NAME
SELECT {{quote $.RunID}} AS run_id, CAST({{quote $.AsOf}} AS DATE) AS as_of, *
FROM {{.}}_result;
{{- end}}

INSERT INTO scores.model_runs
VALUES ({{quote .RunID}}, CAST({{quote .AsOf}} AS DATE), {{quote .Method}}, now()::TIMESTAMP,
    {{.Customers}}, {{quote .Parameters}}, {{quote .Metrics}});
