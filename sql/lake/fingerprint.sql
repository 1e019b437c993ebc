-- The fingerprint of {{.Table}}{{if .PartitionBy}}, per month of {{.PartitionBy}} (a partition of
-- its Parquet copy){{end}}: its rows and the sum of their hashes. A publish rewrites only the
-- files whose fingerprint differs from the previous snapshot's and links the others: a table
-- or month the night did not touch costs a scan, not a compressed write. The rows add up to the
-- table's.
SELECT {{if .PartitionBy}}coalesce(strftime({{.PartitionBy}}, '%Y-%m'), '__HIVE_DEFAULT_PARTITION__'){{else}}''{{end}} AS part,
    count(*) AS "rows", count(*)::VARCHAR || ':' || coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR AS fingerprint
FROM {{.Table}} AS t
GROUP BY ALL;
