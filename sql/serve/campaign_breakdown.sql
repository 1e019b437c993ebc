-- The Campaigns page's breakdown of one campaign: its figures and uplift by segment at contact time.
SELECT dimension, member, contacts, response_rate, control_customers, control_response_rate,
    response_uplift, response_uplift_low, response_uplift_high, revenue_uplift
FROM scores.campaign_breakdown
WHERE campaign_id = ?
ORDER BY dimension, contacts DESC, member;
