-- Revenue to the as-of date by RFM segment, for the dashboard's chart.
SELECT coalesce(rfm_segment_label, '(no purchase)') AS segment, count(*) AS customers, sum(monetary) AS revenue
FROM scores.customer_scores
GROUP BY ALL
HAVING sum(monetary) > 0
ORDER BY revenue DESC;
