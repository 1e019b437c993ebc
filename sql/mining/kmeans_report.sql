-- The clusters of `crmwh mine kmeans`: size, share and each feature's mean.
PIVOT (
    SELECT p.cluster_id AS cluster, p.cluster_label AS label, p.customers AS rows,
        round(100 * p.customer_share, 1) AS share_pct, f.feature, round(f.mean, 4) AS mean
    FROM cluster_profiles_result AS p JOIN cluster_features_result AS f USING (cluster_id)
) ON feature IN ({{range $i, $f := .Features}}{{if $i}}, {{end}}{{quote $f}}{{end}}) USING first(mean)
ORDER BY cluster;
