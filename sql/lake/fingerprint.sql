-- The fingerprint of {{.Table}}{{if .PartitionBy}}, per month of {{.PartitionBy}} (a partition of
-- its Parquet copy){{end}}: its rows and the sum of their hashes. A publish rewrites only the
-- files whose fingerprint differs from the previous snapshot's and links the others: a table
-- or month the night did not touch costs a scan, not a compressed write. The rows add up to the
-- table's. Rows are grouped by the month as a date and the few groups named afterwards, not by
-- the month's name formatted for every row (1M customers: fact_customer_month 1.8 s -> 0.75 s).
SELECT {{if .PartitionBy}}coalesce(strftime(m, '%Y-%m'), '__HIVE_DEFAULT_PARTITION__'){{else}}''{{end}} AS part, "rows", fingerprint
FROM (
    SELECT {{if .PartitionBy}}date_trunc('month', {{.PartitionBy}}){{else}}NULL{{end}} AS m,
        count(*) AS "rows", count(*)::VARCHAR || ':' || coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR AS fingerprint
    FROM {{.Table}} AS t
    GROUP BY ALL
);
