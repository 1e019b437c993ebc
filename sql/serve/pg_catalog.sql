-- Run once per opened snapshot catalog (each reader kind) by the SQL endpoint: a PostgreSQL 15
-- system catalog over the published snapshot, as tables in a database file of the server's own
-- ({{.File}}, a temporary directory), computed once (a snapshot never changes; computed on every
-- connection it took 0.15-0.25 s each) and shared by every connection, so that
-- PostgreSQL clients (psql's \d, pgjdbc's DatabaseMetaData in DBeaver and Metabase, SQLAlchemy's
-- inspector in Superset and pandas) list the tables, their columns with PostgreSQL types and
-- typmods, the star schema's keys and the comments. pg_compat.sql shows them to each connection.
--
-- Template data: .File, .Types (each DuckDB type name with the OID the endpoint sends it as), .Keys
-- (the snapshot manifest's keys), .Rows (rows and bytes per published table) and .Settings.
--
-- OIDs: the published tables keep DuckDB's own (above 16384, as PostgreSQL's user objects);
-- a table's primary key index is its OID + 100000000, its primary key constraint + 200000000,
-- a foreign key + 300000000 + 1000 × the table's OID + the column's number. PostgreSQL's
-- fixed OIDs are used for pg_catalog (11), its types and the system catalogs clients name.

ATTACH {{quote .File}} AS pg_meta (READ_WRITE); -- the snapshot is opened read-only, and so by default is this

-- DuckDB types as PostgreSQL types (serve.pgTypes); anything else is sent as text.
CREATE OR REPLACE TABLE pg_meta.crmwh_type_map AS
SELECT * FROM (VALUES {{range $i, $t := .Types}}{{if $i}}, {{end}}({{quote $t.Name}}, {{$t.OID}}::BIGINT){{end}}) AS m(duck_type, oid);

