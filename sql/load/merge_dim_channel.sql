-- New sales channels seen in valid orders.
INSERT INTO dim_channel
SELECT (SELECT coalesce(max(channel_key), 0) FROM dim_channel) + row_number() OVER (ORDER BY channel), channel
FROM (SELECT DISTINCT channel FROM stg_orders WHERE reason IS NULL)
WHERE channel NOT IN (SELECT channel FROM dim_channel);
