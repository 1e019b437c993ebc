-- The value-mining input of `crmwh mine` from any query returning (customer_id, ts, amount):
-- rows of one customer at the same timestamp are one purchase. Margin is amount × the margin rate.
-- Amounts become decimals (6 places) so that every sum over them is exact and repeatable.
CREATE OR REPLACE TEMP TABLE {{$.T.Tx}} AS
SELECT CAST(customer_id AS VARCHAR) AS customer_id,
    CAST(CAST(ts AS TIMESTAMP) AS VARCHAR) AS txn_id,
    CAST(ts AS TIMESTAMP) AS ts,
    sum(CAST(amount AS DECIMAL(38, 6))) AS amount,
    CAST(sum(CAST(amount AS DECIMAL(38, 6))) * {{.MarginRate}} AS DECIMAL(38, 6)) AS margin
FROM ({{.Query}}) AS q
WHERE CAST(ts AS TIMESTAMP) < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
    AND customer_id IS NOT NULL AND ts IS NOT NULL AND amount IS NOT NULL
GROUP BY ALL;
