-- The CLV input per customer, following Fader, Hardie & Lee: purchases are counted per distinct
-- day and the first purchase day starts the clock. x = repeat purchase days, tx_days = days from
-- the first to the last purchase day, t_days = days from the first purchase day to the end of
-- the calibration period, mean_spend = mean revenue of the repeat days (the first excluded),
-- clv_historical = margin to date.
CREATE OR REPLACE TEMP TABLE clv_summary AS
WITH days AS (
    SELECT customer_id, CAST(ts AS DATE) AS day, sum(amount) AS amount, sum(margin) AS margin
    FROM {{$.T.Tx}}
    WHERE ts < CAST({{quote .CalibrationEnd}} AS DATE) + INTERVAL 1 DAY
    GROUP BY ALL
)
SELECT customer_id,
    CAST(count(*) - 1 AS INTEGER) AS x,
    CAST(date_diff('day', min(day), max(day)) AS INTEGER) AS tx_days,
    CAST(date_diff('day', min(day), CAST({{quote .CalibrationEnd}} AS DATE)) AS INTEGER) AS t_days,
    CASE WHEN count(*) > 1 THEN CAST((sum(amount) - arg_min(amount, day)) / (count(*) - 1) AS DOUBLE) END AS mean_spend,
    CAST(round(sum(margin), 2) AS DOUBLE) AS clv_historical,
    CAST(sum(amount) AS DOUBLE) AS revenue
FROM days
GROUP BY customer_id
ORDER BY customer_id;
