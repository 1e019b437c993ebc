-- The rows of a `crmwh mine kmeans` query, in the query's order (rowid), and its numeric columns.
CREATE OR REPLACE TEMP TABLE kmeans_input AS SELECT * FROM ({{.Query}}) AS q;
