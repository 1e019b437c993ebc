-- A seeded sample of {{.Rows}} rows of {{.Table}} for a tree to learn from when the table has
-- more (TreeSpec.MaxRows): the rows whose hash of rowid and seed is smallest, in that order, so
-- that the same table and seed give the same sample and the same tree, and memory is bounded by
-- the configured sample, not by the customer count.
CREATE OR REPLACE TEMP TABLE {{.T.TreeSample}} AS
SELECT * FROM {{.Table}}
ORDER BY hash(rowid, {{.Seed}}), rowid
LIMIT {{.Rows}};
