-- Every campaign contact up to the as-of date, with what the {{.WindowDays}} days after it brought:
-- the attributed orders (the contact's own order when it names one that is a purchase, else
-- every purchase in the window) with their revenue and margin, for the campaign's own figures;
-- every purchase in the window, whether the customer responded (a recorded response or a
-- purchase in the window) and the window's revenue and margin, for the comparison with the
-- control group, whose members were not contacted and name no order (the same rule for both, or
-- the comparison would be biased); and the customer's RFM segment, CLV quadrant and churn risk at
-- contact time from the score history.
-- The purchases are the run's mining input ({{.T.Tx}}, one row per purchase up to the as-of
-- date), not fact_sales aggregated again; and the contacts and their windows are tables of their
-- own, so that no statement holds the contacts, the purchases and three joins at once (at ten
-- million customers, 25M contacts, the one statement this was ran out of an 8 GB memory limit).
CREATE OR REPLACE TEMP TABLE campaign_contacts AS
WITH recorded AS (
    SELECT k.campaign_id, c.customer_id, f.contacted_at, f.responded, f.order_id,
        coalesce(f.contact_group, 'treatment') AS contact_group
    FROM fact_campaign_contact AS f
    JOIN dim_campaign AS k USING (campaign_key)
    JOIN dim_customer AS c USING (customer_key)
    WHERE f.contacted_at < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
)
-- The source's contacts, and the customers held out of the campaign's list at export (from the
-- moment they were held out), unless the source names them itself.
SELECT * FROM recorded
UNION ALL
SELECT h.campaign_id, h.customer_id, h.held_out_at, false, NULL, 'control'
FROM campaign_holdouts AS h
ANTI JOIN recorded AS r ON r.campaign_id = h.campaign_id AND r.customer_id = h.customer_id
WHERE h.held_out_at < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY;

CREATE OR REPLACE TEMP TABLE campaign_windows AS
SELECT x.campaign_id, x.customer_id, count(*) AS orders, sum(p.amount) AS revenue, sum(p.margin) AS margin
FROM campaign_contacts AS x
JOIN {{.T.Tx}} AS p ON p.customer_id = x.customer_id AND p.ts >= x.contacted_at
    AND p.ts < x.contacted_at + INTERVAL {{.WindowDays}} DAY
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE campaign_outcomes AS
WITH own AS (
    SELECT x.campaign_id, x.customer_id, p.amount AS revenue, p.margin
    FROM campaign_contacts AS x
    JOIN {{.T.Tx}} AS p ON p.customer_id = x.customer_id AND p.txn_id = x.order_id
), segments AS (
    SELECT x.campaign_id, x.customer_id,
        any_value(h.value) FILTER (WHERE h.score = 'rfm_segment') AS rfm_segment,
        any_value(h.value) FILTER (WHERE h.score = 'clv_quadrant') AS clv_quadrant,
        any_value(h.value) FILTER (WHERE h.score = 'churn_risk') AS churn_risk
    FROM campaign_contacts AS x
    JOIN scores.customer_score_history AS h ON h.customer_id = x.customer_id
        AND h.score IN ('rfm_segment', 'clv_quadrant', 'churn_risk')
        AND h.valid_from <= CAST(x.contacted_at AS DATE)
        AND (h.valid_to IS NULL OR h.valid_to > CAST(x.contacted_at AS DATE))
    GROUP BY ALL
)
SELECT x.campaign_id, x.customer_id, x.contact_group,
    x.responded OR coalesce(w.orders, 0) > 0 AS response,
    CASE WHEN o.customer_id IS NOT NULL THEN 1 ELSE coalesce(w.orders, 0) END AS orders,
    coalesce(o.revenue, w.revenue, 0) AS revenue, coalesce(o.margin, w.margin, 0) AS margin,
    coalesce(w.revenue, 0) AS window_revenue, coalesce(w.margin, 0) AS window_margin,
    coalesce(g.rfm_segment, 'unknown') AS rfm_segment, coalesce(g.clv_quadrant, 'unknown') AS clv_quadrant,
    coalesce(g.churn_risk, 'unknown') AS churn_risk
FROM campaign_contacts AS x
LEFT JOIN own AS o USING (campaign_id, customer_id)
LEFT JOIN campaign_windows AS w USING (campaign_id, customer_id)
LEFT JOIN segments AS g USING (campaign_id, customer_id);

DROP TABLE campaign_contacts;
DROP TABLE campaign_windows;
