-- The rows of a `crmwh mine kmeans` query, in the query's order (rowid), and its numeric columns.
CREATE OR REPLACE TEMP TABLE {{$.T.KMeansInput}} AS SELECT * FROM ({{.Query}}) AS q;
