-- New campaign contacts into fact_campaign_contact (one per campaign and customer).
INSERT INTO fact_campaign_contact
SELECT k.campaign_key, c.customer_key, CAST(strftime(x.contacted_at, '%Y%m%d') AS INTEGER),
    x.contacted_at, x.responded, x.order_id, getvariable('run_id')
FROM stg_campaign_contacts AS x
JOIN dim_campaign AS k ON k.campaign_id = x.campaign_id
JOIN dim_customer AS c ON c.customer_id = x.customer_id AND x.contacted_at >= c.valid_from AND x.contacted_at < c.valid_to
WHERE x.reason IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM fact_campaign_contact AS f JOIN dim_customer AS fc USING (customer_key)
      WHERE f.campaign_key = k.campaign_key AND fc.customer_id = x.customer_id)
ORDER BY x.contacted_at, x.campaign_id, x.customer_id;
