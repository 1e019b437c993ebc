-- Run on every connection of the SQL endpoint: the PostgreSQL catalog of pg_catalog.sql as this
-- connection's temporary views, with the macros and the empty catalogs clients read. The
-- endpoint strips the "pg_catalog." qualifier from incoming queries, reads information_schema's
-- tables, columns and schemata from crmwh_information_schema_*, and turns ::regclass, ::regtype
-- and ::regproc into the pg_reg* macros, so these shadow DuckDB's own pg_catalog (which reports
-- DuckDB's type ids); everything else still resolves to it. They change what the catalog
-- reports, never what can be read.

CREATE OR REPLACE TEMP VIEW crmwh_type_map AS SELECT * FROM pg_meta.crmwh_type_map;
CREATE OR REPLACE TEMP VIEW crmwh_pg_types AS SELECT * FROM pg_meta.crmwh_pg_types;
CREATE OR REPLACE TEMP VIEW crmwh_system_catalogs AS SELECT * FROM pg_meta.crmwh_system_catalogs;
CREATE OR REPLACE TEMP VIEW crmwh_rows AS SELECT * FROM pg_meta.crmwh_rows;
CREATE OR REPLACE TEMP VIEW crmwh_relations AS SELECT * FROM pg_meta.crmwh_relations;
CREATE OR REPLACE TEMP VIEW crmwh_columns AS SELECT * FROM pg_meta.crmwh_columns;
CREATE OR REPLACE TEMP VIEW crmwh_keys AS SELECT * FROM pg_meta.crmwh_keys;
CREATE OR REPLACE TEMP VIEW pg_namespace AS SELECT * FROM pg_meta.pg_namespace;
CREATE OR REPLACE TEMP VIEW pg_class AS SELECT * FROM pg_meta.pg_class;
CREATE OR REPLACE TEMP VIEW pg_type AS SELECT * FROM pg_meta.pg_type;
CREATE OR REPLACE TEMP VIEW pg_attribute AS SELECT * FROM pg_meta.pg_attribute;
CREATE OR REPLACE TEMP VIEW crmwh_information_schema_schemata AS SELECT * FROM pg_meta.crmwh_information_schema_schemata;
CREATE OR REPLACE TEMP VIEW crmwh_information_schema_tables AS SELECT * FROM pg_meta.crmwh_information_schema_tables;
CREATE OR REPLACE TEMP VIEW crmwh_information_schema_columns AS SELECT * FROM pg_meta.crmwh_information_schema_columns;
CREATE OR REPLACE TEMP VIEW pg_index AS SELECT * FROM pg_meta.pg_index;
CREATE OR REPLACE TEMP VIEW pg_constraint AS SELECT * FROM pg_meta.pg_constraint;
CREATE OR REPLACE TEMP VIEW pg_description AS SELECT * FROM pg_meta.pg_description;
CREATE OR REPLACE TEMP VIEW pg_proc AS SELECT * FROM pg_meta.pg_proc;
CREATE OR REPLACE TEMP VIEW crmwh_pg_settings AS SELECT * FROM pg_meta.crmwh_pg_settings;
CREATE OR REPLACE TEMP VIEW pg_settings AS SELECT * FROM pg_meta.pg_settings;

CREATE OR REPLACE TEMP VIEW pg_am AS
SELECT * FROM (VALUES (2::BIGINT, 'heap', 3::BIGINT, 't'), (403, 'btree', 330, 'i')) AS a(oid, amname, amhandler, amtype);

CREATE OR REPLACE TEMP VIEW pg_attrdef AS
SELECT 0::BIGINT AS oid, 0::BIGINT AS adrelid, 0::SMALLINT AS adnum, NULL::VARCHAR AS adbin WHERE false;
CREATE OR REPLACE TEMP VIEW pg_depend AS
SELECT 0::BIGINT AS classid, 0::BIGINT AS objid, 0 AS objsubid, 0::BIGINT AS refclassid, 0::BIGINT AS refobjid,
    0 AS refobjsubid, 'n' AS deptype WHERE false;
CREATE OR REPLACE TEMP VIEW pg_sequence AS
SELECT 0::BIGINT AS seqrelid, 0::BIGINT AS seqtypid, 0::BIGINT AS seqstart, 0::BIGINT AS seqincrement, 0::BIGINT AS seqmax,
    0::BIGINT AS seqmin, 0::BIGINT AS seqcache, false AS seqcycle WHERE false;
