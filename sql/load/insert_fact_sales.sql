-- New order lines into fact_sales; lines already in the warehouse keep everything but their
-- order status, which follows the latest export (step 3).
-- Customer and product versions are those valid at the order time. The lookups run in steps of
-- their own: in the load's transaction DuckDB plans a many-way join over freshly written
-- dimensions badly (minutes instead of seconds at 200,000 customers).

-- 1. Valid orders with every key but the product's; customers are looked up per order, not per
--    line{{if .Known}}, and only for the orders with new lines{{end}}.
CREATE OR REPLACE TEMP TABLE orders_keyed AS
SELECT o.order_id, o.order_ts, o.status, c.customer_key,
    coalesce(s.store_key, 0) AS store_key, coalesce(e.employee_key, 0) AS employee_key, ch.channel_key
FROM stg_orders AS o
JOIN dim_customer AS c ON c.customer_id = o.customer_id AND o.order_ts >= c.valid_from AND o.order_ts < c.valid_to
JOIN dim_channel AS ch ON ch.channel = o.channel
LEFT JOIN dim_store AS s ON s.store_id = o.store_id
LEFT JOIN dim_employee AS e ON e.employee_id = o.employee_id
WHERE o.reason IS NULL
{{- if .Known}}
    AND o.order_id IN (SELECT order_id FROM new_order_lines)
{{- end}};

-- 2. Lines not yet in the warehouse, with their order, the product version valid at the order
--    time and the amounts: {{if .Known}}those new_order_lines.sql found{{else}}every valid staged line, the warehouse has none yet{{end}}. No ORDER BY:
--    sorting every new line costs more than the whole ingest at a million customers, and nothing
--    depends on the physical order.
INSERT INTO fact_sales
WITH new_sales AS (
    SELECT i.order_id, i.line_number, i.product_id, i.quantity, i.unit_price, i.discount,
        o.order_ts, o.status, o.customer_key, o.store_key, o.employee_key, o.channel_key
{{- if .Known}}
    FROM new_order_lines AS i
    JOIN orders_keyed AS o ON o.order_id = i.order_id
{{- else}}
    FROM stg_order_items AS i
    JOIN orders_keyed AS o ON o.order_id = i.order_id
    WHERE i.reason IS NULL
{{- end}}
)
SELECT n.order_id, n.line_number, CAST(year(n.order_ts) * 10000 + month(n.order_ts) * 100 + day(n.order_ts) AS INTEGER),
    n.customer_key, p.product_key, n.store_key, n.employee_key, n.channel_key,
    n.order_ts, n.status, n.quantity, n.unit_price, n.discount,
    CAST(n.quantity * n.unit_price AS DECIMAL(18, 2)),
    CAST(round(n.quantity * n.unit_price * (1 - n.discount), 2) AS DECIMAL(18, 2)),
    CAST(n.quantity * p.unit_cost AS DECIMAL(18, 2)),
    CAST(round(n.quantity * n.unit_price * (1 - n.discount), 2) - n.quantity * p.unit_cost AS DECIMAL(18, 2)),
    getvariable('run_id')
FROM new_sales AS n
JOIN dim_product AS p ON p.product_id = n.product_id AND n.order_ts >= p.valid_from AND n.order_ts < p.valid_to;

-- 3. Lines loaded earlier whose order changed status since (returned, cancelled): the status is
--    the one attribute of an order line that changes after the fact, and revenue depends on it.
--    Only lines of earlier loads: the lines just inserted have the status already, and leaving
--    them out spares the first load a join of every line with every order.
UPDATE fact_sales AS f SET order_status = o.status
FROM stg_orders AS o
WHERE o.reason IS NULL AND f.load_run_id <> getvariable('run_id') AND f.order_id = o.order_id AND f.order_status <> o.status;
