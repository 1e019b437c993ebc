-- Extends the calendar to cover every date of this load and of the warehouse, without gaps.
INSERT INTO dim_date
WITH dates AS (
    SELECT CAST(order_ts AS DATE) AS d FROM stg_orders WHERE reason IS NULL
    UNION ALL SELECT CAST(interaction_ts AS DATE) FROM stg_interactions WHERE reason IS NULL
    UNION ALL SELECT CAST(survey_ts AS DATE) FROM stg_surveys WHERE reason IS NULL
    UNION ALL SELECT CAST(contacted_at AS DATE) FROM stg_campaign_contacts WHERE reason IS NULL
    UNION ALL SELECT CAST(created_at AS DATE) FROM stg_customers WHERE reason IS NULL
    UNION ALL SELECT start_date FROM stg_campaigns WHERE reason IS NULL
    UNION ALL SELECT getvariable('load_date')
    UNION ALL SELECT date FROM dim_date
), span AS (
    SELECT CAST(unnest(generate_series(min(d), max(d), INTERVAL 1 DAY)) AS DATE) AS date FROM dates
)
SELECT CAST(strftime(date, '%Y%m%d') AS INTEGER), date, year(date), quarter(date), month(date),
    monthname(date), strftime(date, '%Y-%m'), day(date), isodow(date), dayname(date), weekofyear(date),
    isodow(date) >= 6
FROM span
WHERE date NOT IN (SELECT date FROM dim_date)
ORDER BY date;
