-- The web UI's headline figures, from the published snapshot as of its as-of date.
--   customers         customers known at the as-of date
--   buyers            customers with at least one purchase
--   active            buyers whose last purchase is at most {{.HorizonDays}} days old (the churn
--                     job's horizon)
--   churn_rate        buyers not active, as a share of buyers
--   repeat_rate       buyers with two purchases or more, as a share of buyers
--   satisfaction      mean survey satisfaction (perceived / expected score) over the last year
--   revenue           revenue of all purchases to the as-of date
SELECT
    count(*) AS customers,
    count(*) FILTER (WHERE frequency > 0) AS buyers,
    count(*) FILTER (WHERE recency_days <= {{.HorizonDays}}) AS active,
    coalesce(1 - count(*) FILTER (WHERE recency_days <= {{.HorizonDays}}) / nullif(count(*) FILTER (WHERE frequency > 0), 0), 0) AS churn_rate,
    coalesce(count(*) FILTER (WHERE frequency >= 2) / nullif(count(*) FILTER (WHERE frequency > 0), 0), 0) AS repeat_rate,
    (SELECT avg(satisfaction) FROM fact_survey
        WHERE survey_ts > (SELECT max(as_of) FROM scores.customer_scores) - INTERVAL 1 YEAR) AS satisfaction,
    coalesce(sum(monetary), 0) AS revenue
FROM scores.customer_scores;