CREATE OR REPLACE TEMP VIEW pg_trigger AS
SELECT 0::BIGINT AS oid, 0::BIGINT AS tgrelid, 0::BIGINT AS tgparentid, NULL::VARCHAR AS tgname, 0::BIGINT AS tgfoid,
    0::SMALLINT AS tgtype, 'O' AS tgenabled, false AS tgisinternal, 0::BIGINT AS tgconstrrelid, 0::BIGINT AS tgconstrindid,
    0::BIGINT AS tgconstraint WHERE false;
CREATE OR REPLACE TEMP MACRO pg_get_triggerdef(trigger_oid) AS NULL::VARCHAR, (trigger_oid, pretty) AS NULL::VARCHAR;
CREATE OR REPLACE TEMP VIEW pg_language AS
SELECT * FROM (VALUES (12::BIGINT, 'internal'), (13, 'c'), (14, 'sql')) AS l(oid, lanname);
CREATE OR REPLACE TEMP VIEW pg_rewrite AS
SELECT 0::BIGINT AS oid, NULL::VARCHAR AS rulename, 0::BIGINT AS ev_class WHERE false;
CREATE OR REPLACE TEMP VIEW pg_database AS
SELECT 1::BIGINT AS oid, 'crmwh' AS datname, 10::BIGINT AS datdba, 6 AS encoding, 'c' AS datlocprovider, false AS datistemplate,
    true AS datallowconn, -1 AS datconnlimit, 0::BIGINT AS datfrozenxid, 0::BIGINT AS datminmxid, 1663::BIGINT AS dattablespace,
    'C' AS datcollate, 'C' AS datctype, NULL::VARCHAR AS daticulocale, NULL::VARCHAR AS datcollversion, NULL::VARCHAR[] AS datacl;
CREATE OR REPLACE TEMP MACRO current_database() AS 'crmwh';
CREATE OR REPLACE TEMP MACRO pg_encoding_to_char(encoding) AS 'UTF8';

-- Sizes: of a table's Parquet files (an index has none of its own).
CREATE OR REPLACE TEMP MACRO pg_table_size(rel) AS coalesce((SELECT min(r.bytes) FROM crmwh_relations AS r WHERE r.oid = rel), 0);
CREATE OR REPLACE TEMP MACRO pg_relation_size(rel) AS pg_table_size(rel), (rel, fork) AS pg_table_size(rel);
CREATE OR REPLACE TEMP MACRO pg_total_relation_size(rel) AS pg_table_size(rel);
CREATE OR REPLACE TEMP MACRO pg_indexes_size(rel) AS 0::BIGINT;
-- In PostgreSQL's units (bytes, kB, MB, GB, TB: the next unit from 10 of it).
CREATE OR REPLACE TEMP MACRO pg_size_pretty(b) AS CASE
    WHEN abs(b) < 10 * 1024 THEN b::BIGINT || ' bytes'
    WHEN abs(b) < 10 * 1024 ^ 2 THEN round(b / 1024)::BIGINT || ' kB'
    WHEN abs(b) < 10 * 1024 ^ 3 THEN round(b / 1024 ^ 2)::BIGINT || ' MB'
    WHEN abs(b) < 10 * 1024 ^ 4 THEN round(b / 1024 ^ 3)::BIGINT || ' GB'
    ELSE round(b / 1024 ^ 4)::BIGINT || ' TB' END;
CREATE OR REPLACE TEMP MACRO pg_database_size(db) AS (SELECT sum(r.bytes) FROM crmwh_relations AS r)::BIGINT;

CREATE OR REPLACE TEMP VIEW pg_collation AS
SELECT 100::BIGINT AS oid, 'default' AS collname, 11::BIGINT AS collnamespace;

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

-- Casts to the reg* types, as the endpoint rewrites them: a number stays the OID, a name is
-- looked up (a schema qualifier and quotes are dropped).
CREATE OR REPLACE TEMP MACRO crmwh_last_name(x) AS string_split(replace(CAST(x AS VARCHAR), '"', ''), '.')[-1];
CREATE OR REPLACE TEMP MACRO pg_regclass(x) AS coalesce(TRY_CAST(x AS BIGINT),
    (SELECT min(c.oid) FROM pg_class AS c WHERE c.relname = crmwh_last_name(x)),
    (SELECT min(s.oid) FROM crmwh_system_catalogs AS s WHERE s.relname = crmwh_last_name(x)));
CREATE OR REPLACE TEMP MACRO pg_regclass_name(x) AS coalesce(
    (SELECT min(c.relname) FROM pg_class AS c WHERE c.oid = TRY_CAST(x AS BIGINT)), CAST(x AS VARCHAR));
