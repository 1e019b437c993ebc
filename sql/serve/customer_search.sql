-- The customer 360 search: current customers whose id is the query, or whose name, phone or
-- e-mail contains it (ignoring case). For a user who may not see the contact details of a
-- customer without marketing consent ($2 false: marketing), phone and e-mail find only consenting
-- customers, so a search cannot reveal them either.
SELECT customer_id, name, city, region, marketing_consent, phone, email
FROM dim_customer
WHERE is_current AND (customer_id = $1 OR contains(lower(name), lower($1))
    OR ((contains(coalesce(phone, ''), $1) OR contains(lower(coalesce(email, '')), lower($1))) AND (marketing_consent OR $2)))
ORDER BY customer_id = $1 DESC, name, customer_id
LIMIT 50
