-- Baskets for association rules as of the as-of date: (basket_id, item_id) pairs with dense
-- ids, one pair per distinct item in a basket. A basket is {{if eq .Basket "order"}}an order{{else}}a customer's purchases in the {{.WindowDays}} days up to the date{{end}};
-- an item is a {{.Level}}. assoc_items names the items.
-- The purchase lines keep the order id (or customer key) and product key only: the items are
-- named in the small tables of products and items, and a customer basket (all versions of a
-- customer, numbered by their id) in dim_customer. At a million customers, with the ids and
-- the category in every line, the lines and baskets took 6.2 s; with keys, 4.8 s.
CREATE OR REPLACE TEMP TABLE assoc_lines AS
SELECT {{if eq .Basket "order"}}f.order_id{{else}}f.customer_key{{end}} AS basket, f.product_key
FROM fact_sales AS f
WHERE f.order_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
    AND f.order_status IN ({{range $i, $s := .Statuses}}{{if $i}}, {{end}}{{quote $s}}{{end}})
{{- if eq .Basket "customer"}}
    AND f.order_ts >= CAST({{quote .AsOf}} AS DATE) - {{.WindowDays}} + 1
{{- end}};

-- Each product version's item ({{.Level}}).
CREATE OR REPLACE TEMP TABLE assoc_products AS
SELECT product_key, {{if eq .Level "product"}}product_id{{else}}category{{end}} AS item FROM dim_product;

CREATE OR REPLACE TEMP TABLE {{$.T.AssocItems}} AS
SELECT CAST(row_number() OVER (ORDER BY item) - 1 AS INTEGER) AS item_id, item,
{{- if eq .Level "product"}}
    (SELECT name FROM dim_product AS d WHERE d.product_id = i.item AND d.is_current) AS label
{{- else}}
    item AS label
{{- end}}
FROM (
    SELECT DISTINCT p.item
    FROM (SELECT DISTINCT product_key FROM assoc_lines) AS l JOIN assoc_products AS p USING (product_key)
) AS i;

CREATE OR REPLACE TEMP TABLE assoc_product_items AS
SELECT p.product_key, i.item_id FROM assoc_products AS p JOIN {{$.T.AssocItems}} AS i USING (item);

CREATE OR REPLACE TEMP TABLE {{$.T.AssocBaskets}} AS
SELECT DISTINCT dense_rank() OVER (ORDER BY {{if eq .Basket "order"}}l.basket{{else}}b.customer_id{{end}}) AS basket_id, i.item_id
FROM assoc_lines AS l
{{- if eq .Basket "customer"}}
JOIN dim_customer AS b ON b.customer_key = l.basket
{{- end}}
JOIN assoc_product_items AS i USING (product_key);

-- The lines go now, not when the run's mining connection closes: temp tables spill uncompressed,
-- and at ten million customers they are 161M rows.
DROP TABLE assoc_lines;

-- Per customer and item to date, for recommendations: basis when they bought it (the rules whose
-- antecedent they have apply); blocked when it must not be offered: bought {{if .ExcludeDays}}in the last
-- {{.ExcludeDays}} days{{else}}at any time{{end}}, or returned (a product sent back is no recommendation).
CREATE OR REPLACE TEMP TABLE {{$.T.AssocOwned}} AS
SELECT c.customer_id, i.item_id,
    bool_or(f.order_status IN ({{range $i, $s := .Statuses}}{{if $i}}, {{end}}{{quote $s}}{{end}})) AS basis,
    bool_or(f.order_status = 'returned'
        OR (f.order_status IN ({{range $i, $s := .Statuses}}{{if $i}}, {{end}}{{quote $s}}{{end}})
            {{- if .ExcludeDays}} AND f.order_ts >= CAST({{quote .AsOf}} AS DATE) - {{.ExcludeDays}} + 1{{end}})) AS blocked
FROM fact_sales AS f
JOIN dim_customer AS c USING (customer_key)
JOIN assoc_product_items AS i USING (product_key)
WHERE f.order_ts < CAST({{quote .AsOf}} AS DATE) + INTERVAL 1 DAY
    AND (f.order_status = 'returned' OR f.order_status IN ({{range $i, $s := .Statuses}}{{if $i}}, {{end}}{{quote $s}}{{end}}))
GROUP BY ALL
-- Stored in customer order: the recommendations read it in batches of customer ranges, each of
-- which then reads its own row groups only.
ORDER BY c.customer_id, i.item_id;

DROP TABLE assoc_products;
DROP TABLE assoc_product_items;
