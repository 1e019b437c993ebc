-- The customers whose earlier months this rebuild writes: all of them in a full rebuild; in an
-- incremental one, those whose facts or versions changed (start before the previous as-of month).
SELECT count(*) FROM cm_customers WHERE start IS NULL OR start < date_trunc('month', getvariable('prev_as_of'));
