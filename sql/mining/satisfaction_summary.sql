-- Satisfaction by store, employee, product category and channel, in total and by month:
-- CSI (mean perceived / expected score), the gap (mean perceived - expected) and surveys per
-- order. A survey counts for the store and employee it names (else its order's, set at load)
-- and for its order's main category and channel; (unknown) when it names no order, (none) for
-- an order without a store or seller. Means are rounded to 9 places so that parallel sums give
-- the same figures every run. Leaves satisfaction_summary_result.
CREATE OR REPLACE TEMP TABLE service_survey_members AS
WITH s AS (
    SELECT v.survey_id, v.satisfaction, v.perceived_score - v.expected_score AS gap,
        strftime(v.survey_ts, '%Y-%m') AS period,
        CASE WHEN v.store_key IS NULL THEN '(unknown)' WHEN v.store_key = 0 THEN '(none)' ELSE st.store_id END AS store,
        CASE WHEN v.store_key IS NULL THEN '(unknown)' ELSE coalesce(st.name, '(none)') END AS store_name,
        CASE WHEN v.employee_key IS NULL THEN '(unknown)' WHEN v.employee_key = 0 THEN '(none)' ELSE e.employee_id END AS employee,
        CASE WHEN v.employee_key IS NULL THEN '(unknown)' ELSE coalesce(e.name, '(none)') END AS employee_name,
        coalesce(cat.member, '(unknown)') AS category, coalesce(chn.member, '(unknown)') AS channel
    FROM fact_survey AS v
    LEFT JOIN dim_store AS st ON st.store_key = v.store_key AND v.store_key <> 0
    LEFT JOIN dim_employee AS e ON e.employee_key = v.employee_key AND v.employee_key <> 0
    LEFT JOIN {{.T.ServiceOrders}} AS o USING (order_id)
    LEFT JOIN service_members AS cat ON cat.dimension = 'category' AND cat.k = o.category_id
    LEFT JOIN service_members AS chn ON chn.dimension = 'channel' AND chn.k = o.channel_key
    WHERE v.survey_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
)
SELECT survey_id, satisfaction, gap, period, unnest([
    {'dimension': 'total', 'member': 'all', 'member_name': 'All'},
    {'dimension': 'store', 'member': store, 'member_name': store_name},
    {'dimension': 'employee', 'member': employee, 'member_name': employee_name},
    {'dimension': 'category', 'member': category, 'member_name': category},
    {'dimension': 'channel', 'member': channel, 'member_name': channel}
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
WITH s AS (
    SELECT dimension, member, min(member_name) AS member_name, coalesce(period, 'all') AS period,
        count(*) AS surveys, round(avg(satisfaction), 9) AS csi, round(avg(gap), 9) AS gap
    FROM service_survey_members
    GROUP BY GROUPING SETS ((dimension, member, period), (dimension, member))
)
SELECT s.dimension, s.member, s.member_name, s.period, s.surveys, s.csi, s.gap, CAST(o.orders AS BIGINT) AS orders,
    s.surveys / nullif(o.orders, 0) AS response_rate
FROM s LEFT JOIN service_order_counts AS o USING (dimension, member, period)
ORDER BY s.dimension, s.member, s.period;
