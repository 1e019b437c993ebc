-- The care lists at the as-of date D, for the customers known then (current version), with the
-- reason each is on a list in {{if eq .Language "zh"}}Chinese{{else}}English{{end}}:
--   birthdays: the next birthday after D is within {{.BirthdayDays}} days (29 February falls on 28 February
--     in other years);
--   anniversaries: the next anniversary of the first completed purchase after D is within
--     {{.AnniversaryDays}} days;
--   service-due: the last service visit was {{.ServiceInterval}} days or more before D, but less than twice that
--     (after that the customer is a win-back case, not a service reminder);
--   missed-appointments: a no-show appointment in the {{.MissedDays}} days up to D, with no service visit or
--     kept appointment since;
--   unresolved-complaints: a complaint open at D, made {{.ComplaintDays}} days or more before D.
-- Consent is applied where the lists are served (serve/lists.go), as for every list. Leaves
-- care_lists_result.
CREATE OR REPLACE TEMP TABLE care_lists_result AS
WITH customers AS (
    SELECT customer_id, birth_date FROM customers_as_of(DATE {{quote .AsOf}})
), today AS (SELECT CAST({{quote .AsOf}} AS DATE) AS d),
interactions AS (
    SELECT k.customer_id, x.interaction_type, x.interaction_ts, CAST(x.interaction_ts AS DATE) AS day, x.outcome, x.category, x.resolved_at
    FROM fact_interaction AS x JOIN dim_customer AS k USING (customer_key)
    WHERE x.interaction_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
), birthdays AS (
    SELECT c.customer_id, c.birth_date,
        CASE WHEN CAST(c.birth_date + to_years(year(a.d) - year(c.birth_date)) AS DATE) > a.d
             THEN CAST(c.birth_date + to_years(year(a.d) - year(c.birth_date)) AS DATE)
             ELSE CAST(c.birth_date + to_years(year(a.d) - year(c.birth_date) + 1) AS DATE) END AS due
    FROM customers AS c, today AS a
    WHERE c.birth_date IS NOT NULL AND c.birth_date <= a.d
), firsts AS (
    -- the purchases are the run's mining input, not fact_sales aggregated again
    SELECT customer_id, min(CAST(ts AS DATE)) AS first_day FROM {{.T.Tx}} GROUP BY customer_id
), anniversaries AS (
    SELECT f.customer_id, f.first_day,
        CASE WHEN CAST(f.first_day + to_years(year(a.d) - year(f.first_day)) AS DATE) > a.d
             THEN CAST(f.first_day + to_years(year(a.d) - year(f.first_day)) AS DATE)
             ELSE CAST(f.first_day + to_years(year(a.d) - year(f.first_day) + 1) AS DATE) END AS due
    FROM firsts AS f SEMI JOIN customers USING (customer_id), today AS a
), visits AS (
    SELECT customer_id, max(day) AS last_visit FROM interactions
    WHERE interaction_type = 'service visit' GROUP BY customer_id
), kept AS (
    SELECT customer_id, max(interaction_ts) AS last_kept FROM interactions
    WHERE interaction_type = 'service visit' OR (interaction_type = 'appointment' AND outcome IS DISTINCT FROM 'no-show')
    GROUP BY customer_id
), missed AS (
    SELECT customer_id, max(interaction_ts) AS missed_ts FROM interactions, today AS a
    WHERE interaction_type = 'appointment' AND outcome = 'no-show' AND day > a.d - {{.MissedDays}}
    GROUP BY customer_id
), open_complaints AS (
    SELECT customer_id, interaction_ts, day, category FROM interactions, today AS a
    WHERE interaction_type = 'complaint'
      AND NOT (CASE WHEN resolved_at IS NOT NULL THEN resolved_at < a.d + INTERVAL 1 DAY ELSE outcome = 'resolved' END)
      AND day <= a.d - {{.ComplaintDays}}
)
SELECT 'birthdays' AS list, b.customer_id, b.due AS due_date, b.due - a.d AS days,
    {{if eq .Language "zh"}}'生日 ' || strftime(b.due, '%Y-%m-%d') || '（' || (year(b.due) - year(b.birth_date)) || ' 岁）'
    {{- else}}'Birthday on ' || strftime(b.due, '%Y-%m-%d') || ' (turns ' || (year(b.due) - year(b.birth_date)) || ')'{{end}} AS reason
