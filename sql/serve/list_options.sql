-- The values each list filter can take in the published snapshot, for the list builder's menus.
SELECT 'rfm_segment' AS filter, rfm_segment AS value, any_value(rfm_segment_label) AS label, count(*) AS customers
    FROM scores.customer_scores WHERE rfm_segment IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'clv_quadrant', clv_quadrant, clv_quadrant, count(*) FROM scores.customer_scores WHERE clv_quadrant IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'cluster', cluster_id::VARCHAR, any_value(cluster_id || ': ' || cluster_label), count(*) FROM scores.customer_scores WHERE cluster_id IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'churn_risk', churn_risk, churn_risk, count(*) FROM scores.customer_scores WHERE churn_risk IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'lifecycle_stage', lifecycle_stage, lifecycle_stage, count(*) FROM scores.customer_scores WHERE lifecycle_stage IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'abc_class', abc_class, abc_class, count(*) FROM scores.customer_scores WHERE abc_class IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'tier', tier, any_value(tier_label), count(*) FROM scores.customer_scores WHERE tier IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'loyalty_type', loyalty_type, any_value(loyalty_type_label), count(*) FROM scores.customer_scores WHERE loyalty_type IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'care', l.list, l.list, count(DISTINCT k.customer_id)
    FROM (SELECT unnest([{{range $i, $l := .CareLists}}{{if $i}}, {{end}}{{quote $l}}{{end}}]) AS list) AS l
    LEFT JOIN scores.care_lists AS k USING (list) GROUP BY ALL
UNION ALL SELECT 'region', region, region, count(*) FROM dim_customer WHERE is_current AND region IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'recommended_product', product_id, any_value(product_name), count(DISTINCT customer_id) FROM scores.recommendations GROUP BY ALL
UNION ALL SELECT CASE WHEN f.contact_group = 'control' THEN 'control_of' ELSE 'contacted_in' END, k.campaign_id,
        any_value(k.campaign_id || ': ' || k.name), count(DISTINCT f.customer_key)
    FROM fact_campaign_contact AS f JOIN dim_campaign AS k USING (campaign_key) GROUP BY ALL
UNION ALL SELECT 'responded_to', k.campaign_id, any_value(k.campaign_id || ': ' || k.name), count(DISTINCT f.customer_key)
    FROM fact_campaign_contact AS f JOIN dim_campaign AS k USING (campaign_key)
    WHERE f.responded AND f.contact_group = 'treatment' GROUP BY ALL
ORDER BY filter, customers DESC, value
