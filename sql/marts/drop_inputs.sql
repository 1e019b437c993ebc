-- The rebuild's temp tables go when it ends, built or failed: the connection goes back to the
-- pool and would otherwise hold them (hundreds of MB at a million customers) for the rest of the run.
DROP TABLE IF EXISTS cm_customers;
DROP TABLE IF EXISTS cm_keys;
DROP TABLE IF EXISTS cm_sales;
DROP TABLE IF EXISTS cm_service;
DROP TABLE IF EXISTS cm_surveys;
DROP TABLE IF EXISTS cm_campaigns;
DROP TABLE IF EXISTS cm_changed;
