-- The baskets of the ten most frequent item pairs, most first: measured only when no rule came
-- out, to tell the user which min_support would give some.
SELECT count(*) AS baskets
FROM {{$.T.AssocBaskets}} AS a
JOIN {{$.T.AssocBaskets}} AS b ON b.basket_id = a.basket_id AND b.item_id > a.item_id
GROUP BY a.item_id, b.item_id
ORDER BY baskets DESC
LIMIT 10;