-- The PostgreSQL types the catalog knows: those the endpoint sends and those clients look up.
CREATE OR REPLACE TABLE pg_meta.crmwh_pg_types AS
SELECT * FROM (VALUES
    (16::BIGINT, 'bool', 'boolean', 1, 'B', 0::BIGINT, 1000::BIGINT),
    (17, 'bytea', 'bytea', -1, 'U', 0, 1001),
    (18, 'char', '"char"', 1, 'Z', 0, 1002),
    (19, 'name', 'name', 64, 'S', 0, 1003),
    (20, 'int8', 'bigint', 8, 'N', 0, 1016),
    (21, 'int2', 'smallint', 2, 'N', 0, 1005),
    (22, 'int2vector', 'int2vector', -1, 'A', 21, 1006),
    (23, 'int4', 'integer', 4, 'N', 0, 1007),
    (24, 'regproc', 'regproc', 4, 'N', 0, 1008),
    (25, 'text', 'text', -1, 'S', 0, 1009),
    (26, 'oid', 'oid', 4, 'N', 0, 1028),
    (30, 'oidvector', 'oidvector', -1, 'A', 26, 1013),
    (114, 'json', 'json', -1, 'U', 0, 199),
    (700, 'float4', 'real', 4, 'N', 0, 1021),
    (701, 'float8', 'double precision', 8, 'N', 0, 1022),
    (705, 'unknown', 'unknown', -2, 'X', 0, 0),
    (1042, 'bpchar', 'character', -1, 'S', 0, 1014),
    (1043, 'varchar', 'character varying', -1, 'S', 0, 1015),
    (1082, 'date', 'date', 4, 'D', 0, 1182),
    (1083, 'time', 'time without time zone', 8, 'D', 0, 1183),
    (1114, 'timestamp', 'timestamp without time zone', 8, 'D', 0, 1115),
    (1184, 'timestamptz', 'timestamp with time zone', 8, 'D', 0, 1185),
    (1186, 'interval', 'interval', 16, 'T', 0, 1187),
    (1700, 'numeric', 'numeric', -1, 'N', 0, 1231),
    (2205, 'regclass', 'regclass', 4, 'N', 0, 2210),
    (2206, 'regtype', 'regtype', 4, 'N', 0, 2211),
    (2249, 'record', 'record', -1, 'P', 0, 2287),
    (2278, 'void', 'void', 4, 'P', 0, 0),
    (2950, 'uuid', 'uuid', 16, 'U', 0, 2951),
    (3802, 'jsonb', 'jsonb', -1, 'U', 0, 3807),
    (199, '_json', 'json[]', -1, 'A', 114, 0),
    (1000, '_bool', 'boolean[]', -1, 'A', 16, 0),
    (1001, '_bytea', 'bytea[]', -1, 'A', 17, 0),
    (1002, '_char', '"char"[]', -1, 'A', 18, 0),
    (1003, '_name', 'name[]', -1, 'A', 19, 0),
    (1005, '_int2', 'smallint[]', -1, 'A', 21, 0),
    (1006, '_int2vector', 'int2vector[]', -1, 'A', 22, 0),
    (1007, '_int4', 'integer[]', -1, 'A', 23, 0),
    (1008, '_regproc', 'regproc[]', -1, 'A', 24, 0),
    (1009, '_text', 'text[]', -1, 'A', 25, 0),
    (1013, '_oidvector', 'oidvector[]', -1, 'A', 30, 0),
    (1014, '_bpchar', 'character[]', -1, 'A', 1042, 0),
    (1015, '_varchar', 'character varying[]', -1, 'A', 1043, 0),
    (1016, '_int8', 'bigint[]', -1, 'A', 20, 0),
    (1021, '_float4', 'real[]', -1, 'A', 700, 0),
    (1022, '_float8', 'double precision[]', -1, 'A', 701, 0),
    (1028, '_oid', 'oid[]', -1, 'A', 26, 0),
    (1115, '_timestamp', 'timestamp without time zone[]', -1, 'A', 1114, 0),
    (1182, '_date', 'date[]', -1, 'A', 1082, 0),
    (1183, '_time', 'time without time zone[]', -1, 'A', 1083, 0),
    (1185, '_timestamptz', 'timestamp with time zone[]', -1, 'A', 1184, 0),
    (1187, '_interval', 'interval[]', -1, 'A', 1186, 0),
    (1231, '_numeric', 'numeric[]', -1, 'A', 1700, 0),
    (2210, '_regclass', 'regclass[]', -1, 'A', 2205, 0),
    (2211, '_regtype', 'regtype[]', -1, 'A', 2206, 0),
    (2287, '_record', 'record[]', -1, 'A', 2249, 0),
    (2951, '_uuid', 'uuid[]', -1, 'A', 2950, 0),
    (3807, '_jsonb', 'jsonb[]', -1, 'A', 3802, 0)
) AS t(oid, typname, sqlname, typlen, typcategory, typelem, typarray);

-- PostgreSQL's OIDs of the system catalogs clients name in casts ('pg_class'::regclass).
CREATE OR REPLACE TABLE pg_meta.crmwh_system_catalogs AS
SELECT * FROM (VALUES ('pg_class', 1259::BIGINT), ('pg_attribute', 1249), ('pg_type', 1247), ('pg_proc', 1255),
    ('pg_namespace', 2615), ('pg_constraint', 2606), ('pg_description', 2609), ('pg_index', 2610),
    ('pg_am', 2601), ('pg_depend', 2608), ('pg_attrdef', 2604), ('pg_database', 1262), ('pg_authid', 1260),
    ('pg_trigger', 2620), ('pg_rewrite', 2618), ('pg_sequence', 2224), ('pg_inherits', 2611)) AS s(relname, oid);

CREATE OR REPLACE TABLE pg_meta.crmwh_rows AS
SELECT * FROM (VALUES ('', '', 0::BIGINT, 0::BIGINT){{range .Rows}}, ({{quote .Schema}}, {{quote .Table}}, {{.N}}, {{.Bytes}}){{end}})
    AS r(schema_name, table_name, n, bytes)
