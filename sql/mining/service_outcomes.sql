-- The satisfaction -> loyalty link. Satisfaction bands (bounds {{range $i, $b := .Bands}}{{if $i}}, {{end}}{{$b}}{{end}}): per band,
-- the surveys at least {{.RepurchaseDays}} days old followed by a completed order of the customer within
-- {{.RepurchaseDays}} days (repurchase rate), and the customers whose latest survey falls in the band that
-- are lost at the as-of date (churn rate). Complaints: the customers with a purchase, by whether
-- a complaint of theirs is unresolved at the as-of date, resolved, or none was made, and how many
-- of them are lost. Lost: no purchase and no service visit in the {{.Horizon}} days up to the as-of
-- date (as churn_risk = 'lost' in scores.customer_scores). Leaves service_outcomes_result; needs
-- service_complaint_members (complaint_summary.sql), and, the last of the service measures,
-- drops their inputs.
CREATE OR REPLACE TEMP TABLE service_outcomes_result AS
WITH purchases AS (
    -- the run's mining input, one row per purchase up to the as-of date (all lines of an order
    -- share its time), not fact_sales aggregated again
    SELECT customer_id, txn_id AS order_id, ts AS order_ts FROM {{.T.Tx}}
), activity AS (
    SELECT customer_id, max(CAST(ts AS DATE)) AS last_active FROM (
        SELECT customer_id, order_ts AS ts FROM purchases
        UNION ALL
        SELECT d.customer_id, x.interaction_ts FROM fact_interaction AS x JOIN dim_customer AS d USING (customer_key)
        WHERE x.interaction_type = 'service visit' AND x.interaction_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
    ) GROUP BY customer_id
), buyers AS (
    SELECT a.customer_id, a.last_active < CAST({{quote .AsOf}} AS DATE) - {{.Horizon}} AS lost
    FROM activity AS a SEMI JOIN purchases AS p USING (customer_id)
), surveys AS (
    SELECT v.survey_id, d.customer_id, v.survey_ts, v.satisfaction,
        CASE {{range $i, $b := .Bands}}WHEN v.satisfaction < {{$b}} THEN {{$i}} {{end}}ELSE {{len .Bands}} END AS band
    FROM fact_survey AS v JOIN dim_customer AS d USING (customer_key)
    WHERE v.survey_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
), next_order AS (
    SELECT s.*, p.order_ts AS next_ts
    FROM surveys AS s ASOF LEFT JOIN purchases AS p ON p.customer_id = s.customer_id AND p.order_ts > s.survey_ts
), band_surveys AS (
    SELECT band, count(*) AS surveys,
        count(*) FILTER (WHERE next_ts <= survey_ts + INTERVAL {{.RepurchaseDays}} DAY) AS repurchased
    FROM next_order
    WHERE survey_ts + INTERVAL {{.RepurchaseDays}} DAY < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
    GROUP BY band
), band_customers AS (
    SELECT l.band, count(*) AS customers, count(*) FILTER (WHERE b.lost) AS lost
    FROM (SELECT customer_id, arg_max(band, (survey_ts, survey_id)) AS band FROM surveys GROUP BY customer_id) AS l
    JOIN buyers AS b USING (customer_id)
    GROUP BY l.band
), bands AS (
    SELECT * FROM (VALUES {{range $i, $g := .BandNames}}{{if $i}}, {{end}}({{$i}}, {{quote $g.Key}}, {{quote $g.Label}}){{end}}) AS t(band, grp, label)
), complaint_status AS (
    SELECT b.customer_id, b.lost,
        CASE WHEN bool_or(NOT c.resolved) THEN 'unresolved' WHEN count(c.interaction_id) > 0 THEN 'resolved' ELSE 'none' END AS grp
    FROM buyers AS b
    LEFT JOIN (SELECT * FROM service_complaint_members WHERE dimension = 'total') AS c USING (customer_id)
    GROUP BY b.customer_id, b.lost
)
SELECT 'satisfaction_band' AS analysis, bands.grp, bands.label, bands.band AS sort,
    coalesce(c.customers, 0) AS customers, coalesce(c.lost, 0) AS lost, c.lost / nullif(c.customers, 0) AS churn_rate,
    coalesce(s.surveys, 0) AS surveys, coalesce(s.repurchased, 0) AS repurchased, s.repurchased / nullif(s.surveys, 0) AS repurchase_rate
FROM bands
LEFT JOIN band_customers AS c USING (band)
LEFT JOIN band_surveys AS s USING (band)
UNION ALL
SELECT 'complaints', g.grp, g.label, g.sort, count(cs.customer_id), count(*) FILTER (WHERE cs.lost),
    count(*) FILTER (WHERE cs.lost) / nullif(count(cs.customer_id), 0), NULL, NULL, NULL
FROM (VALUES ('unresolved', {{quote .Unresolved}}, 0), ('resolved', {{quote .Resolved}}, 1), ('none', {{quote .NoComplaint}}, 2)) AS g(grp, label, sort)
LEFT JOIN complaint_status AS cs USING (grp)
GROUP BY g.grp, g.label, g.sort
ORDER BY analysis DESC, sort;

-- The service measures' inputs go now, not when the run's mining connection closes: temp tables
-- spill uncompressed, and at ten million customers the orders alone are 73M rows.
DROP TABLE service_survey_members;
DROP TABLE service_complaint_members;
DROP TABLE service_order_counts;
DROP TABLE {{.T.ServiceOrders}};
DROP TABLE service_members;
DROP TABLE service_products;
DROP TABLE service_customers;