FROM birthdays AS b, today AS a
WHERE b.due <= a.d + {{.BirthdayDays}}
UNION ALL
SELECT 'anniversaries', n.customer_id, n.due, n.due - a.d,
    {{if eq .Language "zh"}}'首次购买 ' || (year(n.due) - year(n.first_day)) || ' 周年（' || strftime(n.first_day, '%Y-%m-%d') || '）'
    {{- else}}(year(n.due) - year(n.first_day)) || CASE WHEN year(n.due) - year(n.first_day) = 1 THEN ' year' ELSE ' years' END
        || ' since the first purchase (' || strftime(n.first_day, '%Y-%m-%d') || ') on ' || strftime(n.due, '%Y-%m-%d'){{end}}
FROM anniversaries AS n, today AS a
WHERE n.due <= a.d + {{.AnniversaryDays}}
UNION ALL
SELECT 'service-due', v.customer_id, v.last_visit + {{.ServiceInterval}}, v.last_visit + {{.ServiceInterval}} - a.d,
    {{if eq .Language "zh"}}'上次保养 ' || strftime(v.last_visit, '%Y-%m-%d') || '（' || (a.d - v.last_visit) || ' 天前，周期 {{.ServiceInterval}} 天）'
    {{- else}}'Last service visit ' || strftime(v.last_visit, '%Y-%m-%d') || ' (' || (a.d - v.last_visit) || ' days ago; interval {{.ServiceInterval}} days)'{{end}}
FROM visits AS v SEMI JOIN customers USING (customer_id), today AS a
WHERE v.last_visit <= a.d - {{.ServiceInterval}} AND v.last_visit > a.d - 2 * {{.ServiceInterval}}
UNION ALL
SELECT 'missed-appointments', m.customer_id, CAST(m.missed_ts AS DATE), CAST(m.missed_ts AS DATE) - a.d,
    {{if eq .Language "zh"}}strftime(m.missed_ts, '%Y-%m-%d') || ' 预约未到，之后未再到店'
    {{- else}}'Missed the appointment of ' || strftime(m.missed_ts, '%Y-%m-%d') || '; not seen since'{{end}}
FROM missed AS m SEMI JOIN customers USING (customer_id)
LEFT JOIN kept AS k USING (customer_id), today AS a
WHERE k.last_kept IS NULL OR k.last_kept < m.missed_ts
UNION ALL
SELECT 'unresolved-complaints', o.customer_id, min(o.day), min(o.day) - a.d,
    {{if eq .Language "zh"}}string_agg('投诉（' || coalesce(CASE o.category WHEN 'product' THEN '产品' WHEN 'service' THEN '服务' WHEN 'price' THEN '价格'
        WHEN 'delivery' THEN '配送' WHEN 'staff' THEN '员工' WHEN 'other' THEN '其他' END, '未分类') || '）自 ' || strftime(o.day, '%Y-%m-%d') || ' 未解决（' || (a.d - o.day) || ' 天）', '；' ORDER BY o.interaction_ts)
    {{- else}}string_agg('Complaint' || coalesce(' about ' || o.category, '') || ' open since ' || strftime(o.day, '%Y-%m-%d') || ' (' || (a.d - o.day) || ' days)', '; ' ORDER BY o.interaction_ts){{end}}
FROM open_complaints AS o SEMI JOIN customers USING (customer_id), today AS a
GROUP BY o.customer_id, a.d
ORDER BY list, due_date, customer_id;
