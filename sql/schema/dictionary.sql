-- The data dictionary: every table and column with the description from COMMENT ON in sql/ddl.
-- $1 is a table name to show only that table, or '' for all.
SELECT t.schema_name, t.table_name, coalesce(t.comment, '') AS table_comment,
    c.column_name, c.data_type, coalesce(c.comment, '') AS column_comment
FROM duckdb_tables() AS t
JOIN duckdb_columns() AS c USING (database_name, schema_name, table_name)
WHERE t.database_name = current_database() AND NOT t.temporary
  AND ($1 = '' OR t.table_name = $1 OR t.schema_name || '.' || t.table_name = $1)
ORDER BY t.schema_name <> 'main', t.schema_name, t.table_name, c.column_index;
