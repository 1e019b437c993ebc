-- The value-mining input for the nightly jobs: one row per purchase (an order whose status is a
-- purchase status) up to the end of the as-of date, with the customer's source id, so that all
-- versions of a customer count as one. Amounts stay decimal so that every sum over them is exact
-- and a re-run gives the same result to the last digit.
CREATE OR REPLACE TEMP TABLE {{$.T.Tx}} AS
SELECT c.customer_id,
    f.order_id AS txn_id,
    min(f.order_ts) AS ts,
    sum(f.net_amount) AS amount,
    sum(f.margin_amount) AS margin
FROM fact_sales AS f
JOIN dim_customer AS c USING (customer_key)
WHERE f.order_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
    AND f.order_status IN ({{range $i, $s := .Statuses}}{{if $i}}, {{end}}{{quote $s}}{{end}})
GROUP BY c.customer_id, f.order_id;
