-- Saves a mining method's result ({{.Method}}_result on this connection) as the latest in
-- mining.{{.Method}} (with any further result tables, Extra), and its model record in
-- scores.model_runs. Runs in one transaction.
DELETE FROM mining.{{.Method}};

INSERT INTO mining.{{.Method}} BY NAME
SELECT {{quote .RunID}} AS run_id, CAST({{quote .AsOf}} AS DATE) AS as_of, *
FROM {{.Method}}_result;
{{- range .Extra}}

DELETE FROM mining.{{.}};

INSERT INTO mining.{{.}} BY NAME
SELECT {{quote $.RunID}} AS run_id, CAST({{quote $.AsOf}} AS DATE) AS as_of, *
FROM {{.}}_result;
{{- end}}

INSERT INTO scores.model_runs
VALUES ({{quote .RunID}}, CAST({{quote .AsOf}} AS DATE), {{quote .Method}}, now()::TIMESTAMP,
    {{.Customers}}, {{quote .Parameters}}, {{quote .Metrics}});
