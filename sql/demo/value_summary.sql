-- Customer value by RFM segment, for the demo's summary: size, share of revenue, mean predicted
-- CLV, VIPs (CLV quadrant), decline warnings and customers at high churn risk.
SELECT rfm_segment_label AS segment,
    count(*) AS customers,
    round(100 * sum(monetary) / sum(sum(monetary)) OVER (), 1) AS revenue_pct,
    round(avg(clv), 0) AS avg_clv,
    count(*) FILTER (WHERE abc_class = 'A') AS class_a,
    count(*) FILTER (WHERE clv_quadrant = 'vip') AS vip,
    count(*) FILTER (WHERE decline_warning) AS decline_warnings,
    count(*) FILTER (WHERE churn_risk = 'high') AS high_churn_risk
FROM scores.customer_scores
WHERE frequency > 0
GROUP BY rfm_segment_label
ORDER BY revenue_pct DESC;
