-- The tables of the star schema, then those of the other schemas, for the demo's summary.
SELECT schema_name, table_name
FROM duckdb_tables()
WHERE database_name = current_database() AND NOT temporary
ORDER BY schema_name <> 'main', schema_name, table_name;
