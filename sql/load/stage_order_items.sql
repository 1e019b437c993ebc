-- Types and checks one landing partition of order lines (view raw_order_items).
-- load/stage.sql stages these rows with the checks against other tables.
CREATE OR REPLACE TEMP VIEW typed_order_items AS
WITH t AS (
    SELECT _row, _malformed, txt(order_id) AS order_id, txt(line_number) AS line_raw, txt(product_id) AS product_id,
        txt(quantity) AS qty_raw, txt(unit_price) AS price_raw, txt(discount) AS discount_raw
    FROM raw_order_items
), r AS (
    SELECT *, to_int(line_raw) AS line_number, to_num(qty_raw) AS qty, to_num(price_raw) AS unit_price,
        coalesce(to_num(discount_raw), CASE WHEN discount_raw IS NULL THEN 0 END) AS discount
    FROM t
), c AS (
    SELECT *, CASE
        WHEN _malformed <> '' THEN unreadable(_malformed)
        WHEN order_id IS NULL THEN ['missing_required', 'order_id is empty']
        WHEN line_raw IS NULL THEN ['missing_required', 'line_number is empty']
        WHEN product_id IS NULL THEN ['missing_required', 'product_id is empty']
        WHEN qty_raw IS NULL THEN ['missing_required', 'quantity is empty']
        WHEN price_raw IS NULL THEN ['missing_required', 'unit_price is empty']
        WHEN line_number IS NULL THEN ['invalid_number', 'line_number ' || q(line_raw) || ' is not a whole number']
        WHEN qty IS NULL OR qty <> round(qty) THEN ['invalid_number', 'quantity ' || q(qty_raw) || ' is not a whole number']
        WHEN qty <= 0 THEN ['invalid_quantity', 'quantity ' || qty_raw || ' is not positive']
        WHEN unit_price IS NULL THEN ['invalid_number', 'unit_price ' || q(price_raw) || ' is not a number']
        WHEN unit_price < 0 THEN ['invalid_value', 'unit_price ' || price_raw || ' is negative']
        WHEN discount IS NULL THEN ['invalid_number', 'discount ' || q(discount_raw) || ' is not a number']
        WHEN discount < 0 OR discount >= 1 THEN ['invalid_value', 'discount ' || discount_raw || ' is not a fraction from 0 to below 1']
    END AS rj
    FROM r
)
SELECT _row, order_id, line_number, product_id, CAST(qty AS INTEGER) AS quantity,
    CAST(unit_price AS DECIMAL(18, 2)) AS unit_price, CAST(discount AS DECIMAL(5, 4)) AS discount,
    rj[1] AS reason, rj[2] AS detail
FROM c;
