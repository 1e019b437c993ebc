-- Types and checks one landing partition of stores (view raw_stores).
-- load/stage.sql stages these rows with the checks against other tables.
CREATE OR REPLACE TEMP VIEW typed_stores AS
WITH t AS (
    SELECT _row, _malformed, txt(store_id) AS store_id, txt(name) AS name, txt(city) AS city, txt(region) AS region
    FROM raw_stores
), c AS (
    SELECT *, CASE
        WHEN _malformed <> '' THEN unreadable(_malformed)
        WHEN store_id IS NULL THEN ['missing_required', 'store_id is empty']
        WHEN name IS NULL THEN ['missing_required', 'name is empty']
    END AS rj
    FROM t
)
SELECT _row, store_id, name, city, region, rj[1] AS reason, rj[2] AS detail FROM c;
