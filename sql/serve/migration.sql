-- The dashboard's migration heatmap: customers from each value of one categorical score at the
-- previous recorded date to each value at the published one.
SELECT strftime(from_as_of, '%Y-%m-%d'), from_value, to_value, customers
FROM scores.segment_migration
WHERE dimension = ? AND to_as_of = (SELECT max(to_as_of) FROM scores.segment_migration)
ORDER BY from_value, to_value;
