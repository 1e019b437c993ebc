-- The volume data check: rows read from source table {{quote .Source}} by the latest load of the
-- as-of date against the latest load of an earlier date (ops.load_audit); failing is the
-- difference when it exceeds {{.Tolerance}} of the earlier count.
WITH now AS (
    SELECT arg_max(rows_read, loaded_at) AS n FROM ops.load_audit
    WHERE source_table = {{quote .Source}} AND load_date = CAST({{quote .AsOf}} AS DATE)
), prev AS (
    SELECT arg_max(rows_read, (load_date, loaded_at)) AS n, max(load_date) AS d FROM ops.load_audit
    WHERE source_table = {{quote .Source}} AND load_date < CAST({{quote .AsOf}} AS DATE)
)
SELECT CASE WHEN now.n IS NOT NULL AND prev.n > 0 AND abs(now.n - prev.n) > {{.Tolerance}} * prev.n
        THEN abs(now.n - prev.n) ELSE 0 END::BIGINT AS failing,
    [] AS sample,
    CASE WHEN now.n IS NULL THEN 'no load of this date'
        WHEN prev.n IS NULL THEN now.n || ' rows read; no earlier load to compare with'
        ELSE now.n || ' rows read, ' || prev.n || ' in the load of ' || CAST(prev.d AS VARCHAR)
            || CASE WHEN prev.n > 0 THEN ' (' || CASE WHEN now.n >= prev.n THEN '+' ELSE '' END
                || round(100.0 * (now.n - prev.n) / prev.n, 1) || '%, at most ±' || round(100 * {{.Tolerance}}, 1) || '%)' ELSE '' END
    END AS detail
FROM now, prev;
