-- Repeat purchase days that the calibrated customers made after the calibration end, by their
-- repeat purchase days in the calibration period (0 .. 6, 7 or more), for comparing with the
-- model's prediction over the same days.
SELECT least(s.x, 7) AS bucket, count(*) AS customers, coalesce(sum(h.days), 0) AS days
FROM clv_summary AS s
LEFT JOIN (
    SELECT customer_id, count(DISTINCT CAST(ts AS DATE)) AS days
    FROM {{$.T.Tx}}
    WHERE ts >= CAST({{quote .CalibrationEnd}} AS DATE) + INTERVAL 1 DAY
    GROUP BY customer_id
) AS h USING (customer_id)
GROUP BY ALL
ORDER BY bucket;
