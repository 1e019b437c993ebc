-- New campaign contacts into fact_campaign_contact (one per campaign and customer), with the
-- customer version valid at the contact (one join per statement, as in insert_fact_sales.sql).
CREATE OR REPLACE TEMP TABLE contacts_done AS
SELECT k.campaign_id, c.customer_id
FROM fact_campaign_contact AS f
JOIN dim_campaign AS k USING (campaign_key)
JOIN dim_customer AS c USING (customer_key);

CREATE OR REPLACE TEMP TABLE new_contacts AS
SELECT s.*, k.campaign_key
FROM stg_campaign_contacts AS s
JOIN dim_campaign AS k ON k.campaign_id = s.campaign_id
ANTI JOIN contacts_done AS d ON d.campaign_id = s.campaign_id AND d.customer_id = s.customer_id
WHERE s.reason IS NULL;

INSERT INTO fact_campaign_contact
SELECT x.campaign_key, c.customer_key, CAST(year(x.contacted_at) * 10000 + month(x.contacted_at) * 100 + day(x.contacted_at) AS INTEGER),
    x.contacted_at, x.responded, x.order_id, getvariable('run_id'), x.contact_group
FROM new_contacts AS x
JOIN dim_customer AS c ON c.customer_id = x.customer_id AND x.contacted_at >= c.valid_from AND x.contacted_at < c.valid_to;
