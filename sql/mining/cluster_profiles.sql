-- Cluster profiles from {{.Input}} (row order = rowid) and cluster_labels (input_row, cluster_id) with
-- cluster_names (cluster_id, cluster_label) and cluster_z (cluster_id, feature, z_score): per
-- cluster its size and shares and, per feature, its mean in original units against the overall mean.
CREATE OR REPLACE TEMP TABLE {{$.T.ClusterAssigned}} AS
SELECT i.*, l.cluster_id, n.cluster_label
FROM (SELECT rowid AS input_row, * FROM {{.Input}}) AS i
JOIN cluster_labels AS l USING (input_row)
JOIN cluster_names AS n USING (cluster_id);

CREATE OR REPLACE TEMP TABLE cluster_profiles_result AS
SELECT cluster_id, cluster_label,
    count(*) AS customers,
    count(*) / sum(count(*)) OVER () AS customer_share,
    {{if .Revenue}}sum({{ident .Revenue}}) / sum(sum({{ident .Revenue}})) OVER (){{else}}CAST(NULL AS DOUBLE){{end}} AS revenue_share
FROM {{$.T.ClusterAssigned}}
GROUP BY cluster_id, cluster_label;

CREATE OR REPLACE TEMP TABLE cluster_features_result AS
SELECT m.*, z.z_score
FROM (
{{- range $i, $f := .Features}}
    {{if $i}}UNION ALL {{end}}SELECT cluster_id, {{quote $f}} AS feature,
        CAST(avg({{ident $f}}) AS DOUBLE) AS mean,
        CAST((SELECT avg({{ident $f}}) FROM {{$.T.ClusterAssigned}}) AS DOUBLE) AS overall_mean
    FROM {{$.T.ClusterAssigned}} GROUP BY cluster_id
{{- end}}
) AS m
LEFT JOIN cluster_z AS z USING (cluster_id, feature)
ORDER BY cluster_id, feature;
