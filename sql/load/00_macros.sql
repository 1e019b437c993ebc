-- Parsing helpers for the staging files; temporary, so they live only on the load's connection.
CREATE OR REPLACE TEMP MACRO txt(x) AS nullif(trim(x), '');
CREATE OR REPLACE TEMP MACRO to_ts(x) AS TRY_CAST(x AS TIMESTAMP);
CREATE OR REPLACE TEMP MACRO to_date(x) AS TRY_CAST(x AS DATE);
CREATE OR REPLACE TEMP MACRO to_num(x) AS TRY_CAST(x AS DECIMAL(18, 4));
CREATE OR REPLACE TEMP MACRO to_int(x) AS TRY_CAST(x AS INTEGER);
CREATE OR REPLACE TEMP MACRO to_bool(x) AS CASE lower(x)
    WHEN 'true' THEN true WHEN 't' THEN true WHEN 'yes' THEN true WHEN 'y' THEN true WHEN '1' THEN true
    WHEN 'false' THEN false WHEN 'f' THEN false WHEN 'no' THEN false WHEN 'n' THEN false WHEN '0' THEN false
END;
CREATE OR REPLACE TEMP MACRO q(x) AS '"' || x || '"';
