-- The orders the service measures relate surveys and complaints to: one row per order (any
-- status: a cancelled or returned order draws complaints too) up to the as-of date, with its
-- customer, time, month, store, seller, channel and main product category (the category of its
-- largest line by net amount, the first line on a tie). Everything but the order id is an
-- integer key: the measures group and join on the keys and name the members (service_members)
-- only in their small results. With the names and text ids in every row, the orders and their
-- counts took 20.6 s at a million customers, against 9.8 s with keys; the whole service job at
-- 200,000 customers went from 6.0-6.2 s to 3.2-3.5 s (same results, row for row).
--
-- cust is a customer's first key and stands for all their versions (as in the marts).
CREATE OR REPLACE TEMP TABLE service_customers AS
FROM customer_keys();

-- Every product version's category, numbered.
CREATE OR REPLACE TEMP TABLE service_products AS
SELECT product_key, category, dense_rank() OVER (ORDER BY category) AS category_id FROM dim_product;

-- The members of each dimension by key, with their names: (none) for an order without a store
-- or seller.
CREATE OR REPLACE TEMP TABLE service_members AS
SELECT 'store' AS dimension, store_key AS k, store_id AS member, coalesce(name, '(none)') AS member_name
FROM dim_store WHERE store_key <> 0
UNION ALL SELECT 'store', 0, '(none)', '(none)'
UNION ALL SELECT 'employee', employee_key, employee_id, coalesce(name, '(none)') FROM dim_employee WHERE employee_key <> 0
UNION ALL SELECT 'employee', 0, '(none)', '(none)'
UNION ALL SELECT 'channel', channel_key, channel, channel FROM dim_channel
UNION ALL SELECT DISTINCT 'category', category_id, category, category FROM service_products;

-- The lines of an order share its customer, time, store, seller and channel.
CREATE OR REPLACE TEMP TABLE {{.T.ServiceOrders}} AS
SELECT f.order_id, any_value(c.cust) AS cust, min(f.order_ts) AS order_ts,
    CAST(date_trunc('month', min(f.order_ts)) AS DATE) AS month,
    min(f.store_key) AS store_key, min(f.employee_key) AS employee_key, min(ch.channel_key) AS channel_key,
    arg_max(p.category_id, (f.net_amount, -f.line_number)) AS category_id
FROM fact_sales AS f
JOIN service_customers AS c USING (customer_key)
JOIN service_products AS p USING (product_key)
JOIN dim_channel AS ch USING (channel_key)
WHERE f.order_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
GROUP BY f.order_id;
