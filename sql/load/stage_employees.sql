-- Types and checks one landing partition of employees (view raw_employees).
-- load/stage.sql stages these rows with the checks against other tables.
CREATE OR REPLACE TEMP VIEW typed_employees AS
WITH t AS (
    SELECT _row, _malformed, txt(employee_id) AS employee_id, txt(name) AS name, lower(txt(role)) AS role, txt(store_id) AS store_id
    FROM raw_employees
), c AS (
    SELECT *, CASE
        WHEN _malformed <> '' THEN unreadable(_malformed)
        WHEN employee_id IS NULL THEN ['missing_required', 'employee_id is empty']
        WHEN name IS NULL THEN ['missing_required', 'name is empty']
    END AS rj
    FROM t
)
SELECT _row, employee_id, name, role, store_id, rj[1] AS reason, rj[2] AS detail FROM c;