WHERE table_name <> '';

-- The published tables (the snapshot's views; its temporary objects, these included, are not).
CREATE OR REPLACE TABLE pg_meta.crmwh_relations AS
SELECT v.view_oid AS oid, v.view_name AS relname, v.schema_oid AS relnamespace, v.schema_name AS nspname,
    v.column_count AS relnatts, r.n AS reltuples, r.bytes
FROM duckdb_views() AS v
LEFT JOIN pg_meta.crmwh_rows AS r ON r.schema_name = v.schema_name AND r.table_name = v.view_name
WHERE v.database_name NOT IN ('system', 'temp', 'pg_meta') AND NOT v.internal AND NOT v.temporary;

CREATE OR REPLACE TABLE pg_meta.crmwh_columns AS
SELECT c.table_oid AS attrelid, c.column_name AS attname, c.column_index AS attnum, c.comment,
    coalesce(m.oid, 25) AS atttypid,
    CASE WHEN c.data_type LIKE 'DECIMAL(%' THEN ((c.numeric_precision << 16) | c.numeric_scale) + 4 ELSE -1 END AS atttypmod,
    c.is_nullable
FROM duckdb_columns() AS c
JOIN pg_meta.crmwh_relations AS rel ON rel.oid = c.table_oid
LEFT JOIN pg_meta.crmwh_type_map AS m ON m.duck_type = CASE WHEN c.data_type LIKE 'DECIMAL(%' THEN 'DECIMAL' ELSE c.data_type END;

-- The keys, with the OIDs and column numbers of what they name.
CREATE OR REPLACE TABLE pg_meta.crmwh_keys AS
WITH k AS (
    SELECT * FROM (VALUES ('', '', '', '', '', ''){{range .Keys}}, ({{quote .Schema}}, {{quote .Table}}, {{quote .Column}}, {{quote .RefSchema}}, {{quote .RefTable}}, {{quote .RefColumn}}){{end}})
        AS k(nspname, relname, attname, ref_nspname, ref_relname, ref_attname)
    WHERE relname <> ''
)
SELECT k.*, rel.oid AS relid, rel.relnamespace, col.attnum, ref.oid AS ref_relid, refcol.attnum AS ref_attnum
FROM k
JOIN pg_meta.crmwh_relations AS rel ON rel.nspname = k.nspname AND rel.relname = k.relname
JOIN pg_meta.crmwh_columns AS col ON col.attrelid = rel.oid AND col.attname = k.attname
LEFT JOIN pg_meta.crmwh_relations AS ref ON ref.nspname = k.ref_nspname AND ref.relname = k.ref_relname
LEFT JOIN pg_meta.crmwh_columns AS refcol ON refcol.attrelid = ref.oid AND refcol.attname = k.ref_attname
WHERE k.ref_relname = '' OR refcol.attnum IS NOT NULL;

CREATE OR REPLACE TABLE pg_meta.pg_namespace AS
SELECT 11::BIGINT AS oid, 'pg_catalog' AS nspname, 10::BIGINT AS nspowner, NULL::VARCHAR[] AS nspacl
UNION ALL
SELECT 13000, 'information_schema', 10, NULL
UNION ALL
SELECT oid, schema_name, 10, NULL
FROM duckdb_schemas()
WHERE database_name NOT IN ('system', 'temp', 'pg_meta') AND schema_name NOT IN ('pg_catalog', 'information_schema');

CREATE OR REPLACE TABLE pg_meta.pg_class AS
SELECT rel.oid, rel.relname, rel.relnamespace, 0::BIGINT AS reltype, 0::BIGINT AS reloftype, 10::BIGINT AS relowner,
    2::BIGINT AS relam, rel.oid AS relfilenode, 0::BIGINT AS reltablespace, (coalesce(rel.bytes, 0) // 8192)::INTEGER AS relpages,
    coalesce(rel.reltuples, -1)::REAL AS reltuples, 0 AS relallvisible, 0::BIGINT AS reltoastrelid,
    EXISTS (SELECT 1 FROM pg_meta.crmwh_keys AS k WHERE k.relid = rel.oid AND k.ref_relname = '') AS relhasindex,
    false AS relisshared, 'p' AS relpersistence, 'r' AS relkind, rel.relnatts::SMALLINT AS relnatts,
    0::SMALLINT AS relchecks, false AS relhasrules,
    -- PostgreSQL keeps foreign keys with triggers; psql lists them (and "Referenced by") only then.
    EXISTS (SELECT 1 FROM pg_meta.crmwh_keys AS k WHERE k.ref_relname <> '' AND rel.oid IN (k.relid, k.ref_relid)) AS relhastriggers,
    false AS relhassubclass,
    false AS relrowsecurity, false AS relforcerowsecurity, true AS relispopulated, 'd' AS relreplident,
    false AS relispartition, 0::BIGINT AS relrewrite, 0::BIGINT AS relfrozenxid, 0::BIGINT AS relminmxid,
    NULL::VARCHAR[] AS relacl, NULL::VARCHAR[] AS reloptions, NULL::VARCHAR AS relpartbound
FROM pg_meta.crmwh_relations AS rel
UNION ALL
SELECT k.relid + 100000000, k.relname || '_pkey', k.relnamespace, 0, 0, 10, 403, k.relid + 100000000, 0, 0,
    coalesce(rel.reltuples, -1)::REAL, 0, 0, false, false, 'p', 'i', 1, 0, false, false, false, false, false, true,
    'n', false, 0, 0, 0, NULL, NULL, NULL
FROM pg_meta.crmwh_keys AS k JOIN pg_meta.crmwh_relations AS rel ON rel.oid = k.relid
WHERE k.ref_relname = '';

CREATE OR REPLACE TABLE pg_meta.pg_type AS
SELECT oid, typname, 11::BIGINT AS typnamespace, 10::BIGINT AS typowner, typlen::SMALLINT AS typlen,
    typlen BETWEEN 1 AND 8 AS typbyval, CASE WHEN typcategory = 'P' THEN 'p' ELSE 'b' END AS typtype, typcategory,
    typname IN ('bool', 'text', 'float8', 'oid', 'timestamptz', 'interval') AS typispreferred, true AS typisdefined,
    ',' AS typdelim, 0::BIGINT AS typrelid, 0::BIGINT AS typsubscript, typelem, typarray,
    CASE WHEN typcategory = 'A' THEN 750 ELSE 0 END::BIGINT AS typinput,
    CASE WHEN typcategory = 'A' THEN 751 ELSE 0 END::BIGINT AS typoutput,
    0::BIGINT AS typreceive, 0::BIGINT AS typsend, 0::BIGINT AS typmodin, 0::BIGINT AS typmodout, 0::BIGINT AS typanalyze,
    CASE WHEN typlen = 8 THEN 'd' WHEN typlen IN (2) THEN 's' WHEN typlen IN (1) THEN 'c' ELSE 'i' END AS typalign,
    CASE WHEN typlen = -1 THEN 'x' ELSE 'p' END AS typstorage, false AS typnotnull, 0::BIGINT AS typbasetype,
    -1 AS typtypmod, 0 AS typndims, CASE WHEN typcategory = 'S' THEN 100 ELSE 0 END::BIGINT AS typcollation,
    NULL::VARCHAR AS typdefaultbin, NULL::VARCHAR AS typdefault, NULL::VARCHAR[] AS typacl
FROM pg_meta.crmwh_pg_types;

CREATE OR REPLACE TABLE pg_meta.pg_attribute AS
SELECT c.attrelid, c.attname, c.atttypid, -1 AS attstattarget, coalesce(t.typlen, -1)::SMALLINT AS attlen,
    c.attnum::SMALLINT AS attnum, 0 AS attndims, -1 AS attcacheoff, c.atttypmod, coalesce(t.typlen BETWEEN 1 AND 8, false) AS attbyval,
    'i' AS attalign, 'p' AS attstorage, '' AS attcompression,
    NOT c.is_nullable OR EXISTS (SELECT 1 FROM pg_meta.crmwh_keys AS k WHERE k.relid = c.attrelid AND k.attnum = c.attnum AND k.ref_relname = '') AS attnotnull,
    false AS atthasdef, false AS atthasmissing, '' AS attidentity, '' AS attgenerated, false AS attisdropped,
    true AS attislocal, 0 AS attinhcount, CASE WHEN c.atttypid = 25 THEN 100 ELSE 0 END::BIGINT AS attcollation,
    NULL::VARCHAR[] AS attacl, NULL::VARCHAR[] AS attoptions, NULL::VARCHAR[] AS attfdwoptions, NULL::VARCHAR AS attmissingval
FROM pg_meta.crmwh_columns AS c LEFT JOIN pg_meta.crmwh_pg_types AS t ON t.oid = c.atttypid
UNION ALL
-- The primary key indexes' one column each.
SELECT k.relid + 100000000, k.attname, c.atttypid, -1, coalesce(t.typlen, -1)::SMALLINT, 1::SMALLINT, 0, -1, c.atttypmod,
    coalesce(t.typlen BETWEEN 1 AND 8, false), 'i', 'p', '', true, false, false, '', '', false, true, 0, 0, NULL, NULL, NULL, NULL
FROM pg_meta.crmwh_keys AS k
JOIN pg_meta.crmwh_columns AS c ON c.attrelid = k.relid AND c.attnum = k.attnum
LEFT JOIN pg_meta.crmwh_pg_types AS t ON t.oid = c.atttypid
WHERE k.ref_relname = '';

-- information_schema in PostgreSQL's terms (the endpoint reads information_schema.tables,
-- .columns and .schemata from these; DuckDB's own name DuckDB's types).
CREATE OR REPLACE TABLE pg_meta.crmwh_information_schema_schemata AS
SELECT 'crmwh' AS catalog_name, nspname AS schema_name, 'crmwh' AS schema_owner, NULL::VARCHAR AS default_character_set_catalog,
    NULL::VARCHAR AS default_character_set_schema, NULL::VARCHAR AS default_character_set_name, NULL::VARCHAR AS sql_path
FROM pg_meta.pg_namespace;
CREATE OR REPLACE TABLE pg_meta.crmwh_information_schema_tables AS
SELECT 'crmwh' AS table_catalog, nspname AS table_schema, relname AS table_name, 'BASE TABLE' AS table_type,
    NULL::VARCHAR AS self_referencing_column_name, NULL::VARCHAR AS reference_generation, NULL::VARCHAR AS user_defined_type_catalog,
    NULL::VARCHAR AS user_defined_type_schema, NULL::VARCHAR AS user_defined_type_name, 'NO' AS is_insertable_into,
    'NO' AS is_typed, NULL::VARCHAR AS commit_action
FROM pg_meta.crmwh_relations;
CREATE OR REPLACE TABLE pg_meta.crmwh_information_schema_columns AS
SELECT 'crmwh' AS table_catalog, rel.nspname AS table_schema, rel.relname AS table_name, c.attname AS column_name,
    c.attnum AS ordinal_position, NULL::VARCHAR AS column_default, CASE WHEN c.is_nullable THEN 'YES' ELSE 'NO' END AS is_nullable,
    t.sqlname AS data_type, NULL::INTEGER AS character_maximum_length,
    CASE WHEN t.typcategory = 'S' THEN 1073741824 END AS character_octet_length,
    CASE t.typname WHEN 'int2' THEN 16 WHEN 'int4' THEN 32 WHEN 'int8' THEN 64 WHEN 'float4' THEN 24 WHEN 'float8' THEN 53
        WHEN 'numeric' THEN CASE WHEN c.atttypmod >= 4 THEN (c.atttypmod - 4) >> 16 END END AS numeric_precision,
    CASE WHEN t.typname IN ('int2', 'int4', 'int8', 'float4', 'float8') THEN 2 WHEN t.typname = 'numeric' THEN 10 END AS numeric_precision_radix,
    CASE WHEN t.typname IN ('int2', 'int4', 'int8') THEN 0 WHEN t.typname = 'numeric' AND c.atttypmod >= 4 THEN (c.atttypmod - 4) & 65535 END AS numeric_scale,
    CASE WHEN t.typname IN ('timestamp', 'timestamptz', 'time') THEN 6 WHEN t.typname = 'date' THEN 0 END AS datetime_precision,
    NULL::VARCHAR AS interval_type, 'crmwh' AS udt_catalog, 'pg_catalog' AS udt_schema, t.typname AS udt_name,
    c.attnum::VARCHAR AS dtd_identifier, 'NO' AS is_self_referencing, 'NO' AS is_identity, 'NEVER' AS is_generated,
    'NO' AS is_updatable
FROM pg_meta.crmwh_columns AS c
JOIN pg_meta.crmwh_relations AS rel ON rel.oid = c.attrelid
JOIN pg_meta.crmwh_pg_types AS t ON t.oid = c.atttypid;

CREATE OR REPLACE TABLE pg_meta.pg_index AS
SELECT relid + 100000000 AS indexrelid, relid AS indrelid, 1::SMALLINT AS indnatts, 1::SMALLINT AS indnkeyatts,
    true AS indisunique, false AS indnullsnotdistinct, true AS indisprimary, false AS indisexclusion, true AS indimmediate,
    false AS indisclustered, true AS indisvalid, false AS indcheckxmin, true AS indisready, true AS indislive,
    false AS indisreplident, [attnum]::SMALLINT[] AS indkey, [0]::BIGINT[] AS indcollation, [1978]::BIGINT[] AS indclass,
    [0]::SMALLINT[] AS indoption, NULL::VARCHAR AS indexprs, NULL::VARCHAR AS indpred
FROM pg_meta.crmwh_keys
WHERE ref_relname = '';

CREATE OR REPLACE TABLE pg_meta.pg_constraint AS
SELECT relid + 200000000 AS oid, relname || '_pkey' AS conname, relnamespace AS connamespace, 'p' AS contype,
    false AS condeferrable, false AS condeferred, true AS convalidated, relid AS conrelid, 0::BIGINT AS contypid,
    relid + 100000000 AS conindid, 0::BIGINT AS conparentid, 0::BIGINT AS confrelid, ' ' AS confupdtype,
    ' ' AS confdeltype, ' ' AS confmatchtype, true AS conislocal, 0 AS coninhcount, true AS connoinherit,
    [attnum]::SMALLINT[] AS conkey, NULL::SMALLINT[] AS confkey, NULL::BIGINT[] AS conpfeqop, NULL::BIGINT[] AS conppeqop,
    NULL::BIGINT[] AS conffeqop, NULL::SMALLINT[] AS confdelsetcols, NULL::BIGINT[] AS conexclop, NULL::VARCHAR AS conbin
FROM pg_meta.crmwh_keys
WHERE ref_relname = ''
UNION ALL
SELECT 300000000 + 1000 * relid + attnum, relname || '_' || attname || '_fkey', relnamespace, 'f', false, false, true,
    relid, 0, ref_relid + 100000000, 0, ref_relid, 'a', 'a', 's', true, 0, true, [attnum]::SMALLINT[],
    [ref_attnum]::SMALLINT[], NULL, NULL, NULL, NULL, NULL, NULL
FROM pg_meta.crmwh_keys
WHERE ref_relname <> '';

CREATE OR REPLACE TABLE pg_meta.pg_description AS
SELECT oid AS objoid, 1259::BIGINT AS classoid, 0 AS objsubid, comment AS description
FROM duckdb_views() AS v JOIN pg_meta.crmwh_relations AS rel ON rel.oid = v.view_oid
WHERE coalesce(v.comment, '') <> ''
UNION ALL
SELECT attrelid, 1259, attnum, comment
FROM pg_meta.crmwh_columns
WHERE coalesce(comment, '') <> '';

-- DuckDB's functions, all in pg_catalog as PostgreSQL's built-ins are; the snapshot's own macros
-- (scores_as_of, customers_as_of) in their schema.
CREATE OR REPLACE TABLE pg_meta.pg_proc AS
SELECT f.oid, f.proname, coalesce(s.oid, 11) AS pronamespace, 10::BIGINT AS proowner, 12::BIGINT AS prolang, 1::REAL AS procost,
    CASE WHEN f.proretset THEN 1000 ELSE 0 END::REAL AS prorows, 0::BIGINT AS provariadic, 0::BIGINT AS prosupport, f.prokind,
    false AS prosecdef, false AS proleakproof, false AS proisstrict, f.proretset, 'i' AS provolatile, 'u' AS proparallel,
    f.pronargs::SMALLINT AS pronargs, 0::SMALLINT AS pronargdefaults, f.prorettype, []::BIGINT[] AS proargtypes,
    NULL::BIGINT[] AS proallargtypes, NULL::VARCHAR[] AS proargmodes, f.proargnames, NULL::VARCHAR AS proargdefaults,
    NULL::BIGINT[] AS protrftypes, f.proname AS prosrc, NULL::VARCHAR AS probin, NULL::VARCHAR AS prosqlbody,
    NULL::VARCHAR[] AS proconfig, NULL::VARCHAR[] AS proacl
FROM (
    SELECT function_oid AS oid, function_name AS proname, database_name, schema_name,
        CASE WHEN function_type = 'aggregate' THEN 'a' ELSE 'f' END AS prokind,
        function_type IN ('table', 'table_macro') AS proretset, len(parameters) AS pronargs, parameters AS proargnames,
        coalesce((SELECT m.oid FROM pg_meta.crmwh_type_map AS m WHERE m.duck_type = CASE WHEN return_type LIKE 'DECIMAL(%' THEN 'DECIMAL' ELSE return_type END), 25) AS prorettype
    FROM duckdb_functions()
    WHERE function_type IN ('scalar', 'aggregate', 'macro', 'table', 'table_macro') AND database_name NOT IN ('temp', 'pg_meta')
    QUALIFY row_number() OVER (PARTITION BY function_oid ORDER BY len(parameters), function_name) = 1
) AS f
LEFT JOIN duckdb_schemas() AS s ON f.database_name NOT IN ('system', 'temp', 'pg_meta') AND s.database_name = f.database_name AND s.schema_name = f.schema_name;

-- Settings clients read on connect (serve.showSettings), in PostgreSQL's form; others as DuckDB
-- has them.
CREATE OR REPLACE TABLE pg_meta.crmwh_pg_settings AS
SELECT * FROM (VALUES {{range $i, $s := .Settings}}{{if $i}}, {{end}}({{quote $s.Name}}, {{quote $s.Value}}){{end}}) AS s(name, setting);
CREATE OR REPLACE TABLE pg_meta.pg_settings AS
SELECT name, setting, NULL::VARCHAR AS unit, 'Client Connection Defaults' AS category, '' AS short_desc, 'string' AS vartype,
    'default' AS source, 'user' AS context
FROM pg_meta.crmwh_pg_settings
UNION ALL
SELECT name, value, NULL, 'DuckDB', description, input_type, 'default', 'user'
FROM duckdb_settings()
WHERE name NOT IN (SELECT name FROM pg_meta.crmwh_pg_settings);

-- Read-only from here on, like the snapshot itself.
DETACH pg_meta;
ATTACH {{quote .File}} AS pg_meta (READ_ONLY);
