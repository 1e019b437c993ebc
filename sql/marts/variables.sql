-- The rebuild's parameters as session variables, read by customer_month_prepare.sql and
-- customer_month_chunk.sql.
SET VARIABLE as_of = DATE {{quote .AsOf}};
SET VARIABLE chunks = {{.Chunks}};
