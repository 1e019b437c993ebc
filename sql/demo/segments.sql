-- The k-means segments, for the demo's summary.
SELECT p.cluster_id AS cluster, p.cluster_label AS label, p.customers,
    round(100 * p.customer_share, 1) AS customers_pct,
    round(100 * p.revenue_share, 1) AS revenue_pct,
    round(any_value(f.mean) FILTER (WHERE f.feature = 'recency_days')) AS recency_days,
    round(any_value(f.mean) FILTER (WHERE f.feature = 'frequency'), 1) AS orders,
    round(any_value(f.mean) FILTER (WHERE f.feature = 'monetary')) AS revenue
FROM scores.cluster_profiles AS p
LEFT JOIN scores.cluster_features AS f USING (cluster_id)
GROUP BY ALL
ORDER BY cluster;
