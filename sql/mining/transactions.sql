-- The value-mining input for the nightly jobs: one row per purchase (an order whose status is a
-- purchase status) up to the end of the as-of date, with the customer's source id, so that all
-- versions of a customer count as one. Amounts stay decimal so that every sum over them is exact
-- and a re-run gives the same result to the last digit. fact_order has the orders summed already.
CREATE OR REPLACE TEMP TABLE {{$.T.Tx}} AS
SELECT customer_id, order_id AS txn_id, order_ts AS ts, net_amount AS amount, margin_amount AS margin
FROM fact_order
WHERE order_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
    AND order_status IN ({{range $i, $s := .Statuses}}{{if $i}}, {{end}}{{quote $s}}{{end}});
