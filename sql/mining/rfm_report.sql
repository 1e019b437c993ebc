-- The RFM segments of `crmwh mine rfm`, with their size and mean recency, frequency and spend.
SELECT r.rfm_segment AS segment, s.label_{{.Language}} AS label,
    count(*) AS customers,
    round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS share_pct,
    round(avg(r.recency_days), 1) AS avg_recency_days,
    round(avg(r.frequency), 2) AS avg_frequency,
    round(avg(r.monetary), 2) AS avg_monetary
FROM rfm_result AS r
JOIN scores.rfm_segments AS s USING (rfm_segment)
GROUP BY r.rfm_segment, s.label_{{.Language}}
ORDER BY r.rfm_segment LIKE 'general%', customers DESC;
