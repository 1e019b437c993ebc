-- Each campaign's name, channel, start and cost (its latest version in dim_campaign).
SELECT campaign_id, arg_max(name, campaign_key), arg_max(channel, campaign_key), arg_max(start_date, campaign_key),
    CAST(arg_max(cost, campaign_key) AS DOUBLE)
FROM dim_campaign
GROUP BY campaign_id;
