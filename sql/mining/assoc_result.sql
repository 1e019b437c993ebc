-- The assoc job's results: rules with their items and labels, and (product level) the
-- recommendations with the customer's and product's current keys and the rule in words.
CREATE OR REPLACE TEMP TABLE association_rules_result AS
WITH sides AS (
    SELECT r.rule_id, s.side, s.pos, i.item, i.label
    FROM {{$.T.RulesRaw}} AS r,
    LATERAL (SELECT 'a' AS side, unnest(string_split(r.antecedent, chr(31))) AS id, generate_subscripts(string_split(r.antecedent, chr(31)), 1) AS pos
             UNION ALL
             SELECT 'c', unnest(string_split(r.consequent, chr(31))), generate_subscripts(string_split(r.consequent, chr(31)), 1)) AS s
    JOIN {{$.T.AssocItems}} AS i ON i.item_id = TRY_CAST(s.id AS INTEGER)
), lists AS (
    SELECT rule_id,
        coalesce(list(item ORDER BY pos) FILTER (WHERE side = 'a'), []) AS antecedent,
        list(item ORDER BY pos) FILTER (WHERE side = 'c') AS consequent,
        coalesce(string_agg(label, ' + ' ORDER BY pos) FILTER (WHERE side = 'a'), '(any basket)') AS antecedent_labels,
        string_agg(label, ' + ' ORDER BY pos) FILTER (WHERE side = 'c') AS consequent_labels
    FROM sides GROUP BY rule_id
)
SELECT r.rule_id, l.antecedent, l.consequent, l.antecedent_labels, l.consequent_labels,
    r.support, r.confidence, r.lift, r.leverage, r.conviction, r.basket_count, r.antecedent_count, r.consequent_count
FROM {{$.T.RulesRaw}} AS r JOIN lists AS l USING (rule_id)
ORDER BY r.rule_id;
{{- if .Recommend}}

CREATE OR REPLACE TEMP TABLE recommendations_result AS
SELECT r.customer_id, c.customer_key, i.item AS product_id, p.product_key, p.name AS product_name,
    r."rank", r.score, r.rule_id, a.antecedent_labels || ' → ' || a.consequent_labels AS rule
FROM recs_raw AS r
JOIN {{$.T.AssocItems}} AS i USING (item_id)
JOIN dim_product AS p ON p.product_id = i.item AND p.is_current
JOIN dim_customer AS c ON c.customer_id = r.customer_id
    AND c.valid_from < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
    AND c.valid_to >= CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
JOIN association_rules_result AS a USING (rule_id)
ORDER BY r.customer_id, r."rank";

DROP TABLE recs_raw;
{{- end}}

-- The baskets and what customers own are the job's input only: they go now, not when the run's
-- mining connection closes (temp tables spill uncompressed; 68.8M baskets at ten million customers).
DROP TABLE {{$.T.AssocBaskets}};
DROP TABLE IF EXISTS {{$.T.AssocOwned}};
