-- The published tables' descriptions and columns, from the warehouse's own COMMENTs: the
-- snapshot's views are given the same comments (so that BI tools show them through the SQL
-- endpoint's obj_description and col_description), and the star schema's foreign keys are
-- found among the columns. column_name is NULL on a table's own row.
SELECT schema_name, table_name, NULL AS column_name, coalesce(comment, '') AS comment
FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name IN ('main', 'scores', 'ops')
UNION ALL
SELECT schema_name, table_name, column_name, coalesce(comment, '')
FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name IN ('main', 'scores', 'ops')
ORDER BY schema_name, table_name, column_name NULLS FIRST;
