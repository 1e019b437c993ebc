-- fact_order, kept in step with fact_sales in the load's transaction, after the lines are in:
-- {{if .Full}}built from every line (fact_order is new: a first load, or a warehouse from before
-- it existed){{else}}the orders that gained lines in this run are summed again from all their lines (a
-- line can join an order loaded earlier), and the other orders take the status the export gives
-- them, as their lines did (insert_fact_sales.sql, step 3){{end}}.
-- The lines are grouped alone and the customer's source id joined per order: the join then
-- takes 7M orders, not 16M lines, at a million customers.
{{- if not .Full}}
CREATE OR REPLACE TEMP TABLE orders_touched AS
SELECT DISTINCT order_id FROM fact_sales WHERE load_run_id = getvariable('run_id');

DELETE FROM fact_order WHERE order_id IN (SELECT order_id FROM orders_touched);
{{- end}}

INSERT INTO fact_order
WITH o AS (
    SELECT f.order_id, min(f.date_key) AS date_key, min(f.customer_key) AS customer_key,
        min(f.store_key) AS store_key, min(f.employee_key) AS employee_key, min(f.channel_key) AS channel_key,
        min(f.order_ts) AS order_ts, min(f.order_status) AS order_status,
        arg_max(p.category, (f.net_amount, -f.line_number)) AS main_category,
        CAST(count(*) AS INTEGER) AS lines, sum(f.quantity) AS units,
        sum(f.gross_amount) AS gross_amount, sum(f.net_amount) AS net_amount,
        coalesce(sum(f.net_amount) FILTER (WHERE f.discount > 0), 0) AS discounted_amount,
        sum(f.cost_amount) AS cost_amount, sum(f.margin_amount) AS margin_amount
    FROM fact_sales AS f
    JOIN dim_product AS p USING (product_key)
{{- if not .Full}}
    WHERE f.order_id IN (SELECT order_id FROM orders_touched)
{{- end}}
    GROUP BY f.order_id
)
SELECT o.order_id, o.date_key, o.customer_key, c.customer_id, o.store_key, o.employee_key, o.channel_key,
    o.order_ts, o.order_status, o.main_category, o.lines, o.units, o.gross_amount, o.net_amount,
    o.discounted_amount, o.cost_amount, o.margin_amount
FROM o JOIN dim_customer AS c USING (customer_key);
{{- if not .Full}}

UPDATE fact_order AS f SET order_status = o.status
FROM stg_orders AS o
WHERE o.reason IS NULL AND f.order_id = o.order_id AND f.order_status <> o.status;

DROP TABLE orders_touched;
{{- end}}
