-- The customer's campaign contacts (and control-group memberships), newest first.
SELECT k.campaign_id, k.name AS campaign, f.contacted_at, f.contact_group, f.responded, f.order_id
FROM fact_campaign_contact AS f
JOIN dim_campaign AS k USING (campaign_key)
WHERE f.customer_key IN ({{.Keys}})
ORDER BY f.contacted_at DESC, k.campaign_id
