-- Rejects every valid row of stg_{{.Table}} that repeats the key ({{join .KeyColumns ", "}}) of an
-- earlier valid row: the first row of a key in file order wins. Repeated keys are rare: grouping
-- the keys' 64-bit hashes finds the few candidates cheaply (no grouping on text keys over every
-- row), the exact keys are grouped among the candidates only, and only their rows are added to
-- rej_{{.Table}} (stage.sql), which the view's verdict reads.
INSERT INTO rej_{{.Table}}
SELECT s._row, 'duplicate_key', 'repeats the key ({{join .KeyColumns ", "}}) of source row ' || d.first_row
FROM stg_{{.Table}} AS s JOIN (
    SELECT {{join .KeyColumns ", "}}, min(_row) AS first_row
    FROM stg_{{.Table}}
    WHERE reason IS NULL AND hash({{join .KeyColumns ", "}}) IN (
        SELECT hash({{join .KeyColumns ", "}}) FROM stg_{{.Table}} WHERE reason IS NULL GROUP BY 1 HAVING count(*) > 1
    )
    GROUP BY {{join .KeyColumns ", "}} HAVING count(*) > 1
) AS d ON {{range $i, $k := .KeyColumns}}{{if $i}} AND {{end}}s.{{$k}} = d.{{$k}}{{end}}
WHERE s.reason IS NULL AND s._row > d.first_row;
