-- Types and checks one landing partition of interactions (view raw_interactions). The optional
-- category is a complaint's topic; resolved_at is when a complaint was resolved (empty while open).
-- load/stage.sql stages these rows with the checks against other tables.
CREATE OR REPLACE TEMP VIEW typed_interactions AS
WITH t AS (
    SELECT _row, _malformed, txt(interaction_id) AS interaction_id, txt(customer_id) AS customer_id,
        lower(txt("type")) AS interaction_type, txt(interaction_ts) AS ts_raw,
        lower(txt(outcome)) AS outcome, txt(employee_id) AS employee_id,
        lower(txt(category)) AS category, txt(resolved_at) AS resolved_raw
    FROM raw_interactions
), r AS (
    SELECT *, to_ts(ts_raw) AS interaction_ts, to_ts(resolved_raw) AS resolved_at FROM t
), c AS (
    SELECT *, CASE
        WHEN _malformed <> '' THEN unreadable(_malformed)
        WHEN interaction_id IS NULL THEN ['missing_required', 'interaction_id is empty']
        WHEN customer_id IS NULL THEN ['missing_required', 'customer_id is empty']
        WHEN interaction_type IS NULL THEN ['missing_required', 'type is empty']
        WHEN ts_raw IS NULL THEN ['missing_required', 'interaction_ts is empty']
        WHEN interaction_ts IS NULL THEN ['unparsable_date', 'interaction_ts ' || q(ts_raw) || ' is not a timestamp']
        WHEN resolved_raw IS NOT NULL AND resolved_at IS NULL THEN ['unparsable_date', 'resolved_at ' || q(resolved_raw) || ' is not a timestamp']
        WHEN resolved_at < interaction_ts THEN ['invalid_value', 'resolved_at ' || q(resolved_raw) || ' is before interaction_ts']
        WHEN category NOT IN ('product', 'service', 'price', 'delivery', 'staff', 'other') THEN ['invalid_value', 'category ' || q(category) || ' is not product, service, price, delivery, staff or other']
    END AS rj
    FROM r
)
SELECT _row, interaction_id, customer_id, interaction_type, interaction_ts, outcome, employee_id, category, resolved_at,
    rj[1] AS reason, rj[2] AS detail
FROM c;
