-- Key 0 of dim_store and dim_employee stands for "none": orders online, calls without an agent.
INSERT INTO dim_store SELECT 0, '', '(none)', NULL, NULL
WHERE NOT EXISTS (SELECT 1 FROM dim_store WHERE store_key = 0);
INSERT INTO dim_employee SELECT 0, '', '(none)', NULL, 0, NULL
WHERE NOT EXISTS (SELECT 1 FROM dim_employee WHERE employee_key = 0);
