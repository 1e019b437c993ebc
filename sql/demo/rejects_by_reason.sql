-- Rejected rows of the latest load, by source table and reason.
SELECT source_table, reason, count(*) AS "rows"
FROM ops.etl_rejects
WHERE load_date = (SELECT max(load_date) FROM ops.etl_rejects)
GROUP BY ALL
ORDER BY source_table, reason;
