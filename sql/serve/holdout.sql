-- The control group of a campaign list: of the list's customers (the list query, filters
-- applied), the round(share × n) with the smallest md5(seed|campaign|customer id), as a number,
-- with that number as text (the list then keeps the customers above the largest).
SELECT customer_id, CAST(hash_number AS VARCHAR) AS hash_text
FROM (SELECT customer_id, md5_number(concat_ws('|', ?, ?, customer_id)) AS hash_number FROM ({{.List}}))
QUALIFY row_number() OVER (ORDER BY hash_number) <= round(? * count(*) OVER ())
ORDER BY hash_number;
