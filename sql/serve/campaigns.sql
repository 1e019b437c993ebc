-- The Campaigns page: every evaluated campaign of the published run, newest first.
SELECT campaign_id, coalesce(campaign_name, ''), coalesce(channel, ''), coalesce(strftime(start_date, '%Y-%m-%d'), ''),
    contacts, response_rate, control_customers, control_response_rate,
    response_uplift, response_uplift_low, response_uplift_high, response_p_value,
    revenue, roi, revenue_uplift, revenue_uplift_low, revenue_uplift_high, incremental_revenue, incremental_roi,
    has_control, evaluation
FROM scores.campaign_effectiveness
ORDER BY start_date DESC NULLS LAST, campaign_id DESC;
