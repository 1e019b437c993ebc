-- Replaces scores.customer_scores with every customer known at the as-of date (the version valid
-- then) and the results of each mining method computed for that date, and the cluster profiles.
-- Runs in one transaction. A customer whose last purchase or service visit is more than the churn
-- horizon ({{.Horizon}} days) ago is lost: churn_risk = 'lost', with the day it happened. The tier
-- is compared with the customer's tier at the previous recorded date of the score history.
DELETE FROM scores.customer_scores;

INSERT INTO scores.customer_scores BY NAME
WITH customers AS (
    SELECT customer_id, customer_key FROM customers_as_of(DATE {{quote .AsOf}})
),
rfm AS (SELECT * FROM mining.rfm WHERE as_of = {{quote .AsOf}}),
abc AS (SELECT * FROM mining.abc WHERE as_of = {{quote .AsOf}}),
clv AS (SELECT * FROM mining.clv WHERE as_of = {{quote .AsOf}}),
lc AS (SELECT * FROM mining.lifecycle WHERE as_of = {{quote .AsOf}}),
cl AS (SELECT * FROM mining.cluster WHERE as_of = {{quote .AsOf}}),
ch AS (SELECT * FROM mining.churn WHERE as_of = {{quote .AsOf}}),
lo AS (SELECT * FROM mining.loyalty WHERE as_of = {{quote .AsOf}}),
tiers AS (
    SELECT * FROM (VALUES {{range $i, $t := .Tiers}}{{if $i}}, {{end}}({{quote $t.Name}}, {{quote $t.Label}}, {{$t.Rank}}){{end}}) AS t(tier, tier_label, tier_rank)
),
prev_tier AS (
    SELECT h.customer_id, h.value AS tier_previous
    FROM scores.customer_score_history AS h,
        (SELECT max(as_of) AS d FROM scores.score_history_dates WHERE as_of < CAST({{quote .AsOf}} AS DATE)) AS p
    WHERE h.score = 'tier' AND h.valid_from <= p.d AND (h.valid_to IS NULL OR h.valid_to > p.d)
),
visits AS (
    SELECT k.customer_id, max(CAST(x.interaction_ts AS DATE)) AS last_visit
    FROM fact_interaction AS x JOIN dim_customer AS k USING (customer_key)
    WHERE x.interaction_type = 'service visit' AND x.interaction_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
    GROUP BY k.customer_id
),
rec AS (
    -- the names in rank order: a list sorted once per customer, four times faster at a million
    -- customers than string_agg(... ORDER BY "rank"), an ordered aggregate
    SELECT customer_id, array_to_string(list_transform(list_sort(list({'r': "rank", 'p': product_name})), x -> x.p), ', ') AS recommended_products
    FROM mining.recommendations WHERE as_of = {{quote .AsOf}} GROUP BY customer_id
)
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
    lc.lifecycle_stage, lc.decline_warning, lc.decline_drop,
    cl.cluster_id, cl.cluster_label,
    ch.churn_probability, ch.churn_probability_other,
    CASE WHEN ch.churn_risk IS NOT NULL THEN ch.churn_risk
        WHEN greatest(CAST({{quote .AsOf}} AS DATE) - rfm.recency_days, v.last_visit) < CAST({{quote .AsOf}} AS DATE) - {{.Horizon}}
        THEN 'lost' END AS churn_risk,
    ch.churn_reason,
    CASE WHEN ch.churn_risk IS NULL
        AND greatest(CAST({{quote .AsOf}} AS DATE) - rfm.recency_days, v.last_visit) < CAST({{quote .AsOf}} AS DATE) - {{.Horizon}}
        THEN greatest(CAST({{quote .AsOf}} AS DATE) - rfm.recency_days, v.last_visit) + {{.Horizon}} + 1 END AS lost_since,
    rec.recommended_products,
    lo.tier, t.tier_label, t.tier_rank, pt.tier_previous,
    CASE WHEN lo.tier IS NULL THEN NULL
        WHEN pt.tier_previous IS NULL THEN 'new'
        WHEN pt.tier_previous = lo.tier THEN 'same'
        WHEN pr.tier_rank > t.tier_rank THEN 'up'
        WHEN pr.tier_rank < t.tier_rank THEN 'down'
        ELSE 'changed' END AS tier_change,
    lo.loyalty_index, lo.loyalty_type, lt.label_{{.Language}} AS loyalty_type_label,
    lo.referrals, lo.referred_revenue
FROM customers AS c
LEFT JOIN rfm USING (customer_id)
LEFT JOIN scores.rfm_segments AS seg USING (rfm_segment)
LEFT JOIN abc USING (customer_id)
LEFT JOIN clv USING (customer_id)
LEFT JOIN lc USING (customer_id)
LEFT JOIN cl USING (customer_id)
LEFT JOIN ch USING (customer_id)
LEFT JOIN rec USING (customer_id)
LEFT JOIN visits AS v USING (customer_id)
LEFT JOIN lo USING (customer_id)
LEFT JOIN tiers AS t ON t.tier = lo.tier
LEFT JOIN prev_tier AS pt USING (customer_id)
LEFT JOIN tiers AS pr ON pr.tier = pt.tier_previous
LEFT JOIN scores.loyalty_types AS lt ON lt.loyalty_type = lo.loyalty_type
ORDER BY c.customer_id;

-- The methods' other published tables (publish.Replaced): replaced whole by this run's results.
{{- range .Replaced}}

DELETE FROM scores.{{.}};

INSERT INTO scores.{{.}} BY NAME
SELECT * REPLACE ({{quote $.RunID}} AS run_id) FROM mining.{{.}} WHERE as_of = {{quote $.AsOf}};
{{- end}}

-- Drift is kept across runs (a trend), replaced for the same as-of date.
DELETE FROM scores.feature_drift WHERE as_of = CAST({{quote .AsOf}} AS DATE);

INSERT INTO scores.feature_drift BY NAME
SELECT * REPLACE ({{quote .RunID}} AS run_id) FROM mining.feature_drift WHERE as_of = {{quote .AsOf}};
