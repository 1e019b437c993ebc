-- Stages one landing partition of {{.Table}} in a single pass: its typed rows (view typed_{{.Table}},
-- with the first failed check of the row itself) and, for rows that pass, the first reference
-- that names no valid row of this load nor of the warehouse. Rows are read once and written once:
-- references are uncorrelated IN lists (mark joins; a correlated NOT EXISTS plans as a far slower
-- duplicate-eliminating join), not UPDATEs of the staged rows. The lists hold no NULL, so NOT IN
-- is exact. An empty reference column is allowed here: required columns are checked while typing.
-- A reference within the table (a customer's referrer) is checked afterwards by
-- check_reference.sql, which repeats until no row is rejected.
-- A regular table, not a temp one: DuckDB writes it compressed into the warehouse file as it fills,
-- where a temp table spills uncompressed into temp_directory (1M customers: peak spill 4.8 GB ->
-- 1.8 GB; at 10M the temp tables outgrew a 28 GiB cap). It is committed before the load's
-- transaction opens (see etl.Load) and dropped when the load ends, loaded or failed; one left by a
-- killed load is replaced by the next.
CREATE OR REPLACE TABLE stg_{{.Table}} AS
SELECT * EXCLUDE (reason, detail, rj), rj[1] AS reason, rj[2] AS detail
FROM (
    SELECT *, CASE
        WHEN reason IS NOT NULL THEN [reason, detail]
        {{- range .Refs}}
        WHEN {{.Column}} IS NOT NULL AND {{.Column}} NOT IN (
                SELECT {{.Key}} FROM {{.TargetStage}} WHERE reason IS NULL AND {{.Key}} IS NOT NULL
                {{- if .Earlier}}
                UNION ALL SELECT {{.Key}} FROM {{.Earlier}} WHERE {{.Key}} IS NOT NULL
                {{- end}}
            ) THEN ['unknown_reference', '{{.Column}} ' || q({{.Column}}) || ' is not a known {{.Entity}}']
        {{- end}}
    END AS rj
    FROM typed_{{.Table}} AS t
);
