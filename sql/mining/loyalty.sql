-- Each customer's loyalty, referrals and tier at the as-of date, for every customer known then
-- (the version valid then). Purchases are completed orders ({{range $i, $s := .Statuses}}{{if $i}}, {{end}}{{$s}}{{end}}); the trailing 12 months
-- are the 365 days up to the as-of date.
--   loyalty_index = 100 x the weighted mean of five parts (mining.loyalty), each 0..1:
--     repeat = least(orders_12m / {{.RepeatOrders}}, 1), tenure = least(tenure_days / {{.TenureDays}}, 1),
--     referrals = least(referrals / {{.Referrals}}, 1), recency = greatest(1 - recency_days / {{.RecencyDays}}, 0),
--     price = 1 - discount_share (the share of spend bought at a discount); rounded to 0.1.
--   loyalty_type (buyers only): behaviour = at least {{.RepeatMinOrders}} orders in the trailing 12 months;
--     attitude = mean satisfaction of the customer's surveys at least {{.Attitude}} (without a survey:
--     having referred someone); loyal = both, latent = attitude only, spurious = behaviour only.
--   referred_customers and referred_revenue follow the referral chains down (a cycle stops).
--   tier: {{if eq .Basis "spend"}}the first level whose min_spend the trailing-12-month spend reaches{{else}}the first level whose (cumulative) top_share of the customers who spent, ranked by spend, holds the customer{{end}}.
-- Leaves loyalty_result.
CREATE OR REPLACE TEMP TABLE loyalty_result AS
WITH customers AS (
    SELECT customer_id, created_at, referred_by FROM customers_as_of(DATE {{quote .AsOf}})
), lines AS (
    SELECT d.customer_id, f.order_id, f.order_ts, f.net_amount, f.discount
    FROM fact_sales AS f JOIN dim_customer AS d USING (customer_key)
    WHERE f.order_status IN ({{range $i, $s := .Statuses}}{{if $i}}, {{end}}{{quote $s}}{{end}})
      AND f.order_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
), spend AS (
    SELECT customer_id,
        count(DISTINCT order_id) FILTER (WHERE order_ts >= CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY - INTERVAL 365 DAY) AS orders_12m,
        coalesce(sum(net_amount) FILTER (WHERE order_ts >= CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY - INTERVAL 365 DAY), 0) AS spend_12m,
        CAST({{quote .AsOf}} AS DATE) - max(CAST(order_ts AS DATE)) AS recency_days,
        sum(net_amount) AS revenue,
        coalesce(sum(net_amount) FILTER (WHERE discount > 0), 0) AS discounted
    FROM lines GROUP BY customer_id
), sat AS (
    SELECT d.customer_id, round(avg(v.satisfaction), 9) AS satisfaction
    FROM fact_survey AS v JOIN dim_customer AS d USING (customer_key)
    WHERE v.survey_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
    GROUP BY d.customer_id
), refs AS (
    SELECT referred_by AS customer_id, count(*) AS referrals
    FROM customers WHERE referred_by IS NOT NULL GROUP BY referred_by
), network AS (
    SELECT n.root AS customer_id, count(*) AS referred_customers, coalesce(sum(s.revenue), 0) AS referred_revenue
    FROM (
        WITH RECURSIVE down(root, customer_id) AS (
            SELECT referred_by, customer_id FROM customers WHERE referred_by IS NOT NULL
            UNION
            SELECT down.root, c.customer_id FROM down JOIN customers AS c ON c.referred_by = down.customer_id
        )
        SELECT * FROM down WHERE customer_id <> root
    ) AS n
    LEFT JOIN spend AS s USING (customer_id)
    GROUP BY n.root
), base AS (
    SELECT c.customer_id, coalesce(s.orders_12m, 0) AS orders_12m, coalesce(s.spend_12m, 0) AS spend_12m,
        CAST({{quote .AsOf}} AS DATE) - CAST(c.created_at AS DATE) AS tenure_days, s.recency_days,
        CASE WHEN s.revenue > 0 THEN CAST(s.discounted / s.revenue AS DOUBLE) WHEN s.customer_id IS NOT NULL THEN 0 END AS discount_share,
        sat.satisfaction, coalesce(r.referrals, 0) AS referrals,
        coalesce(n.referred_customers, 0) AS referred_customers, CAST(coalesce(n.referred_revenue, 0) AS DECIMAL(18,2)) AS referred_revenue,
        s.customer_id IS NOT NULL AS buyer
    FROM customers AS c
    LEFT JOIN spend AS s USING (customer_id)
    LEFT JOIN sat USING (customer_id)
    LEFT JOIN refs AS r USING (customer_id)
    LEFT JOIN network AS n USING (customer_id)
), scored AS (
    SELECT *,
        CASE WHEN buyer THEN round(100 * (
            {{index .Weights "repeat"}} * least(orders_12m / {{.RepeatOrders}}, 1)
            + {{index .Weights "tenure"}} * least(tenure_days / {{.TenureDays}}, 1)
            + {{index .Weights "referrals"}} * least(referrals / {{.Referrals}}, 1)
            + {{index .Weights "recency"}} * greatest(1 - recency_days / {{.RecencyDays}}, 0)
            + {{index .Weights "price"}} * (1 - discount_share)
        ) / {{.WeightSum}}, 1) END AS loyalty_index,
        CASE WHEN NOT buyer THEN NULL
            WHEN coalesce(satisfaction >= {{.Attitude}}, referrals > 0) THEN
                CASE WHEN orders_12m >= {{.RepeatMinOrders}} THEN 'loyal' ELSE 'latent' END
            ELSE CASE WHEN orders_12m >= {{.RepeatMinOrders}} THEN 'spurious' ELSE 'none' END
        END AS loyalty_type,
        {{- if eq .Basis "share"}}
        CASE WHEN spend_12m > 0 THEN row_number() OVER (ORDER BY spend_12m DESC, customer_id) END AS spend_rank,
        count(*) FILTER (WHERE spend_12m > 0) OVER () AS spenders
        {{- else}}
        NULL AS spend_rank, NULL AS spenders
        {{- end}}
    FROM base
)
SELECT customer_id, orders_12m, spend_12m, tenure_days, recency_days, discount_share, satisfaction,
    referrals, referred_customers, referred_revenue, loyalty_index, loyalty_type,
    CASE
    {{- range .Upper}}
        WHEN {{if eq $.Basis "spend"}}spend_12m >= {{.MinSpend}}{{else}}spend_rank <= round({{.TopShare}} * spenders){{end}} THEN {{quote .Name}}
    {{- end}}
        ELSE {{quote .Last.Name}} END AS tier,
    CASE
    {{- range .Upper}}
        WHEN {{if eq $.Basis "spend"}}spend_12m >= {{.MinSpend}}{{else}}spend_rank <= round({{.TopShare}} * spenders){{end}} THEN {{.Rank}}
    {{- end}}
        ELSE {{.Last.Rank}} END AS tier_rank
FROM scored
ORDER BY customer_id;
