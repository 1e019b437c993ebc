-- Rows whose field count did not match the header are rejected whatever else they hold.
UPDATE {{.Stage}} AS s SET reason = 'malformed_row', detail = r._malformed
FROM raw_{{.Source}} AS r
WHERE r._row = s._row AND r._malformed <> '';
