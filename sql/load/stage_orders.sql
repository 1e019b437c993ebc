-- Types and checks one landing partition of orders (view raw_orders).
-- load/stage.sql stages these rows with the checks against other tables.
CREATE OR REPLACE TEMP VIEW typed_orders AS
WITH t AS (
    SELECT _row, _malformed, txt(order_id) AS order_id, txt(customer_id) AS customer_id, txt(store_id) AS store_id,
        txt(employee_id) AS employee_id, lower(txt(channel)) AS channel, txt(order_ts) AS ts_raw,
        coalesce(lower(txt(status)), 'completed') AS status
    FROM raw_orders
), r AS (
    SELECT *, to_ts(ts_raw) AS order_ts FROM t
), c AS (
    SELECT *, CASE
        WHEN _malformed <> '' THEN unreadable(_malformed)
        WHEN order_id IS NULL THEN ['missing_required', 'order_id is empty']
        WHEN customer_id IS NULL THEN ['missing_required', 'customer_id is empty']
        WHEN channel IS NULL THEN ['missing_required', 'channel is empty']
        WHEN ts_raw IS NULL THEN ['missing_required', 'order_ts is empty']
        WHEN order_ts IS NULL THEN ['unparsable_date', 'order_ts ' || q(ts_raw) || ' is not a timestamp']
        WHEN status NOT IN ('completed', 'cancelled', 'returned') THEN ['invalid_value', 'status ' || q(status) || ' is not completed, cancelled or returned']
    END AS rj
    FROM r
)
SELECT _row, order_id, customer_id, store_id, employee_id, channel, order_ts, status,
    rj[1] AS reason, rj[2] AS detail
FROM c;
