-- fact_customer_month, incremental rebuild: which months to build again. Sets cm_customers.start,
-- the first month to rebuild for each customer (customer_month_incremental.sql deletes the rows
-- from there on). Temp tables only, so it runs before the rebuild's transaction, as
-- customer_month_prepare.sql does. The table was built as of getvariable('prev_as_of'); the months
-- before that date's month are kept unless they changed:
--   * every customer is rebuilt from the previous as-of month (its snapshot moved with the as-of
--     date, and later months are new);
--   * a customer whose monthly figures from the facts differ from the stored ones (new facts of
--     an earlier month, an order whose status changed, a late survey), or whose first stored
--     month is not the month they were created (a new customer, a corrected creation date), from
--     the month they were created;
--   * a customer with a version newer than the build (key above getvariable('prev_max_key')) from
--     the month it became valid, since the snapshots from then on take that version's key.
-- The figures are compared per customer as a sum of 64-bit hashes of their months (as stored:
-- cents, satisfaction to 9 places; months without any fact left out on both sides): two scans and
-- two groupings, no join of every stored month with every computed one. A change goes unseen only
-- if the hash sums collide, about once in 2^64.
CREATE OR REPLACE TEMP TABLE cm_changed AS
WITH kept AS (
    SELECT date_trunc('month', getvariable('prev_as_of'))::DATE AS m
), stored AS (
    SELECT customer_id, min(month) AS first_month,
        sum(hash(month, orders, order_lines, units, revenue, margin, interactions, service_visits, complaints,
            unresolved_complaints, surveys, round(avg_satisfaction, 9), campaign_contacts, campaign_responses))
            FILTER (WHERE month < (FROM kept) AND (orders > 0 OR interactions > 0 OR surveys > 0 OR campaign_contacts > 0)) AS checksum
    FROM fact_customer_month
    GROUP BY customer_id
), computed AS (
    SELECT cust, sum(hash(month, CAST(coalesce(s.orders, 0) AS BIGINT), CAST(coalesce(s.order_lines, 0) AS BIGINT),
            CAST(coalesce(s.units, 0) AS BIGINT), CAST(coalesce(s.revenue, 0) AS DECIMAL(18, 2)),
            CAST(coalesce(s.margin, 0) AS DECIMAL(18, 2)), CAST(coalesce(v.interactions, 0) AS BIGINT),
            CAST(coalesce(v.service_visits, 0) AS BIGINT), CAST(coalesce(v.complaints, 0) AS BIGINT),
            CAST(coalesce(v.unresolved_complaints, 0) AS BIGINT), CAST(coalesce(q.surveys, 0) AS BIGINT),
            round(q.avg_satisfaction, 9), CAST(coalesce(k.campaign_contacts, 0) AS BIGINT),
            CAST(coalesce(k.campaign_responses, 0) AS BIGINT))) AS checksum
    FROM (FROM cm_sales WHERE month < (FROM kept)) AS s
    FULL JOIN (FROM cm_service WHERE month < (FROM kept)) AS v USING (cust, month)
    FULL JOIN (FROM cm_surveys WHERE month < (FROM kept)) AS q USING (cust, month)
    FULL JOIN (FROM cm_campaigns WHERE month < (FROM kept)) AS k USING (cust, month)
    JOIN cm_customers AS c USING (cust)
    WHERE month >= date_trunc('month', c.created_at)
    GROUP BY cust
)
SELECT cust, min(start) AS start FROM (
    SELECT c.cust, least(date_trunc('month', c.created_at)::DATE, s.first_month) AS start
    FROM cm_customers AS c
    LEFT JOIN stored AS s USING (customer_id)
    LEFT JOIN computed AS x USING (cust)
    WHERE CAST(c.created_at AS DATE) <= getvariable('as_of') -- later customers have no rows yet
      AND (s.first_month IS DISTINCT FROM date_trunc('month', c.created_at) OR s.checksum IS DISTINCT FROM x.checksum)
    UNION ALL
    SELECT cust, date_trunc('month', valid_from)::DATE FROM cm_keys WHERE customer_key > getvariable('prev_max_key')
) GROUP BY cust;

UPDATE cm_customers SET start = date_trunc('month', getvariable('prev_as_of'))::DATE;
UPDATE cm_customers AS c SET start = least(c.start, x.start) FROM cm_changed AS x WHERE x.cust = c.cust;
