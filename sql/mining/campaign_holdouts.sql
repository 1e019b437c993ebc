-- The control groups held out of campaign lists at export (crmwh export --control, recorded in
-- ops.export_holdouts of {{.Access}}): each held-out customer with the campaign and the moment.
-- A campaign exported more than once takes its latest list's control group.
{{- if .Exists}}
ATTACH IF NOT EXISTS {{quote .Access}} AS access_store (READ_ONLY);
CREATE OR REPLACE TEMP TABLE campaign_holdouts AS
SELECT campaign_id, customer_id, held_out_at
FROM access_store.ops.export_holdouts
WHERE export_id IN (SELECT max(export_id) FROM access_store.ops.export_holdouts GROUP BY campaign_id);
DETACH access_store;
{{- else}}
CREATE OR REPLACE TEMP TABLE campaign_holdouts (campaign_id VARCHAR, customer_id VARCHAR, held_out_at TIMESTAMP);
{{- end}}
