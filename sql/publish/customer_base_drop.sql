-- customer_base_events.sql's temp tables go when the publish ends, published or failed: the
-- connection goes back to the pool and would otherwise hold them for the rest of the run.
DROP TABLE IF EXISTS base_customers;
DROP TABLE IF EXISTS base_days;
DROP TABLE IF EXISTS base_events;
