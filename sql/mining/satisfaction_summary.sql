-- Satisfaction by store, employee, product category and channel, in total and by month:
-- CSI (mean perceived / expected score), the gap (mean perceived - expected) and surveys per
-- order. A survey counts for the store and employee it names (else its order's, set at load)
-- and for its order's main category and channel; (unknown) when it names no order, (none) for
-- an order without a store or seller. Means are rounded to 9 places so that parallel sums give
-- the same figures every run. Leaves satisfaction_summary_result.
-- Each survey once per dimension it counts for, by the member's key (-1: (unknown)), named only
-- in the grouped result: at a million customers 1.1 s, against 3.3-3.9 s with the names in
-- every row.
CREATE OR REPLACE TEMP TABLE service_survey_members AS
WITH s AS (
    SELECT v.satisfaction, v.perceived_score - v.expected_score AS gap,
        CAST(date_trunc('month', v.survey_ts) AS DATE) AS month,
        coalesce(v.store_key, -1) AS store_key, coalesce(v.employee_key, -1) AS employee_key,
        coalesce(o.category_id, -1) AS category_id, coalesce(o.channel_key, -1) AS channel_key
    FROM fact_survey AS v
    LEFT JOIN {{.T.ServiceOrders}} AS o USING (order_id)
    WHERE v.survey_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
)
SELECT satisfaction, gap, month, unnest([
    {'dimension': 'total', 'k': 0},
    {'dimension': 'store', 'k': store_key},
    {'dimension': 'employee', 'k': employee_key},
    {'dimension': 'category', 'k': category_id},
    {'dimension': 'channel', 'k': channel_key}
], recursive := true)
FROM s;

-- Orders and customers with an order per dimension, member and period (each month and 'all'),
-- for the rates here and in complaint_summary.sql: one grouping per dimension (the keys of
-- {{.T.ServiceOrders}} named in OrderDimensions, and the total) with its months and its total as
-- grouping sets, customers as a DISTINCT count (a third of the time of counting per customer
-- first over all five dimensions at once), all on integers; the members are named afterwards.
CREATE OR REPLACE TEMP TABLE service_order_counts AS
WITH c AS (
    SELECT 'total' AS dimension, 0 AS k, month, count(*) AS orders, count(DISTINCT cust) AS customers
    FROM {{.T.ServiceOrders}} GROUP BY GROUPING SETS ((month), ())
    {{- range .OrderDimensions}}
    UNION ALL
    SELECT '{{.Name}}', {{.Key}}, month, count(*), count(DISTINCT cust)
    FROM {{$.T.ServiceOrders}} GROUP BY GROUPING SETS (({{.Key}}, month), ({{.Key}}))
    {{- end}}
)
SELECT c.dimension, CASE WHEN c.dimension = 'total' THEN 'all' ELSE m.member END AS member,
    coalesce(strftime(c.month, '%Y-%m'), 'all') AS period, c.orders, c.customers
FROM c LEFT JOIN service_members AS m ON m.dimension = c.dimension AND m.k = c.k;

CREATE OR REPLACE TEMP TABLE satisfaction_summary_result AS
WITH g AS (
    SELECT dimension, k, month, count(*) AS surveys, round(avg(satisfaction), 9) AS csi, round(avg(gap), 9) AS gap
    FROM service_survey_members
    GROUP BY GROUPING SETS ((dimension, k, month), (dimension, k))
), s AS (
    SELECT g.dimension,
        CASE WHEN g.dimension = 'total' THEN 'all' WHEN g.k = -1 THEN '(unknown)' ELSE m.member END AS member,
        CASE WHEN g.dimension = 'total' THEN 'All' WHEN g.k = -1 THEN '(unknown)' ELSE m.member_name END AS member_name,
        coalesce(strftime(g.month, '%Y-%m'), 'all') AS period, g.surveys, g.csi, g.gap
    FROM g LEFT JOIN service_members AS m ON m.dimension = g.dimension AND m.k = g.k
)
SELECT s.dimension, s.member, s.member_name, s.period, s.surveys, s.csi, s.gap, CAST(o.orders AS BIGINT) AS orders,
    s.surveys / nullif(o.orders, 0) AS response_rate
FROM s LEFT JOIN service_order_counts AS o USING (dimension, member, period)
ORDER BY s.dimension, s.member, s.period;
