-- Which customer chunk customer_month_chunk.sql builds next.
SET VARIABLE chunk = {{.Chunk}};
