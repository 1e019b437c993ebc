-- The cluster job's per-customer result: the clustered customers' ids with their cluster, for
-- mining.cluster (the profiles and features come from cluster_profiles.sql).
CREATE OR REPLACE TEMP TABLE cluster_result AS
SELECT customer_id, cluster_id, cluster_label FROM {{$.T.ClusterAssigned}};
