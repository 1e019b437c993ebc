-- Keeps the migration from the previous recorded date to {{.To}} (migration.sql) in
-- scores.segment_migration, replacing any for the same later date.
DELETE FROM scores.segment_migration WHERE to_as_of = DATE {{quote .To}};

INSERT INTO scores.segment_migration BY NAME
{{.Query}};
