-- What a run's reader should know beside its jobs: rejected lines by table and reason (with the
-- first line numbers), data checks that failed or warned, and landing partitions replaced by
-- --replace-export.
SELECT source_table AS "table", 'rejected: ' || reason AS note, count(*) AS "rows",
    'lines ' || string_agg(source_row::VARCHAR, ', ' ORDER BY source_row) FILTER (WHERE rn <= 5)
        || CASE WHEN count(*) > 5 THEN ', …' ELSE '' END AS detail
FROM (SELECT *, row_number() OVER (PARTITION BY source_table, reason ORDER BY source_row) AS rn
      FROM ops.etl_rejects WHERE run_id = {{quote .RunID}})
GROUP BY source_table, reason
UNION ALL
SELECT table_name, 'check ' || status || ': ' || check_name, failing_rows,
    detail || CASE WHEN len(sample) > 0 THEN ' (e.g. ' || array_to_string(sample, ', ') || ')' ELSE '' END
FROM ops.data_checks WHERE run_id = {{quote .RunID}} AND status <> 'pass'
UNION ALL
SELECT source_table, 'export replaced', NULL, 'sha256 ' || left(previous_sha256, 12) || ' → ' || left(new_sha256, 12)
FROM ops.replaced_exports WHERE run_id = {{quote .RunID}}
ORDER BY 1, 2;
