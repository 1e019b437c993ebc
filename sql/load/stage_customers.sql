-- Types and checks one landing partition of customers (view raw_customers).
-- rj is [reason, detail] of the first check a row fails, NULL when it passes; a row whose field
-- the extractor could not read as a row (_malformed: an unclosed quote, invalid encoding,
-- a wrong field count, an over-long field) fails first. referred_by (optional) is the customer who
-- referred this one; that it names a known customer is checked after staging.
-- load/stage.sql stages these rows with the checks against other tables.
CREATE OR REPLACE TEMP VIEW typed_customers AS
WITH t AS (
    SELECT _row, _malformed,
        txt(customer_id) AS customer_id, txt(name) AS name, upper(txt(gender)) AS gender,
        txt(birth_date) AS birth_raw, txt(phone) AS phone, txt(email) AS email,
        txt(city) AS city, txt(region) AS region,
        coalesce(lower(txt(customer_type)), 'individual') AS customer_type,
        lower(txt(acquisition_channel)) AS acquisition_channel,
        txt(marketing_consent) AS consent_raw, txt(created_at) AS created_raw, txt(updated_at) AS updated_raw,
        txt(referred_by) AS referred_by
    FROM raw_customers
), r AS (
    SELECT *, to_date(birth_raw) AS birth_date, to_ts(created_raw) AS created_at,
        to_ts(updated_raw) AS updated_ts, to_bool(consent_raw) AS consent
    FROM t
), c AS (
    SELECT *, CASE
        WHEN _malformed <> '' THEN unreadable(_malformed)
        WHEN customer_id IS NULL THEN ['missing_required', 'customer_id is empty']
        WHEN name IS NULL THEN ['missing_required', 'name is empty']
        WHEN created_raw IS NULL THEN ['missing_required', 'created_at is empty']
        WHEN created_at IS NULL THEN ['unparsable_date', 'created_at ' || q(created_raw) || ' is not a timestamp']
        WHEN updated_raw IS NOT NULL AND updated_ts IS NULL THEN ['unparsable_date', 'updated_at ' || q(updated_raw) || ' is not a timestamp']
        WHEN birth_raw IS NOT NULL AND birth_date IS NULL THEN ['unparsable_date', 'birth_date ' || q(birth_raw) || ' is not a date']
        WHEN consent_raw IS NOT NULL AND consent IS NULL THEN ['invalid_value', 'marketing_consent ' || q(consent_raw) || ' is not yes/no']
        WHEN customer_type NOT IN ('individual', 'organization') THEN ['invalid_value', 'customer_type ' || q(customer_type) || ' is not individual or organization']
        WHEN referred_by = customer_id THEN ['invalid_value', 'referred_by ' || q(referred_by) || ' is the customer itself']
    END AS rj
    FROM r
)
SELECT _row, customer_id, name,
    CASE WHEN gender IN ('F', 'M') THEN gender END AS gender,
    birth_date, phone, email, city, region, customer_type, acquisition_channel,
    coalesce(consent, false) AS marketing_consent, created_at,
    greatest(created_at, coalesce(updated_ts, created_at)) AS updated_at, referred_by,
    rj[1] AS reason, rj[2] AS detail
FROM c;
