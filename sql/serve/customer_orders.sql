-- The customer's orders, newest first, each with its lines (product × quantity) and amounts. Each
-- part of the 360 page filters the facts by the customer's surrogate keys written as constants
-- ({{.Keys}}): the Parquet scan then skips the row groups whose key range misses them.
SELECT f.order_id, min(f.order_ts) AS order_ts, any_value(f.order_status) AS status, any_value(s.name) AS store,
    any_value(ch.channel) AS channel, count(*) AS lines, sum(f.quantity) AS units, sum(f.net_amount)::DOUBLE AS net,
    string_agg(p.name || ' × ' || f.quantity, ', ' ORDER BY f.line_number) AS items
FROM fact_sales AS f
JOIN dim_product AS p USING (product_key)
JOIN dim_store AS s USING (store_key)
JOIN dim_channel AS ch USING (channel_key)
WHERE f.customer_key IN ({{.Keys}})
GROUP BY f.order_id
ORDER BY order_ts DESC, f.order_id
