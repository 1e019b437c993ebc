-- The baskets of {{.Table}} that hold each item: FP-growth's first pass, grouped here instead of
-- streaming every (basket, item) pair to Go twice (a million customers: 14M pairs, 3.5-4 s a
-- pass). The table has one row per distinct item in a basket, so a row is a basket.
SELECT item_id, count(*) AS baskets FROM {{.Table}} GROUP BY item_id;
