-- Slowly changing dimension, type 2: merges the valid rows of {{.Stage}} into {{.Table}}.
-- A change of a tracked column ({{join .Tracked ", "}}) closes the current version and opens a new one
-- from the source's updated_at (or the load date when updated_at does not move forward); the first
-- version of an id is valid from 1900-01-01. Other columns are overwritten on every version (type 1).

-- 1. Type-1 columns, on all versions.
UPDATE {{.Table}} AS d SET
    {{- range $i, $c := .Type1}}{{if $i}},{{end}} {{$c}} = s.{{$c}}{{end}}
FROM {{.Stage}} AS s
WHERE s.reason IS NULL AND d.{{.ID}} = s.{{.ID}}
  AND ({{range $i, $c := .Type1}}{{if $i}} OR {{end}}d.{{$c}} IS DISTINCT FROM s.{{$c}}{{end}});

-- 2. New ids and changed tracked columns.
CREATE OR REPLACE TEMP TABLE scd_{{.Table}} AS
SELECT s.*, d.{{.Key}} AS old_key, d.version AS old_version,
    CASE WHEN d.{{.Key}} IS NULL THEN TIMESTAMP '1900-01-01'
         WHEN s.updated_at > d.valid_from THEN s.updated_at
         ELSE greatest(CAST(getvariable('load_date') AS TIMESTAMP), d.valid_from + INTERVAL 1 SECOND)
    END AS effective_from
FROM {{.Stage}} AS s
LEFT JOIN {{.Table}} AS d ON d.{{.ID}} = s.{{.ID}} AND d.is_current
WHERE s.reason IS NULL
  AND (d.{{.Key}} IS NULL OR {{range $i, $c := .Tracked}}{{if $i}} OR {{end}}d.{{$c}} IS DISTINCT FROM s.{{$c}}{{end}});

-- 3. Close the versions that changed.
UPDATE {{.Table}} AS d SET valid_to = c.effective_from, is_current = false
FROM scd_{{.Table}} AS c
WHERE c.old_key IS NOT NULL AND d.{{.Key}} = c.old_key;

-- 4. Open the new versions; keys continue from the largest, in id order, so loads are repeatable.
INSERT INTO {{.Table}} ({{.Key}}, {{.ID}}{{range .Tracked}}, {{.}}{{end}}{{range .Type1}}, {{.}}{{end}},
    valid_from, valid_to, is_current, version, load_run_id)
SELECT (SELECT coalesce(max({{.Key}}), 0) FROM {{.Table}}) + row_number() OVER (ORDER BY c.{{.ID}}),
    c.{{.ID}}{{range .Tracked}}, c.{{.}}{{end}}{{range .Type1}}, c.{{.}}{{end}},
    c.effective_from, TIMESTAMP '9999-12-31', true, coalesce(c.old_version, 0) + 1, getvariable('run_id')
FROM scd_{{.Table}} AS c;
