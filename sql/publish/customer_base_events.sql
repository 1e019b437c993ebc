-- The events customer_base.sql counts: the days each customer bought on (base_days) and, per
-- customer and month, their first purchase, activity, repeat purchase, loss and reactivation
-- (base_events), over all history up to {{.AsOf}}. Temp tables read from the star schema only, built
-- before the publish transaction opens: inside it, DuckDB reads tables the transaction wrote
-- itself far slower.
--
-- Definitions (a purchase is an order with one of the purchase statuses; a customer is all
-- versions of one customer id; the horizon is mining.churn.horizon_days, {{.Horizon}} days):
--   new           the month of the customer's first purchase;
--   active        a purchase in the month; repeat: active and bought before the month;
--   in the base   from the first purchase while the last purchase is at most the horizon ago;
--   lost          on the day after last purchase + horizon, when no purchase came in between;
--   reactivated   a purchase by a customer who was lost (once a month, however short the horizon);
--   base_end      = base_start + new + reactivated - lost;
--   retention     = (base_end - new - reactivated) / base_start; churn = lost / base_start.
--
-- A customer is counted by cust, their first key, which stands for all their versions: the days
-- and events are grouped and windowed on an integer, not on the customer's text id.
CREATE OR REPLACE TEMP TABLE base_customers AS
SELECT customer_key, cust FROM customer_keys();

CREATE OR REPLACE TEMP TABLE base_days AS
SELECT c.cust, CAST(f.order_ts AS DATE) AS day, sum(f.net_amount) AS amount
FROM fact_sales AS f
JOIN base_customers AS c USING (customer_key)
WHERE f.order_ts < DATE {{quote .AsOf}} + INTERVAL 1 DAY
    AND f.order_status IN ({{range $i, $s := .Statuses}}{{if $i}}, {{end}}{{quote $s}}{{end}})
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE base_events AS
WITH d AS (
    SELECT cust, day, amount,
        lag(day) OVER (PARTITION BY cust ORDER BY day) AS prev_day,
        lead(day) OVER (PARTITION BY cust ORDER BY day) AS next_day,
        min(day) OVER (PARTITION BY cust) AS first_day
    FROM base_days
)
SELECT cust, date_trunc('month', first_day) AS month, 'new' AS kind, 0 AS amount FROM d WHERE day = first_day
UNION ALL
SELECT cust, date_trunc('month', day), 'active', sum(amount) FROM d GROUP BY cust, date_trunc('month', day)
UNION ALL
SELECT DISTINCT cust, date_trunc('month', day), 'repeat', 0 FROM d WHERE date_trunc('month', first_day) < date_trunc('month', day)
UNION ALL
SELECT cust, date_trunc('month', day + {{.Horizon}} + 1), 'lost', 0 FROM d
WHERE (next_day IS NULL OR next_day > day + {{.Horizon}}) AND day + {{.Horizon}} + 1 <= DATE {{quote .AsOf}}
UNION ALL
SELECT DISTINCT cust, date_trunc('month', day), 'reactivated', 0 FROM d WHERE day - prev_day > {{.Horizon}};
