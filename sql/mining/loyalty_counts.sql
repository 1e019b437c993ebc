-- The loyalty result's counts for the model record: customers by loyalty type (buyers) and by tier.
SELECT 'type' AS kind, coalesce(loyalty_type, '') AS value, count(*) AS n FROM loyalty_result GROUP BY ALL
UNION ALL
SELECT 'tier', tier, count(*) FROM loyalty_result GROUP BY ALL
