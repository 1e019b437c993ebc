-- The customer's versions over time (type-2 changes: moves, consent, customer type), newest first.
SELECT version, valid_from, CASE WHEN is_current THEN NULL ELSE valid_to END AS valid_to, city, region, customer_type,
    marketing_consent, name, phone, email, birth_date, acquisition_channel, referred_by, created_at
FROM dim_customer WHERE customer_id = $1
ORDER BY version DESC