CREATE OR REPLACE TEMP MACRO pg_regtype(x) AS coalesce(TRY_CAST(x AS BIGINT),
    (SELECT min(t.oid) FROM crmwh_pg_types AS t WHERE t.typname = crmwh_last_name(x) OR t.sqlname = crmwh_last_name(x)));
CREATE OR REPLACE TEMP MACRO pg_regproc(x) AS coalesce(TRY_CAST(x AS BIGINT),
    CASE crmwh_last_name(x) WHEN 'array_in' THEN 750 WHEN 'array_out' THEN 751 END,
    (SELECT min(p.oid) FROM pg_proc AS p WHERE p.proname = crmwh_last_name(x)));
CREATE OR REPLACE TEMP MACRO pg_regnamespace(x) AS coalesce(TRY_CAST(x AS BIGINT),
    (SELECT min(n.oid) FROM pg_namespace AS n WHERE n.nspname = crmwh_last_name(x)));

CREATE OR REPLACE TEMP MACRO format_type(typ_oid, typmod) AS
    CASE WHEN typ_oid IS NULL THEN NULL
        WHEN typ_oid = 1700 AND typmod >= 4 THEN 'numeric(' || ((typmod - 4) >> 16) || ',' || ((typmod - 4) & 65535) || ')'
        ELSE coalesce((SELECT t.sqlname FROM crmwh_pg_types AS t WHERE t.oid = typ_oid), '???') END;

-- Descriptions: of a table (obj_description(oid, 'pg_class')) or one of its columns.
CREATE OR REPLACE TEMP MACRO obj_description
    (obj_oid) AS (SELECT min(d.description) FROM pg_description AS d WHERE d.objoid = obj_oid AND d.objsubid = 0),
    (obj_oid, catalog) AS (SELECT min(d.description) FROM pg_description AS d WHERE d.objoid = obj_oid AND d.objsubid = 0);
CREATE OR REPLACE TEMP MACRO col_description(rel_oid, col_num) AS
    (SELECT min(d.description) FROM pg_description AS d WHERE d.objoid = rel_oid AND d.objsubid = col_num);
CREATE OR REPLACE TEMP MACRO shobj_description(obj_oid, catalog) AS NULL::VARCHAR;

CREATE OR REPLACE TEMP MACRO pg_get_indexdef
    (idx_oid) AS (SELECT 'CREATE UNIQUE INDEX ' || k.relname || '_pkey ON ' || k.nspname || '.' || k.relname || ' USING btree (' || k.attname || ')'
        FROM crmwh_keys AS k WHERE k.relid + 100000000 = idx_oid AND k.ref_relname = ''),
    (idx_oid, col_num, pretty) AS (SELECT CASE WHEN col_num = 0 THEN
            'CREATE UNIQUE INDEX ' || k.relname || '_pkey ON ' || k.nspname || '.' || k.relname || ' USING btree (' || k.attname || ')'
            WHEN col_num = 1 THEN k.attname END
        FROM crmwh_keys AS k WHERE k.relid + 100000000 = idx_oid AND k.ref_relname = '');
CREATE OR REPLACE TEMP MACRO pg_get_constraintdef
    (con_oid) AS (SELECT CASE WHEN k.ref_relname = '' THEN 'PRIMARY KEY (' || k.attname || ')'
            ELSE 'FOREIGN KEY (' || k.attname || ') REFERENCES ' || k.ref_relname || '(' || k.ref_attname || ')' END
        FROM crmwh_keys AS k
        WHERE (k.ref_relname = '' AND k.relid + 200000000 = con_oid) OR (k.ref_relname <> '' AND 300000000 + 1000 * k.relid + k.attnum = con_oid)),
    (con_oid, pretty) AS pg_get_constraintdef(con_oid);
CREATE OR REPLACE TEMP MACRO pg_get_function_result(fn_oid) AS
    (SELECT min(CASE WHEN p.proretset THEN 'SETOF record' ELSE format_type(p.prorettype, NULL) END) FROM pg_proc AS p WHERE p.oid = fn_oid);
CREATE OR REPLACE TEMP MACRO pg_get_function_arguments(fn_oid) AS
    (SELECT min(array_to_string(p.proargnames, ', ')) FROM pg_proc AS p WHERE p.oid = fn_oid);
