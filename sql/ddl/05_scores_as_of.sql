-- customers_as_of(DATE): the customers known at the end of a date, each in the version valid
-- then (created by then; the version whose validity covers the next day's start). Every published
-- score is for exactly these customers.
CREATE OR REPLACE MACRO customers_as_of(d) AS TABLE
SELECT * FROM dim_customer
WHERE valid_from < CAST(d AS DATE) + INTERVAL 1 DAY
    AND valid_to >= CAST(d AS DATE) + INTERVAL 1 DAY
    AND created_at < CAST(d AS DATE) + INTERVAL 1 DAY;

-- customer_keys(): every customer version's key with the customer's id and cust, the customer's
-- first key, which stands for all their versions: jobs that group or window per customer do it
-- on this integer rather than on the text id.
CREATE OR REPLACE MACRO customer_keys() AS TABLE
SELECT customer_key, customer_id, min(customer_key) OVER (PARTITION BY customer_id) AS cust FROM dim_customer;

-- scores_as_of(DATE), callable without a schema in the warehouse and in every published catalog
-- (the lake job runs this file there too): the customers with the categorical scores scores.customer_scores held after
-- the latest recorded run at or before the date, and the numeric scores of the nearest snapshot
-- at or before it (exact on month ends and on the latest date).
CREATE OR REPLACE MACRO scores_as_of(d) AS TABLE
WITH cat AS (
    SELECT customer_id, score, value
    FROM scores.customer_score_history
    WHERE valid_from <= CAST(d AS DATE) AND (valid_to IS NULL OR valid_to > CAST(d AS DATE))
), wide AS (
    SELECT customer_id,
        CAST(max(value) FILTER (WHERE score = 'customer_key') AS BIGINT) AS customer_key,
        max(value) FILTER (WHERE score = 'rfm_segment') AS rfm_segment,
        max(value) FILTER (WHERE score = 'abc_class') AS abc_class,
        max(value) FILTER (WHERE score = 'clv_quadrant') AS clv_quadrant,
        max(value) FILTER (WHERE score = 'lifecycle_stage') AS lifecycle_stage,
        max(value) FILTER (WHERE score = 'churn_risk') AS churn_risk,
        max(value) FILTER (WHERE score = 'cluster_label') AS cluster_label,
        max(value) FILTER (WHERE score = 'tier') AS tier,
        max(value) FILTER (WHERE score = 'loyalty_type') AS loyalty_type
    FROM cat GROUP BY customer_id
), snap AS (
    SELECT * FROM scores.customer_score_snapshots
    WHERE as_of = (SELECT max(as_of) FROM scores.customer_score_snapshots WHERE as_of <= CAST(d AS DATE))
)
SELECT CAST(d AS DATE) AS as_of, w.customer_id, w.customer_key,
    w.rfm_segment, w.abc_class, w.clv_quadrant, w.lifecycle_stage, w.churn_risk, w.cluster_label, w.tier, w.loyalty_type,
    s.as_of AS numbers_as_of, s.recency_days, s.frequency, s.monetary, s.clv_historical, s.p_alive,
    s.expected_purchases, s.expected_spend, s.clv, s.decline_drop, s.churn_probability
FROM wide AS w LEFT JOIN snap AS s USING (customer_id)
WHERE w.customer_key IS NOT NULL;
