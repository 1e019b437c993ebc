-- The rows of a `crmwh mine tree` query, in the query's order (rowid).
CREATE OR REPLACE TEMP TABLE tree_input AS SELECT * FROM ({{.Query}}) AS q;
