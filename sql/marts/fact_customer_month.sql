-- Monthly snapshot per customer, rebuilt whole from the facts as of getvariable('as_of'), so that
-- it is always consistent with them: one row per customer and month from the month the customer
-- was created to the as-of month.
CREATE OR REPLACE TEMP TABLE cm_months AS
SELECT customer_id, created_at,
    CAST(unnest(generate_series(date_trunc('month', created_at), date_trunc('month', getvariable('as_of')), INTERVAL 1 MONTH)) AS DATE) AS month
FROM (SELECT customer_id, min(created_at) AS created_at FROM dim_customer WHERE customer_id <> '' GROUP BY customer_id)
WHERE CAST(created_at AS DATE) <= getvariable('as_of');

CREATE OR REPLACE TEMP TABLE cm_sales AS
SELECT c.customer_id, CAST(date_trunc('month', f.order_ts) AS DATE) AS month,
    count(DISTINCT f.order_id) AS orders, count(*) AS order_lines, sum(f.quantity) AS units,
    sum(f.net_amount) AS revenue, sum(f.margin_amount) AS margin, max(f.order_ts) AS last_order_ts
FROM fact_sales AS f JOIN dim_customer AS c USING (customer_key)
WHERE f.order_status = 'completed' AND CAST(f.order_ts AS DATE) <= getvariable('as_of')
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE cm_service AS
SELECT c.customer_id, CAST(date_trunc('month', x.interaction_ts) AS DATE) AS month,
    count(*) AS interactions,
    count(*) FILTER (WHERE x.interaction_type = 'service visit') AS service_visits,
    count(*) FILTER (WHERE x.interaction_type = 'complaint') AS complaints,
    count(*) FILTER (WHERE x.interaction_type = 'complaint' AND x.outcome = 'unresolved') AS unresolved_complaints
FROM fact_interaction AS x JOIN dim_customer AS c USING (customer_key)
WHERE CAST(x.interaction_ts AS DATE) <= getvariable('as_of')
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE cm_surveys AS
SELECT c.customer_id, CAST(date_trunc('month', s.survey_ts) AS DATE) AS month,
    count(*) AS surveys, avg(s.satisfaction) AS avg_satisfaction
FROM fact_survey AS s JOIN dim_customer AS c USING (customer_key)
WHERE CAST(s.survey_ts AS DATE) <= getvariable('as_of')
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE cm_campaigns AS
SELECT c.customer_id, CAST(date_trunc('month', k.contacted_at) AS DATE) AS month,
    count(*) AS campaign_contacts, count(*) FILTER (WHERE k.responded) AS campaign_responses
FROM fact_campaign_contact AS k JOIN dim_customer AS c USING (customer_key)
WHERE CAST(k.contacted_at AS DATE) <= getvariable('as_of')
GROUP BY ALL;

CREATE OR REPLACE TABLE fact_customer_month AS
WITH m AS (
    SELECT m.month, m.customer_id, m.created_at,
        -- the instant the month's snapshot is taken: its last moment, or the end of the as-of day
        least(m.month + INTERVAL 1 MONTH, getvariable('as_of') + INTERVAL 1 DAY) - INTERVAL 1 MICROSECOND AS snapshot_at,
        coalesce(s.orders, 0) AS orders, coalesce(s.order_lines, 0) AS order_lines, coalesce(s.units, 0) AS units,
        coalesce(s.revenue, 0) AS revenue, coalesce(s.margin, 0) AS margin, s.last_order_ts,
        coalesce(v.interactions, 0) AS interactions, coalesce(v.service_visits, 0) AS service_visits,
        coalesce(v.complaints, 0) AS complaints, coalesce(v.unresolved_complaints, 0) AS unresolved_complaints,
        coalesce(q.surveys, 0) AS surveys, q.avg_satisfaction,
        coalesce(k.campaign_contacts, 0) AS campaign_contacts, coalesce(k.campaign_responses, 0) AS campaign_responses
    FROM cm_months AS m
    LEFT JOIN cm_sales AS s USING (customer_id, month)
    LEFT JOIN cm_service AS v USING (customer_id, month)
    LEFT JOIN cm_surveys AS q USING (customer_id, month)
    LEFT JOIN cm_campaigns AS k USING (customer_id, month)
), w AS (
    SELECT *,
        sum(orders) OVER cust AS cumulative_orders,
        sum(revenue) OVER cust AS cumulative_revenue,
        max(last_order_ts) OVER cust AS last_order_so_far
    FROM m
    WINDOW cust AS (PARTITION BY customer_id ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT w.month, w.customer_id, d.customer_key,
    CAST(datediff('month', w.created_at, w.month) AS INTEGER) AS tenure_months,
    w.orders, w.order_lines, CAST(w.units AS BIGINT) AS units,
    CAST(w.revenue AS DECIMAL(18, 2)) AS revenue, CAST(w.margin AS DECIMAL(18, 2)) AS margin,
    w.interactions, w.service_visits, w.complaints, w.unresolved_complaints,
    w.surveys, w.avg_satisfaction, w.campaign_contacts, w.campaign_responses,
    w.orders > 0 AS is_active,
    CAST(w.cumulative_orders AS BIGINT) AS cumulative_orders,
    CAST(w.cumulative_revenue AS DECIMAL(18, 2)) AS cumulative_revenue,
    CAST(datediff('day', w.last_order_so_far, w.snapshot_at) AS INTEGER) AS days_since_last_order
FROM w
JOIN dim_customer AS d ON d.customer_id = w.customer_id AND w.snapshot_at >= d.valid_from AND w.snapshot_at < d.valid_to
ORDER BY w.customer_id, w.month;
