-- Run on every connection of the SQL endpoint: temporary objects that make the catalog queries
-- of PostgreSQL clients (psql's \dt and \d, BI tools) work on DuckDB. The endpoint strips the
-- "pg_catalog." qualifier from incoming queries, so these shadow DuckDB's own pg_catalog where
-- they differ; everything else still resolves to it. They change what the catalog reports,
-- never what can be read.

-- The published tables are views over Parquet; to clients they are the tables they query.
CREATE OR REPLACE TEMP VIEW pg_class AS
SELECT * REPLACE (CASE WHEN relkind = 'v' THEN 'r' ELSE relkind END AS relkind),
    false AS relforcerowsecurity
FROM pg_catalog.pg_class;

CREATE OR REPLACE TEMP MACRO pg_get_userbyid(id) AS 'crmwh';

-- psql passes a third argument (pretty) that DuckDB's macro lacks.
CREATE OR REPLACE TEMP MACRO pg_get_expr
    (expr, rel) AS pg_catalog.pg_get_expr(expr, rel),
    (expr, rel, pretty) AS pg_catalog.pg_get_expr(expr, rel);

-- Catalogs psql's \d reads that DuckDB has none of: empty, as on a database without row
-- security, extended statistics, publications or inheritance.
CREATE OR REPLACE TEMP VIEW pg_policy AS
SELECT NULL::VARCHAR AS polname, 0::BIGINT AS polrelid, NULL::VARCHAR AS polcmd, true AS polpermissive,
    []::BIGINT[] AS polroles, NULL::VARCHAR AS polqual, NULL::VARCHAR AS polwithcheck
WHERE false;
CREATE OR REPLACE TEMP VIEW pg_statistic_ext AS
SELECT 0::BIGINT AS oid, 0::BIGINT AS stxrelid, NULL::VARCHAR AS stxname, 0::BIGINT AS stxnamespace,
    []::INTEGER[] AS stxkeys, []::VARCHAR[] AS stxkind, -1 AS stxstattarget, NULL::VARCHAR AS stxexprs
WHERE false;
CREATE OR REPLACE TEMP VIEW pg_publication AS
SELECT 0::BIGINT AS oid, NULL::VARCHAR AS pubname, false AS puballtables, false AS pubviaroot
WHERE false;
CREATE OR REPLACE TEMP VIEW pg_publication_rel AS
SELECT 0::BIGINT AS oid, 0::BIGINT AS prpubid, 0::BIGINT AS prrelid, NULL::VARCHAR AS prqual, []::INTEGER[] AS prattrs
WHERE false;
CREATE OR REPLACE TEMP VIEW pg_publication_namespace AS
SELECT 0::BIGINT AS oid, 0::BIGINT AS pnpubid, 0::BIGINT AS pnnspid
WHERE false;
CREATE OR REPLACE TEMP VIEW pg_inherits AS
SELECT 0::BIGINT AS inhrelid, 0::BIGINT AS inhparent, 0 AS inhseqno, false AS inhdetachpending
WHERE false;
CREATE OR REPLACE TEMP VIEW pg_partitioned_table AS
SELECT 0::BIGINT AS partrelid, NULL::VARCHAR AS partstrat
WHERE false;
CREATE OR REPLACE TEMP VIEW pg_roles AS
SELECT 10::BIGINT AS oid, 'crmwh' AS rolname, true AS rolsuper, false AS rolinherit, false AS rolcreaterole,
    false AS rolcreatedb, true AS rolcanlogin, false AS rolreplication, -1 AS rolconnlimit, NULL::TIMESTAMP AS rolvaliduntil,
    false AS rolbypassrls, []::VARCHAR[] AS rolconfig;
CREATE OR REPLACE TEMP MACRO pg_get_statisticsobjdef_columns(oid) AS NULL::VARCHAR;
CREATE OR REPLACE TEMP MACRO pg_relation_is_publishable(rel) AS false;
CREATE OR REPLACE TEMP MACRO array_upper(arr, dim) AS len(arr) - 1;

-- version() in PostgreSQL's form: drivers and SQLAlchemy's dialect parse the version number
-- from "PostgreSQL 15.0 on ..." (DuckDB's own answer, v1.x, makes them give up).
CREATE OR REPLACE TEMP MACRO version() AS 'PostgreSQL 15.0 on x86_64-pc-linux-gnu, crmwh SQL endpoint over DuckDB ' || (SELECT library_version FROM pragma_version());
