-- Lifecycle stage and decline warning. Spend is compared as a daily rate between the recent
-- window, the {{.RecentDays}} days up to the as-of date, and the baseline, the up to
-- {{.BaselineDays}} days before it (from the first purchase at the earliest). Stages, first match:
--   termination  no purchase for more than {{.TerminationDays}} days
--   acquisition  first purchase less than {{.AcquisitionDays}} days ago
--   decline      no purchase in the recent window, or the rate dropped by {{.DeclineDrop}} or more
--   growth       first purchase less than {{.MaturityDays}} days ago, or the rate rose by {{.GrowthRise}} or more
--   maturity     otherwise
-- The warning needs a baseline of at least {{.RecentDays}} days with {{.WarningMinOrders}} purchases,
-- and a drop of {{.WarningDrop}} or more, in a customer not yet terminated.
CREATE OR REPLACE TEMP TABLE lifecycle_result AS
WITH p AS (
    SELECT CAST({{quote .AsOf}} AS DATE) AS as_of,
        CAST({{quote .AsOf}} AS DATE) - {{.RecentDays}} + 1 AS recent_start
), c AS (
    SELECT t.customer_id,
        CAST(min(t.ts) AS DATE) AS first_day,
        CAST(max(t.ts) AS DATE) AS last_day,
        CAST(coalesce(sum(t.amount) FILTER (WHERE t.ts >= p.recent_start), 0) AS DOUBLE) AS recent_spend,
        CAST(sum(t.amount) FILTER (WHERE t.ts < p.recent_start AND t.ts >= p.recent_start - {{.BaselineDays}}) AS DOUBLE) AS baseline_spend,
        count(*) FILTER (WHERE t.ts < p.recent_start AND t.ts >= p.recent_start - {{.BaselineDays}}) AS baseline_orders
    FROM {{$.T.Tx}} AS t, p
    GROUP BY t.customer_id
), r AS (
    SELECT c.*,
        CAST(date_diff('day', c.first_day, p.as_of) AS INTEGER) AS tenure_days,
        date_diff('day', c.last_day, p.as_of) AS recency_days,
        -- days of the baseline window the customer was a customer for
        date_diff('day', greatest(c.first_day, p.recent_start - {{.BaselineDays}}), p.recent_start) AS baseline_days
    FROM c, p
), t AS (
    SELECT *,
        CASE WHEN baseline_days > 0 AND baseline_spend > 0
             THEN (recent_spend / {{.RecentDays}}) / (baseline_spend / baseline_days) END AS rate_ratio
    FROM r
), s AS (
    SELECT *,
        CASE WHEN rate_ratio IS NOT NULL THEN greatest(0, 1 - rate_ratio) END AS decline_drop,
        CASE WHEN recency_days > {{.TerminationDays}} THEN 'termination'
             WHEN tenure_days < {{.AcquisitionDays}} THEN 'acquisition'
             WHEN recent_spend <= 0 OR rate_ratio <= 1 - {{.DeclineDrop}} THEN 'decline'
             WHEN tenure_days < {{.MaturityDays}} OR rate_ratio >= 1 + {{.GrowthRise}} THEN 'growth'
             ELSE 'maturity' END AS lifecycle_stage
    FROM t
)
SELECT customer_id, tenure_days, recent_spend, baseline_spend, decline_drop, lifecycle_stage,
    coalesce(lifecycle_stage <> 'termination'
        AND baseline_days >= {{.RecentDays}} AND baseline_orders >= {{.WarningMinOrders}}
        AND decline_drop >= {{.WarningDrop}}, false) AS decline_warning
FROM s;
