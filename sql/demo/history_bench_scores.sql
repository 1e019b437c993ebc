-- bench/history's stand-in for a publish: {{.Customers}} customers' scores as of month {{.Month}},
-- drawn by hash so that each categorical score changes on its own period (per customer, with a
-- phase of its own): RFM every 4 months, churn risk every 3, CLV quadrant and lifecycle every 6,
-- ABC and cluster every 12; customer_key never. Numeric scores change every month. pick uses the
-- hash's high bits: its low bits vary too little between neighbouring inputs.
CREATE OR REPLACE TEMP MACRO pick(n, i, s, k) AS CAST((hash(i, s, k) >> 40) % n AS BIGINT);

DELETE FROM scores.customer_scores;

INSERT INTO scores.customer_scores BY NAME
WITH c AS (
    SELECT i, 'c' || i AS customer_id, i % 12 AS h FROM range({{.Customers}}) AS t(i)
)
SELECT 'bench' AS run_id, DATE {{quote .AsOf}} AS as_of, customer_id, i AS customer_key,
    CAST(pick(900, i, 'r', {{.Month}}) AS INTEGER) AS recency_days,
    1 + pick(40, i, 'f', {{.Month}}) AS frequency,
    pick(100000, i, 'm', {{.Month}}) / 10.0 AS monetary,
    'seg' || pick(8, i, 'rfm', ({{.Month}} + h % 4) // 4) AS rfm_segment,
    ['A', 'B', 'C'][1 + pick(3, i, 'abc', ({{.Month}} + h) // 12)] AS abc_class,
    ['vip', 'grow', 'maintain', 'abandon'][1 + pick(4, i, 'clv', ({{.Month}} + h % 6) // 6)] AS clv_quadrant,
    ['acquisition', 'growth', 'maturity', 'decline', 'termination'][1 + pick(5, i, 'lc', ({{.Month}} + (h + 3) % 6) // 6)] AS lifecycle_stage,
    ['low', 'medium', 'high', 'lost'][1 + pick(4, i, 'churn', ({{.Month}} + h % 3) // 3)] AS churn_risk,
    'cluster ' || pick(6, i, 'cl', ({{.Month}} + (h + 6) % 12) // 12) AS cluster_label,
    pick(10000, i, 'clv#', {{.Month}}) / 100.0 AS clv,
    pick(1000, i, 'p', {{.Month}}) / 1000.0 AS p_alive,
    pick(1000, i, 'e', {{.Month}}) / 100.0 AS expected_purchases,
    pick(1000, i, 'c', {{.Month}}) / 1000.0 AS churn_probability
FROM c;
