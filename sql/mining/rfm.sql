-- RFM: recency, frequency and monetary value per customer as of the as-of date, scored 1..{{.Bins}}
-- by rank: score = 1 + floor({{.Bins}} × (rank − 1) / customers), rank counted from the worst
-- value with ties sharing the lowest rank, so equal values always get equal scores and the
-- result does not depend on row order. The segment compares each score with its mean.
CREATE OR REPLACE TEMP TABLE rfm_result AS
WITH base AS (
    SELECT customer_id,
        CAST(date_diff('day', CAST(max(ts) AS DATE), CAST({{quote .AsOf}} AS DATE)) AS INTEGER) AS recency_days,
        count(*) AS frequency,
        CAST(round(sum(amount), 2) AS DOUBLE) AS monetary
    FROM {{$.T.Tx}}
    GROUP BY customer_id
), scored AS (
    SELECT *,
        CAST(1 + floor({{.Bins}} * (rank() OVER (ORDER BY recency_days DESC) - 1) / count(*) OVER ()) AS INTEGER) AS r_score,
        CAST(1 + floor({{.Bins}} * (rank() OVER (ORDER BY frequency) - 1) / count(*) OVER ()) AS INTEGER) AS f_score,
        CAST(1 + floor({{.Bins}} * (rank() OVER (ORDER BY monetary) - 1) / count(*) OVER ()) AS INTEGER) AS m_score
    FROM base
), flagged AS (
    SELECT *,
        r_score > avg(r_score) OVER () AS recent,
        f_score > avg(f_score) OVER () AS frequent,
        m_score > avg(m_score) OVER () AS high_spend
    FROM scored
)
SELECT customer_id, recency_days, frequency, monetary, r_score, f_score, m_score,
    CASE WHEN high_spend THEN 'important_' ELSE 'general_' END
    || CASE WHEN recent AND frequent THEN 'value'
            WHEN frequent THEN 'keep'
            WHEN recent THEN 'develop'
            ELSE 'retain' END AS rfm_segment
FROM flagged;
