-- Types and checks one landing partition of campaign contacts (view raw_campaign_contacts). The
-- optional group is treatment (contacted) or control (held out, not contacted); absent: treatment.
-- load/stage.sql stages these rows with the checks against other tables.
CREATE OR REPLACE TEMP VIEW typed_campaign_contacts AS
WITH t AS (
    SELECT _row, _malformed, txt(campaign_id) AS campaign_id, txt(customer_id) AS customer_id,
        txt(contacted_at) AS ts_raw, txt(responded) AS responded_raw, txt(order_id) AS order_id,
        lower(txt("group")) AS group_raw
    FROM raw_campaign_contacts
), r AS (
    SELECT *, to_ts(ts_raw) AS contacted_at, to_bool(responded_raw) AS responded FROM t
), c AS (
    SELECT *, CASE
        WHEN _malformed <> '' THEN unreadable(_malformed)
        WHEN campaign_id IS NULL THEN ['missing_required', 'campaign_id is empty']
        WHEN customer_id IS NULL THEN ['missing_required', 'customer_id is empty']
        WHEN ts_raw IS NULL THEN ['missing_required', 'contacted_at is empty']
        WHEN contacted_at IS NULL THEN ['unparsable_date', 'contacted_at ' || q(ts_raw) || ' is not a timestamp']
        WHEN responded_raw IS NOT NULL AND responded IS NULL THEN ['invalid_value', 'responded ' || q(responded_raw) || ' is not yes/no']
        WHEN group_raw NOT IN ('treatment', 'control') THEN ['invalid_value', 'group ' || q(group_raw) || ' is not treatment or control']
    END AS rj
    FROM r
)
SELECT _row, campaign_id, customer_id, contacted_at, coalesce(responded, false) AS responded, order_id,
    coalesce(group_raw, 'treatment') AS contact_group, rj[1] AS reason, rj[2] AS detail
FROM c;
