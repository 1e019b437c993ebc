-- Repeat purchase days that the calibrated customers made after the calibration end, for
-- comparing with the model's prediction over the same days.
SELECT count(DISTINCT (customer_id, CAST(ts AS DATE)))
FROM {{$.T.Tx}}
WHERE ts >= CAST({{quote .CalibrationEnd}} AS DATE) + INTERVAL 1 DAY
    AND customer_id IN (SELECT customer_id FROM clv_summary);
