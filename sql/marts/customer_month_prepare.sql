-- fact_customer_month, step 1 of 2: the facts aggregated per customer and month, on integer keys.
-- cust is a customer's first key and stands for all their versions. As of getvariable('as_of').
-- Temp tables only, built before the rebuild's transaction opens: step 2 reads them once per
-- chunk, and it reads tables its transaction has not committed yet far slower (1M customers:
-- 12 s a chunk instead of 7).
-- Every table carries the customer's chunk and is stored in chunk order, so that each chunk's
-- step 2 reads its own rows only: the row groups' min/max of chunk skip the others. Unsorted,
-- every chunk read every block of these tables, which at ten million customers (50 chunks) means
-- reloading them from the spill file 50 times (a filter on a spilled 50M-row temp table: 5.65 s
-- unsorted, 0.01 s sorted).
-- start is the first month step 2 rebuilds for the customer: NULL (from the month they were
-- created) unless customer_month_changed.sql sets it for an incremental rebuild.
CREATE OR REPLACE TEMP TABLE cm_customers AS
SELECT customer_id, min(customer_key) AS cust, min(created_at) AS created_at,
    hash(customer_id) % getvariable('chunks') AS chunk, CAST(NULL AS DATE) AS start
FROM dim_customer WHERE customer_id <> '' GROUP BY customer_id
ORDER BY chunk;

-- Every version of a customer, with its validity, under the customer's cust and chunk.
CREATE OR REPLACE TEMP TABLE cm_keys AS
SELECT d.customer_key, c.cust, c.chunk, d.valid_from, d.valid_to
FROM dim_customer AS d JOIN cm_customers AS c USING (customer_id)
ORDER BY c.chunk;

-- Orders are counted as groups of the first aggregation, per order, not as count(DISTINCT order_id)
-- per month, which took twice as long (1M customers: 12 s instead of 6).
CREATE OR REPLACE TEMP TABLE cm_sales AS
SELECT k.cust, k.chunk, a.month, count(*) AS orders, sum(a.order_lines) AS order_lines, sum(a.units) AS units,
    sum(a.revenue) AS revenue, sum(a.margin) AS margin, max(a.last_order_ts) AS last_order_ts
FROM (
    SELECT customer_key, CAST(date_trunc('month', order_ts) AS DATE) AS month, order_id,
        count(*) AS order_lines, sum(quantity) AS units,
        sum(net_amount) AS revenue, sum(margin_amount) AS margin, max(order_ts) AS last_order_ts
    FROM fact_sales
    WHERE order_status = 'completed' AND CAST(order_ts AS DATE) <= getvariable('as_of')
    GROUP BY ALL
) AS a JOIN cm_keys AS k USING (customer_key)
GROUP BY ALL
ORDER BY chunk;

CREATE OR REPLACE TEMP TABLE cm_service AS
SELECT k.cust, k.chunk, a.month, sum(a.interactions) AS interactions, sum(a.service_visits) AS service_visits,
    sum(a.complaints) AS complaints, sum(a.unresolved_complaints) AS unresolved_complaints
FROM (
    SELECT customer_key, CAST(date_trunc('month', interaction_ts) AS DATE) AS month,
        count(*) AS interactions,
        count(*) FILTER (WHERE interaction_type = 'service visit') AS service_visits,
        count(*) FILTER (WHERE interaction_type = 'complaint') AS complaints,
        count(*) FILTER (WHERE interaction_type = 'complaint' AND outcome = 'unresolved') AS unresolved_complaints
    FROM fact_interaction
    WHERE CAST(interaction_ts AS DATE) <= getvariable('as_of')
    GROUP BY ALL
) AS a JOIN cm_keys AS k USING (customer_key)
GROUP BY ALL
ORDER BY chunk;

CREATE OR REPLACE TEMP TABLE cm_surveys AS
SELECT k.cust, k.chunk, CAST(date_trunc('month', s.survey_ts) AS DATE) AS month,
    count(*) AS surveys, avg(s.satisfaction) AS avg_satisfaction
FROM fact_survey AS s JOIN cm_keys AS k USING (customer_key)
WHERE CAST(s.survey_ts AS DATE) <= getvariable('as_of')
GROUP BY ALL
ORDER BY chunk;

CREATE OR REPLACE TEMP TABLE cm_campaigns AS
SELECT k.cust, k.chunk, CAST(date_trunc('month', f.contacted_at) AS DATE) AS month,
    count(*) AS campaign_contacts, count(*) FILTER (WHERE f.responded) AS campaign_responses
FROM fact_campaign_contact AS f JOIN cm_keys AS k USING (customer_key)
WHERE CAST(f.contacted_at AS DATE) <= getvariable('as_of')
GROUP BY ALL
ORDER BY chunk;

