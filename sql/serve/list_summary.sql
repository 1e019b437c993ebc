-- What the list builder shows as filters change: the customers the filters match, how many of
-- them consent to marketing (only those are downloaded) and their value, by RFM segment.
SELECT
    coalesce(s.rfm_segment_label, '(no purchase)') AS segment,
    count(*) AS customers,
    count(*) FILTER (WHERE c.marketing_consent) AS consenting,
    coalesce(sum(s.clv) FILTER (WHERE c.marketing_consent), 0) AS clv
FROM scores.customer_scores AS s
JOIN dim_customer AS c ON c.customer_id = s.customer_id AND c.is_current
WHERE true
{{- range .Where}}
  AND {{.}}
{{- end}}
GROUP BY ALL
ORDER BY customers DESC, segment
