-- Employees with the key of their store, for the type-1 merge into dim_employee.
CREATE OR REPLACE TEMP VIEW src_employees AS
SELECT e.*, coalesce(s.store_key, 0) AS store_key
FROM stg_employees AS e LEFT JOIN dim_store AS s ON s.store_id = e.store_id;
