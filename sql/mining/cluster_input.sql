-- Per-customer features for the cluster job, one row per customer with a purchase up to the
-- as-of date, ordered by customer id (row order is the id order that labels are written back in).
--   recency_days     days since the last purchase
--   frequency        purchases
--   monetary         net revenue of those purchases
--   tenure_days      days since the customer was created
--   avg_order_value  monetary / frequency
--   complaint_rate   complaints per purchase
--   satisfaction     mean survey satisfaction (perceived / expected); NULL when never surveyed
CREATE OR REPLACE TEMP TABLE cluster_input AS
WITH p AS (
    SELECT customer_id,
        date_diff('day', CAST(max(ts) AS DATE), CAST({{quote .AsOf}} AS DATE)) AS recency_days,
        count(*) AS frequency,
        sum(amount) AS monetary
    FROM {{$.T.Tx}}
    GROUP BY customer_id
), keys AS (
    SELECT customer_key, customer_id FROM dim_customer
), created AS (
    SELECT customer_id, min(created_at) AS created_at FROM dim_customer GROUP BY customer_id
), complaints AS (
    SELECT k.customer_id, count(*) AS complaints
    FROM fact_interaction AS i JOIN keys AS k USING (customer_key)
    WHERE i.interaction_type = 'complaint'
        AND i.interaction_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
    GROUP BY k.customer_id
), surveys AS (
    SELECT k.customer_id, avg(s.satisfaction) AS satisfaction
    FROM fact_survey AS s JOIN keys AS k USING (customer_key)
    WHERE s.survey_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
    GROUP BY k.customer_id
)
SELECT p.customer_id,
    CAST(p.recency_days AS DOUBLE) AS recency_days,
    CAST(p.frequency AS DOUBLE) AS frequency,
    CAST(p.monetary AS DOUBLE) AS monetary,
    CAST(date_diff('day', CAST(c.created_at AS DATE), CAST({{quote .AsOf}} AS DATE)) AS DOUBLE) AS tenure_days,
    CAST(p.monetary / p.frequency AS DOUBLE) AS avg_order_value,
    CAST(coalesce(q.complaints, 0) AS DOUBLE) / p.frequency AS complaint_rate,
    s.satisfaction
FROM p
JOIN created AS c USING (customer_id)
LEFT JOIN complaints AS q USING (customer_id)
LEFT JOIN surveys AS s USING (customer_id)
ORDER BY p.customer_id;
