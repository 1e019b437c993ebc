-- Campaign effectiveness for the report: the campaigns with a control group first, newest first.
SELECT campaign_id, campaign_name, contacts, response_rate, response_uplift, response_uplift_low, response_uplift_high,
    revenue, roi, incremental_revenue, has_control
FROM scores.campaign_effectiveness
ORDER BY has_control DESC, start_date DESC, campaign_id
LIMIT 15
