-- The temp tables a mining method left on the run's mining connection, all but the shared input
-- (the caller drops them so memory does not accumulate from job to job).
SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name <> {{quote .T.Tx}} ORDER BY table_name;
