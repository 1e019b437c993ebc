-- Parsing helpers for the staging files; temporary, so they live only on the load's connection.
-- A field's text without the spaces around it (trim: Unicode space separators), NULL when empty.
-- trim looks up the Unicode category of every character of every field, about 5% of a nightly
-- run's CPU at a million customers; an ASCII field (as many bytes as characters) that neither
-- starts nor ends with ' ', the only ASCII space separator, is its own trim, and skips it (the
-- orders' five texts: 0.9 s instead of 1.5-1.8 s).
CREATE OR REPLACE TEMP MACRO txt(x) AS CASE
    WHEN strlen(x) = length(x) AND NOT (starts_with(x, ' ') OR suffix(x, ' ')) THEN nullif(x, '')
    ELSE nullif(trim(x), '')
END;
CREATE OR REPLACE TEMP MACRO to_ts(x) AS TRY_CAST(x AS TIMESTAMP);
CREATE OR REPLACE TEMP MACRO to_date(x) AS TRY_CAST(x AS DATE);
CREATE OR REPLACE TEMP MACRO to_num(x) AS TRY_CAST(x AS DECIMAL(18, 4));
CREATE OR REPLACE TEMP MACRO to_int(x) AS TRY_CAST(x AS INTEGER);
CREATE OR REPLACE TEMP MACRO to_bool(x) AS CASE lower(x)
    WHEN 'true' THEN true WHEN 't' THEN true WHEN 'yes' THEN true WHEN 'y' THEN true WHEN '1' THEN true
    WHEN 'false' THEN false WHEN 'f' THEN false WHEN 'no' THEN false WHEN 'n' THEN false WHEN '0' THEN false
END;
-- Quotes a value for a reject's detail: an excerpt, never megabytes of one field.
CREATE OR REPLACE TEMP MACRO q(x) AS '"' || CASE WHEN length(x) > 40 THEN left(x, 40) || '…' ELSE x END || '"';
-- [reason, detail] of a line the extractor could not read as a row. It writes "reason: detail";
-- partitions landed before reasons were recorded hold the detail of a wrong field count only.
CREATE OR REPLACE TEMP MACRO unreadable(m) AS CASE
    WHEN regexp_matches(m, '^[a-z_]+: ') THEN [split_part(m, ': ', 1), m[strpos(m, ': ') + 2:]]
    ELSE ['malformed_row', m]
END;
