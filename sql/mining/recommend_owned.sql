-- One batch of {{.Owned}} for the recommendations, in customer order: the customers after the
-- first bound (?) up to and including the second, as given.
{{- if .Filter}} Only the rows a rule can use: an item
-- bought that is in some rule's antecedent, or an item blocked that some rule proposes. The
-- customer's other rows change nothing (at a million customers they were over half of what Go
-- read). Not when a rule has an empty antecedent: then every customer with a row counts.
{{- end}}
SELECT customer_id, item_id, basis, blocked
FROM {{.Owned}}
WHERE true
{{- if .Lo}} AND customer_id > ?{{end}}
{{- if .Hi}} AND customer_id <= ?{{end}}
{{- if .Filter}}
    AND ((basis AND item_id IN ({{.Antecedents}})) OR (blocked AND item_id IN ({{.Consequents}})))
{{- end}}
ORDER BY customer_id, item_id;
