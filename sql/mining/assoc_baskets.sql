-- Baskets for association rules as of the as-of date: (basket_id, item_id) pairs with dense
-- ids, one pair per distinct item in a basket. A basket is {{if eq .Basket "order"}}an order{{else}}a customer's purchases in the {{.WindowDays}} days up to the date{{end}};
-- an item is a {{.Level}}. assoc_items names the items.
CREATE OR REPLACE TEMP TABLE assoc_lines AS
SELECT k.customer_id, f.order_id, p.product_id, p.category
FROM fact_sales AS f
JOIN dim_customer AS k USING (customer_key)
JOIN dim_product AS p USING (product_key)
WHERE f.order_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
    AND f.order_status IN ({{range $i, $s := .Statuses}}{{if $i}}, {{end}}{{quote $s}}{{end}})
{{- if eq .Basket "customer"}}
    AND f.order_ts >= CAST({{quote .AsOf}} AS DATE) - {{.WindowDays}} + 1
{{- end}};

CREATE OR REPLACE TEMP TABLE {{$.T.AssocItems}} AS
SELECT CAST(row_number() OVER (ORDER BY item) - 1 AS INTEGER) AS item_id, item,
{{- if eq .Level "product"}}
    (SELECT name FROM dim_product AS d WHERE d.product_id = i.item AND d.is_current) AS label
{{- else}}
    item AS label
{{- end}}
FROM (SELECT DISTINCT {{if eq .Level "product"}}product_id{{else}}category{{end}} AS item FROM assoc_lines) AS i;

CREATE OR REPLACE TEMP TABLE {{$.T.AssocBaskets}} AS
SELECT DISTINCT dense_rank() OVER (ORDER BY {{if eq .Basket "order"}}l.order_id{{else}}l.customer_id{{end}}) AS basket_id, i.item_id
FROM assoc_lines AS l
JOIN {{$.T.AssocItems}} AS i ON i.item = {{if eq .Level "product"}}l.product_id{{else}}l.category{{end}};

-- The lines go now, not when the run's mining connection closes: temp tables spill uncompressed,
-- and at ten million customers they are 161M rows.
DROP TABLE assoc_lines;

-- Per customer and item to date, for recommendations: basis when they bought it (the rules whose
-- antecedent they have apply); blocked when it must not be offered: bought {{if .ExcludeDays}}in the last
-- {{.ExcludeDays}} days{{else}}at any time{{end}}, or returned (a product sent back is no recommendation).
CREATE OR REPLACE TEMP TABLE {{$.T.AssocOwned}} AS
SELECT l.customer_id, i.item_id,
    bool_or(f.order_status IN ({{range $i, $s := .Statuses}}{{if $i}}, {{end}}{{quote $s}}{{end}})) AS basis,
    bool_or(f.order_status = 'returned'
        OR (f.order_status IN ({{range $i, $s := .Statuses}}{{if $i}}, {{end}}{{quote $s}}{{end}})
            {{- if .ExcludeDays}} AND f.order_ts >= CAST({{quote .AsOf}} AS DATE) - {{.ExcludeDays}} + 1{{end}})) AS blocked
FROM fact_sales AS f
JOIN dim_customer AS l USING (customer_key)
JOIN dim_product AS p USING (product_key)
JOIN {{$.T.AssocItems}} AS i ON i.item = {{if eq .Level "product"}}p.product_id{{else}}p.category{{end}}
WHERE f.order_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
    AND (f.order_status = 'returned' OR f.order_status IN ({{range $i, $s := .Statuses}}{{if $i}}, {{end}}{{quote $s}}{{end}}))
GROUP BY ALL
-- Stored in customer order: the recommendations read it in batches of customer ranges, each of
-- which then reads its own row groups only.
ORDER BY l.customer_id, i.item_id;
