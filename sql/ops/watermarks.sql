-- The highest watermark extracted per source table by runs that succeeded: the next incremental
-- extract starts above it.
SELECT source_table, watermark FROM ops.source_watermarks;
