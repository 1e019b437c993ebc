-- The (basket_id, item) rows of a `crmwh mine rules` query as dense ids: assoc_items (item_id,
-- item, label) and assoc_baskets (basket_id, item_id), one row per distinct item in a basket.
CREATE OR REPLACE TEMP TABLE rules_query AS
SELECT CAST(basket_id AS VARCHAR) AS basket, CAST(item AS VARCHAR) AS item
FROM ({{.Query}}) AS q
WHERE basket_id IS NOT NULL AND item IS NOT NULL;

CREATE OR REPLACE TEMP TABLE {{$.T.AssocItems}} AS
SELECT CAST(row_number() OVER (ORDER BY item) - 1 AS INTEGER) AS item_id, item, item AS label
FROM (SELECT DISTINCT item FROM rules_query);

CREATE OR REPLACE TEMP TABLE {{$.T.AssocBaskets}} AS
SELECT DISTINCT dense_rank() OVER (ORDER BY q.basket) AS basket_id, i.item_id
FROM rules_query AS q JOIN {{$.T.AssocItems}} AS i USING (item);
