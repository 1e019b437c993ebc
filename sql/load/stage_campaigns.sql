-- Types and checks one landing partition of campaigns (view raw_campaigns).
-- load/stage.sql stages these rows with the checks against other tables.
CREATE OR REPLACE TEMP VIEW typed_campaigns AS
WITH t AS (
    SELECT _row, _malformed, txt(campaign_id) AS campaign_id, txt(name) AS name, lower(txt(channel)) AS channel,
        txt(start_date) AS start_raw, txt(end_date) AS end_raw, txt(cost) AS cost_raw
    FROM raw_campaigns
), r AS (
    SELECT *, to_date(start_raw) AS start_date, to_date(end_raw) AS end_date, to_num(cost_raw) AS cost FROM t
), c AS (
    SELECT *, CASE
        WHEN _malformed <> '' THEN unreadable(_malformed)
        WHEN campaign_id IS NULL THEN ['missing_required', 'campaign_id is empty']
        WHEN name IS NULL THEN ['missing_required', 'name is empty']
        WHEN start_raw IS NULL THEN ['missing_required', 'start_date is empty']
        WHEN start_date IS NULL THEN ['unparsable_date', 'start_date ' || q(start_raw) || ' is not a date']
        WHEN end_raw IS NOT NULL AND end_date IS NULL THEN ['unparsable_date', 'end_date ' || q(end_raw) || ' is not a date']
        WHEN end_date < start_date THEN ['invalid_value', 'end_date ' || end_raw || ' is before start_date ' || start_raw]
        WHEN cost_raw IS NOT NULL AND cost IS NULL THEN ['invalid_number', 'cost ' || q(cost_raw) || ' is not a number']
    END AS rj
    FROM r
)
SELECT _row, campaign_id, name, channel, start_date, end_date, CAST(cost AS DECIMAL(18, 2)) AS cost,
    rj[1] AS reason, rj[2] AS detail
FROM c;
