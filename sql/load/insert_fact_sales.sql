-- New order lines into fact_sales; lines already in the warehouse are left as they are.
-- Customer and product versions are those valid at the order time.
INSERT INTO fact_sales
SELECT i.order_id, i.line_number, CAST(strftime(o.order_ts, '%Y%m%d') AS INTEGER),
    c.customer_key, p.product_key, coalesce(s.store_key, 0), coalesce(e.employee_key, 0), ch.channel_key,
    o.order_ts, o.status, i.quantity, i.unit_price, i.discount,
    CAST(i.quantity * i.unit_price AS DECIMAL(18, 2)) AS gross,
    CAST(round(i.quantity * i.unit_price * (1 - i.discount), 2) AS DECIMAL(18, 2)) AS net,
    CAST(i.quantity * p.unit_cost AS DECIMAL(18, 2)) AS cost,
    CAST(round(i.quantity * i.unit_price * (1 - i.discount), 2) - i.quantity * p.unit_cost AS DECIMAL(18, 2)),
    getvariable('run_id')
FROM stg_order_items AS i
JOIN stg_orders AS o ON o.order_id = i.order_id AND o.reason IS NULL
JOIN dim_customer AS c ON c.customer_id = o.customer_id AND o.order_ts >= c.valid_from AND o.order_ts < c.valid_to
JOIN dim_product AS p ON p.product_id = i.product_id AND o.order_ts >= p.valid_from AND o.order_ts < p.valid_to
JOIN dim_channel AS ch ON ch.channel = o.channel
LEFT JOIN dim_store AS s ON s.store_id = o.store_id
LEFT JOIN dim_employee AS e ON e.employee_id = o.employee_id
WHERE i.reason IS NULL
  AND NOT EXISTS (SELECT 1 FROM fact_sales AS f WHERE f.order_id = i.order_id AND f.line_number = i.line_number)
ORDER BY o.order_ts, i.order_id, i.line_number;
