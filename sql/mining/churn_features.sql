-- Churn features of the customers active at {{.At}} (a purchase or a service visit in the
-- {{.Horizon}} days up to it), from events up to the end of that day only.
{{- if .LabelEnd}} The label: churned when the
-- customer neither bought nor had a service visit after {{.At}} up to {{.LabelEnd}}.{{end}}
CREATE OR REPLACE TEMP TABLE {{.Table}} AS
WITH p AS (
    SELECT CAST({{quote .At}} AS DATE) AS at, CAST({{quote .At}} AS DATE) + INTERVAL 1 DAY AS at_end
), keys AS (
    SELECT customer_key, customer_id FROM dim_customer
), cust AS (
    SELECT customer_id, arg_max(region, valid_from) AS region, arg_max(customer_type, valid_from) AS customer_type,
        arg_max(acquisition_channel, valid_from) AS acquisition_channel, min(created_at) AS created_at
    FROM dim_customer, p
    WHERE valid_from < p.at_end
    GROUP BY customer_id
), buys AS (
    SELECT t.customer_id, t.ts, t.amount FROM {{$.T.Tx}} AS t, p WHERE t.ts < p.at_end
), b AS (
    SELECT b.customer_id,
        max(b.ts) AS last_purchase,
        count(*) AS frequency,
        sum(b.amount) AS monetary,
        count(*) FILTER (WHERE b.ts >= p.at - {{.Horizon}}) AS orders_recent,
        coalesce(sum(b.amount) FILTER (WHERE b.ts >= p.at - {{.Horizon}}), 0) AS spend_recent,
        coalesce(sum(b.amount) FILTER (WHERE b.ts < p.at - {{.Horizon}} AND b.ts >= p.at - 2 * {{.Horizon}}), 0) AS spend_before
    FROM buys AS b, p
    GROUP BY b.customer_id
), ch AS (
    -- the channel of most of the customer's order lines (ties: the first by name)
    SELECT customer_id, first(channel ORDER BY n DESC, channel) AS channel
    FROM (
        SELECT k.customer_id, c.channel, count(*) AS n
        FROM fact_sales AS f JOIN keys AS k USING (customer_key) JOIN dim_channel AS c USING (channel_key), p
        WHERE f.order_ts < p.at_end
        GROUP BY ALL
    )
    GROUP BY customer_id
), i AS (
    SELECT k.customer_id,
        max(x.interaction_ts) FILTER (WHERE x.interaction_type = 'service visit') AS last_visit,
        count(*) FILTER (WHERE x.interaction_type = 'service visit' AND x.interaction_ts >= p.at - 365) AS service_visits_365d,
        count(*) FILTER (WHERE x.interaction_type = 'complaint') AS complaints,
        count(*) FILTER (WHERE x.interaction_type = 'complaint' AND x.outcome = 'unresolved') AS unresolved_complaints,
        count(*) FILTER (WHERE x.interaction_type = 'complaint' AND x.interaction_ts >= p.at - {{.Horizon}}) AS complaints_recent,
        count(*) FILTER (WHERE x.interaction_type = 'complaint' AND x.outcome = 'unresolved' AND x.interaction_ts >= p.at - {{.Horizon}}) AS unresolved_complaints_recent
    FROM fact_interaction AS x JOIN keys AS k USING (customer_key), p
    WHERE x.interaction_ts < p.at_end
    GROUP BY k.customer_id
), s AS (
    -- the mean rounded to 9 places: a parallel sum differs in the last bits from run to run, and
    -- the logistic challenger's probabilities with it
    SELECT k.customer_id, round(avg(v.satisfaction), 9) AS satisfaction, arg_max(v.satisfaction, v.survey_ts) AS last_satisfaction
    FROM fact_survey AS v JOIN keys AS k USING (customer_key), p
    WHERE v.survey_ts < p.at_end
    GROUP BY k.customer_id
), m AS (
    SELECT k.customer_id, count(*) AS campaign_contacts_365d, count(*) FILTER (WHERE c.responded) AS campaign_responses_365d
    FROM fact_campaign_contact AS c JOIN keys AS k USING (customer_key), p
    WHERE c.contacted_at < p.at_end AND c.contacted_at >= p.at - 365
    GROUP BY k.customer_id
){{if .LabelEnd}}, later AS (
    SELECT customer_id FROM {{$.T.Tx}}, p
    WHERE ts >= p.at_end AND ts < CAST({{quote .LabelEnd}} AS DATE) + INTERVAL 1 DAY
    UNION
    SELECT k.customer_id FROM fact_interaction AS x JOIN keys AS k USING (customer_key), p
    WHERE x.interaction_type = 'service visit' AND x.interaction_ts >= p.at_end
        AND x.interaction_ts < CAST({{quote .LabelEnd}} AS DATE) + INTERVAL 1 DAY
){{end}}
SELECT c.customer_id,
    CAST(date_diff('day', CAST(b.last_purchase AS DATE), p.at) AS INTEGER) AS recency_days,
    coalesce(b.frequency, 0) AS frequency,
    CAST(coalesce(b.monetary, 0) AS DOUBLE) AS monetary,
    coalesce(b.orders_recent, 0) AS orders_recent,
    CAST(coalesce(b.spend_recent, 0) AS DOUBLE) AS spend_recent,
    CAST(coalesce(b.spend_recent, 0) - coalesce(b.spend_before, 0) AS DOUBLE) AS spend_change,
    CAST(date_diff('day', CAST(c.created_at AS DATE), p.at) AS INTEGER) AS tenure_days,
    coalesce(i.complaints, 0) AS complaints,
    coalesce(i.unresolved_complaints, 0) AS unresolved_complaints,
    coalesce(i.complaints_recent, 0) AS complaints_recent,
    coalesce(i.unresolved_complaints_recent, 0) AS unresolved_complaints_recent,
    s.satisfaction,
    s.last_satisfaction,
    -- never visited counts from the customer's creation
    CAST(date_diff('day', CAST(coalesce(i.last_visit, c.created_at) AS DATE), p.at) AS INTEGER) AS days_since_service_visit,
    coalesce(i.service_visits_365d, 0) AS service_visits_365d,
    coalesce(m.campaign_contacts_365d, 0) AS campaign_contacts_365d,
    coalesce(m.campaign_responses_365d, 0) AS campaign_responses_365d,
    ch.channel,
    c.region,
    c.customer_type,
    c.acquisition_channel{{if .LabelEnd}},
    later.customer_id IS NULL AS churned{{end}}
FROM cust AS c
CROSS JOIN p
LEFT JOIN b USING (customer_id)
LEFT JOIN ch USING (customer_id)
LEFT JOIN i USING (customer_id)
LEFT JOIN s USING (customer_id)
LEFT JOIN m USING (customer_id)
{{- if .LabelEnd}}
LEFT JOIN later USING (customer_id)
{{- end}}
WHERE b.last_purchase >= p.at - {{.Horizon}} OR i.last_visit >= p.at - {{.Horizon}}
ORDER BY c.customer_id;
