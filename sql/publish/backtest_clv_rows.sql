-- CLV back-test input for one earlier as-of date {{.D}} (with its numeric snapshot): each scored
-- customer's purchase history up to then as the clv job summarised it (distinct purchase days:
-- x repeat days, tx_days and t_days from the first), the predictions kept in the snapshot, and
-- what happened in the {{.Window}} days after: repeat purchase days and their revenue.
WITH days AS (
    SELECT c.customer_id, CAST(f.order_ts AS DATE) AS day, sum(f.net_amount) AS amount
    FROM fact_sales AS f JOIN dim_customer AS c USING (customer_key)
    WHERE f.order_status IN ({{range $i, $s := .Statuses}}{{if $i}}, {{end}}{{quote $s}}{{end}})
        AND f.order_ts < DATE {{quote .D}} + INTERVAL {{.Window}} DAY + INTERVAL 1 DAY
    GROUP BY ALL
), before AS (
    SELECT customer_id, count(*) - 1 AS x, date_diff('day', min(day), max(day)) AS tx_days,
        date_diff('day', min(day), DATE {{quote .D}}) AS t_days
    FROM days WHERE day <= DATE {{quote .D}} GROUP BY customer_id
), after AS (
    SELECT customer_id, count(*) AS purchases, sum(amount) AS spend
    FROM days WHERE day > DATE {{quote .D}} GROUP BY customer_id
)
SELECT s.customer_id, b.x, b.tx_days, b.t_days, s.p_alive, s.expected_spend,
    coalesce(a.purchases, 0) AS actual_purchases, CAST(coalesce(a.spend, 0) AS DOUBLE) AS actual_spend
FROM scores.customer_score_snapshots AS s
JOIN before AS b USING (customer_id)
LEFT JOIN after AS a USING (customer_id)
WHERE s.as_of = DATE {{quote .D}} AND s.p_alive IS NOT NULL
ORDER BY s.customer_id;
