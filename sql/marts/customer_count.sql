-- The customers fact_customer_month is built for, to split the rebuild into chunks.
SELECT count(DISTINCT customer_id) FROM dim_customer;
