-- A customer list for marketing: the published scores of the customers who consent to marketing
-- (as their current record says: a withdrawn consent counts at once), with their contact
-- details. The filters are predicates with ? parameters (serve/lists.go); best customers first.
-- A care list (filter care) adds why each customer is on it, its first parameter.
SELECT
    s.customer_id, c.name, c.email, c.phone, c.city, c.region,
    {{- if .Care}}
    (SELECT string_agg(k.reason, '; ' ORDER BY k.due_date) FROM scores.care_lists AS k WHERE k.customer_id = s.customer_id AND k.list = ?) AS care_reason,
    {{- end}}
    s.rfm_segment, s.rfm_segment_label, s.abc_class, s.clv_quadrant,
    round(s.clv, 2) AS clv, round(s.p_alive, 4) AS p_alive, s.lifecycle_stage, s.decline_warning,
    s.cluster_id, s.cluster_label, round(s.churn_probability, 4) AS churn_probability, s.churn_risk,
    s.churn_reason, s.recommended_products, s.tier, s.tier_label, s.tier_change, s.loyalty_index, s.loyalty_type_label,
    s.as_of, s.run_id
FROM scores.customer_scores AS s
JOIN dim_customer AS c ON c.customer_id = s.customer_id AND c.is_current
WHERE c.marketing_consent
{{- range .Where}}
  AND {{.}}
{{- end}}
ORDER BY s.clv DESC NULLS LAST, s.customer_id