CREATE OR REPLACE TEMP MACRO pg_get_function_identity_arguments(fn_oid) AS pg_get_function_arguments(fn_oid);
CREATE OR REPLACE TEMP MACRO pg_get_function_sqlbody(fn_oid) AS NULL::VARCHAR;
CREATE OR REPLACE TEMP MACRO pg_get_serial_sequence(table_name, column_name) AS NULL::VARCHAR;
CREATE OR REPLACE TEMP MACRO pg_get_keywords() AS TABLE
    SELECT keyword_name AS word,
        CASE keyword_category WHEN 'reserved' THEN 'R' WHEN 'unreserved' THEN 'U' WHEN 'type_function' THEN 'T' ELSE 'C' END AS catcode,
        false AS barelabel,
        CASE keyword_category WHEN 'reserved' THEN 'reserved' WHEN 'unreserved' THEN 'unreserved'
            WHEN 'type_function' THEN 'reserved (can be function or type name)' ELSE 'unreserved (cannot be function or type name)' END AS catdesc,
        'requires AS' AS baredesc
    FROM duckdb_keywords();

-- pgjdbc's getPrimaryKeys and getIndexInfo expand an index's columns with their positions.
CREATE OR REPLACE TEMP MACRO _pg_expandarray(arr) AS unnest(list_transform(range(1, len(arr) + 1), i -> {'x': arr[i], 'n': i}));

-- Everything is readable to whoever signed in; what can be read is decided by the snapshot
-- (masked or clear), not by grants.
CREATE OR REPLACE TEMP MACRO has_table_privilege(a, b) AS true, (a, b, c) AS true;
CREATE OR REPLACE TEMP MACRO has_schema_privilege(a, b) AS true, (a, b, c) AS true;
CREATE OR REPLACE TEMP MACRO has_function_privilege(a, b) AS true, (a, b, c) AS true;
CREATE OR REPLACE TEMP MACRO has_type_privilege(a, b) AS true, (a, b, c) AS true;
CREATE OR REPLACE TEMP MACRO has_column_privilege(a, b, c) AS true, (a, b, c, d) AS true;
CREATE OR REPLACE TEMP MACRO has_database_privilege(a, b) AS true, (a, b, c) AS true;
CREATE OR REPLACE TEMP MACRO has_sequence_privilege(a, b) AS true, (a, b, c) AS true;
CREATE OR REPLACE TEMP MACRO pg_has_role(a, b) AS true, (a, b, c) AS true;
CREATE OR REPLACE TEMP MACRO pg_table_is_visible(rel_oid) AS true;
CREATE OR REPLACE TEMP MACRO pg_type_is_visible(typ_oid) AS true;
CREATE OR REPLACE TEMP MACRO pg_function_is_visible(fn_oid) AS true;
CREATE OR REPLACE TEMP MACRO pg_get_userbyid(id) AS 'crmwh';
CREATE OR REPLACE TEMP MACRO current_setting
    (setting_name) AS (SELECT min(s.setting) FROM pg_settings AS s WHERE lower(s.name) = lower(setting_name)),
    (setting_name, missing_ok) AS current_setting(setting_name);

-- psql passes a third argument (pretty) that DuckDB's macro lacks.
CREATE OR REPLACE TEMP MACRO pg_get_expr
    (expr, rel) AS pg_catalog.pg_get_expr(expr, rel),
    (expr, rel, pretty) AS pg_catalog.pg_get_expr(expr, rel);
CREATE OR REPLACE TEMP MACRO pg_get_statisticsobjdef_columns(oid) AS NULL::VARCHAR;
-- No table is partitioned (in PostgreSQL's sense): a table is its own only ancestor.
-- The table form carries the ordinality psql asks for WITH ORDINALITY, which DuckDB ignores on a
-- table macro.
CREATE OR REPLACE TEMP MACRO pg_partition_ancestors(rel) AS TRY_CAST(rel AS BIGINT);
CREATE OR REPLACE TEMP MACRO pg_partition_ancestors(rel) AS TABLE SELECT TRY_CAST(rel AS BIGINT) AS relid, 1::BIGINT AS depth;
CREATE OR REPLACE TEMP MACRO pg_relation_is_publishable(rel) AS false;
CREATE OR REPLACE TEMP MACRO array_upper(arr, dim) AS len(arr) - 1;

-- version() in PostgreSQL's form: drivers and SQLAlchemy's dialect parse the version number
-- from "PostgreSQL 15.0 on ..." (DuckDB's own answer, v1.x, makes them give up).
CREATE OR REPLACE TEMP MACRO version() AS 'PostgreSQL 15.0 on x86_64-pc-linux-gnu, crmwh SQL endpoint over DuckDB ' || (SELECT library_version FROM pragma_version());
