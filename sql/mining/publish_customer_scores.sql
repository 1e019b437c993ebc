-- Replaces scores.customer_scores with every customer known at the as-of date (the version valid
-- then) and the results of each mining method computed for that date. Runs in one transaction.
DELETE FROM scores.customer_scores;

INSERT INTO scores.customer_scores BY NAME
WITH customers AS (
    SELECT customer_id, customer_key
    FROM dim_customer
    WHERE valid_from < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
        AND valid_to >= CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
        AND created_at < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
),
rfm AS (SELECT * FROM mining.rfm WHERE as_of = {{quote .AsOf}}),
abc AS (SELECT * FROM mining.abc WHERE as_of = {{quote .AsOf}}),
clv AS (SELECT * FROM mining.clv WHERE as_of = {{quote .AsOf}}),
lc AS (SELECT * FROM mining.lifecycle WHERE as_of = {{quote .AsOf}})
SELECT {{quote .RunID}} AS run_id,
    CAST({{quote .AsOf}} AS DATE) AS as_of,
    c.customer_id,
    c.customer_key,
    rfm.recency_days,
    coalesce(rfm.frequency, 0) AS frequency,
    coalesce(rfm.monetary, 0) AS monetary,
    rfm.r_score, rfm.f_score, rfm.m_score, rfm.rfm_segment,
    seg.label_{{.Language}} AS rfm_segment_label,
    abc.abc_class,
    clv.clv_historical, clv.p_alive, clv.expected_purchases, clv.expected_spend, clv.clv, clv.clv_quadrant,
    lc.lifecycle_stage, lc.decline_warning, lc.decline_drop
FROM customers AS c
LEFT JOIN rfm USING (customer_id)
LEFT JOIN scores.rfm_segments AS seg USING (rfm_segment)
LEFT JOIN abc USING (customer_id)
LEFT JOIN clv USING (customer_id)
LEFT JOIN lc USING (customer_id)
ORDER BY c.customer_id;
