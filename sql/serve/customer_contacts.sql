-- The customer's campaign contacts (and control-group memberships), newest first.
SELECT k.campaign_id, k.name AS campaign, f.contacted_at, f.contact_group, f.responded, f.order_id
FROM fact_campaign_contact AS f
JOIN dim_campaign AS k USING (campaign_key)
JOIN dim_customer AS d USING (customer_key)
WHERE d.customer_id = $1
ORDER BY f.contacted_at DESC, k.campaign_id
