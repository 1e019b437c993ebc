-- fact_customer_month, full rebuild: every row goes, and step 2 builds every customer from the
-- month they were created (cm_customers.start stays NULL).
DELETE FROM fact_customer_month;
