-- The rebuild's parameters as session variables, read by the customer_month_*.sql files:
-- the as-of date, the chunk count, and the previous build's as-of date and highest customer key
-- (for an incremental rebuild; ignored by a full one).
SET VARIABLE as_of = DATE {{quote .AsOf}};
SET VARIABLE chunks = {{.Chunks}};
SET VARIABLE prev_as_of = DATE {{quote .PrevAsOf}};
SET VARIABLE prev_max_key = {{.PrevMaxKey}};
