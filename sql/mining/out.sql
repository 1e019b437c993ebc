-- Writes a `crmwh mine` method's per-row result to the table the user named (--out), in the
-- input's order.
{{- if .Schema}}
CREATE SCHEMA IF NOT EXISTS {{.Schema}};
{{- end}}
CREATE OR REPLACE TABLE {{.Table}} AS
{{- if eq .Output "rfm"}}
SELECT * FROM rfm_result JOIN abc_result USING (customer_id) ORDER BY customer_id;
{{- else if eq .Output "clv"}}
SELECT * FROM clv_result ORDER BY customer_id;
{{- else if eq .Output "kmeans"}}
SELECT * EXCLUDE (input_row) FROM {{$.T.ClusterAssigned}} ORDER BY input_row;
{{- else if eq .Output "tree"}}
SELECT i.* EXCLUDE (input_row), t.probability, t.predicted, t.reason AS path
FROM (SELECT rowid AS input_row, * FROM {{$.T.TreeInput}}) AS i JOIN {{$.T.TreeScores}} AS t USING (input_row)
ORDER BY input_row;
{{- else if eq .Output "rules"}}
SELECT * FROM association_rules_result ORDER BY rule_id;
{{- end}}
