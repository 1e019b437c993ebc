-- The rows of a `crmwh mine tree` query, in the query's order (rowid).
CREATE OR REPLACE TEMP TABLE {{$.T.TreeInput}} AS SELECT * FROM ({{.Query}}) AS q;
