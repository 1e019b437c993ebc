-- Rejects every valid row of {{.Stage}} that repeats the key ({{.Key}}) of an earlier valid row:
-- the first row of a key in file order wins.
UPDATE {{.Stage}} AS s SET reason = 'duplicate_key', detail = 'repeats the key ({{.Key}}) of source row ' || d.first_row
FROM (
    SELECT _row, min(_row) OVER (PARTITION BY {{.Key}}) AS first_row
    FROM {{.Stage}} WHERE reason IS NULL
) AS d
WHERE s._row = d._row AND d._row > d.first_row;
