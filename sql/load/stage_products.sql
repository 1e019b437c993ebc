-- Types and checks one landing partition of products (view raw_products).
-- load/stage.sql stages these rows with the checks against other tables.
CREATE OR REPLACE TEMP VIEW typed_products AS
WITH t AS (
    SELECT _row, _malformed, txt(product_id) AS product_id, txt(name) AS name, txt(category) AS category,
        txt(brand) AS brand, txt(model) AS model, txt(list_price) AS price_raw,
        txt(unit_cost) AS cost_raw, txt(updated_at) AS updated_raw
    FROM raw_products
), r AS (
    SELECT *, to_num(price_raw) AS list_price, to_num(cost_raw) AS unit_cost, to_ts(updated_raw) AS updated_ts FROM t
), c AS (
    SELECT *, CASE
        WHEN _malformed <> '' THEN unreadable(_malformed)
        WHEN product_id IS NULL THEN ['missing_required', 'product_id is empty']
        WHEN name IS NULL THEN ['missing_required', 'name is empty']
        WHEN category IS NULL THEN ['missing_required', 'category is empty']
        WHEN price_raw IS NULL THEN ['missing_required', 'list_price is empty']
        WHEN list_price IS NULL THEN ['invalid_number', 'list_price ' || q(price_raw) || ' is not a number']
        WHEN list_price < 0 THEN ['invalid_value', 'list_price ' || price_raw || ' is negative']
        WHEN cost_raw IS NOT NULL AND unit_cost IS NULL THEN ['invalid_number', 'unit_cost ' || q(cost_raw) || ' is not a number']
        WHEN unit_cost < 0 THEN ['invalid_value', 'unit_cost ' || cost_raw || ' is negative']
        WHEN updated_raw IS NOT NULL AND updated_ts IS NULL THEN ['unparsable_date', 'updated_at ' || q(updated_raw) || ' is not a timestamp']
    END AS rj
    FROM r
)
SELECT _row, product_id, name, category, brand, model,
    CAST(list_price AS DECIMAL(18, 2)) AS list_price, CAST(coalesce(unit_cost, 0) AS DECIMAL(18, 2)) AS unit_cost,
    coalesce(updated_ts, TIMESTAMP '1900-01-01') AS updated_at,
    rj[1] AS reason, rj[2] AS detail
FROM c;
