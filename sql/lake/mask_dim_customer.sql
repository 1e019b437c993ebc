-- Writes dim_customer with its personal data masked, for readers who may not see it (the SQL
-- endpoint's analysts): the name's first letter, the phone's last four digits, the e-mail's
-- first letter and domain. Everything else, keys and consent included, stays as it is, so
-- joins and counts give the same answers as on the clear table.
COPY (
    SELECT * REPLACE (
        left(name, 1) || '***' AS name,
        CASE WHEN phone IS NOT NULL THEN repeat('*', greatest(length(phone) - 4, 0)) || right(phone, 4) END AS phone,
        CASE WHEN email IS NOT NULL THEN left(email, 1) || '***@' || split_part(email, '@', 2) END AS email
    )
    FROM dim_customer
) TO {{quote .File}} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1);
