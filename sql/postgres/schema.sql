-- The demo operational database in PostgreSQL: the source contract's tables with real types, and
-- an updated_at on every table (the watermark of incremental extraction). A value that does not
-- fit its type (the generator's planted dirty values) becomes NULL through the try_ functions.
-- Plain SQL (inlined by the planner, no exception handling per row): fast at millions of rows.
-- Nested CASE, as AND does not promise to test its left side first.
CREATE OR REPLACE FUNCTION crmwh_try_date(v text) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v ~ '^\d{4}-\d{2}-\d{2}$' THEN
        CASE WHEN substr(v, 6, 2)::int BETWEEN 1 AND 12 THEN
            CASE WHEN substr(v, 9, 2)::int BETWEEN 1 AND extract(day FROM make_date(substr(v, 1, 4)::int,
                substr(v, 6, 2)::int, 1) + interval '1 month' - interval '1 day')
            THEN v::date END END END $$;
CREATE OR REPLACE FUNCTION crmwh_try_ts(v text) RETURNS timestamp LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v ~ '^\d{4}-\d{2}-\d{2}( ([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?)?$' THEN
        CASE WHEN crmwh_try_date(substr(v, 1, 10)) IS NOT NULL THEN v::timestamp END END $$;
CREATE OR REPLACE FUNCTION crmwh_try_num(v text) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v ~ '^\s*-?\d{1,12}(\.\d+)?\s*$' THEN v::numeric END $$;
CREATE OR REPLACE FUNCTION crmwh_try_int(v text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v ~ '^\s*-?\d{1,9}\s*$' THEN v::integer END $$;
CREATE OR REPLACE FUNCTION crmwh_try_bool(v text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN lower(trim(v)) IN ('true', 't', 'yes', 'y', '1', 'false', 'f', 'no', 'n', '0') THEN v::boolean END $$;

CREATE TABLE IF NOT EXISTS stores (store_id text, name text, city text, region text, updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS employees (employee_id text, name text, role text, store_id text, updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS products (product_id text, name text, category text, brand text, model text,
    list_price numeric(12,2), unit_cost numeric(12,2), updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS customers (customer_id text, name text, gender text, birth_date date, phone text, email text,
    city text, region text, customer_type text, acquisition_channel text, marketing_consent boolean,
    created_at timestamp, updated_at timestamp NOT NULL, referred_by text);
CREATE TABLE IF NOT EXISTS campaigns (campaign_id text, name text, channel text, start_date date, end_date date,
    cost numeric(12,2), updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS orders (order_id text, customer_id text, store_id text, employee_id text, channel text,
    order_ts timestamp, status text, updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS order_items (order_id text, line_number integer, product_id text, quantity integer,
    unit_price numeric(12,2), discount numeric(5,4), updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS interactions (interaction_id text, customer_id text, type text, interaction_ts timestamp,
    outcome text, employee_id text, updated_at timestamp NOT NULL, category text, resolved_at timestamp);
CREATE TABLE IF NOT EXISTS surveys (survey_id text, customer_id text, survey_ts timestamp, expected_score numeric(6,3),
    perceived_score numeric(6,3), updated_at timestamp NOT NULL, store_id text, employee_id text, order_id text);
CREATE TABLE IF NOT EXISTS campaign_contacts (campaign_id text, customer_id text, contacted_at timestamp,
    responded boolean, order_id text, "group" text, updated_at timestamp NOT NULL);
-- A database made before campaign contacts had a group (treatment or control) gains the column.
ALTER TABLE campaign_contacts ADD COLUMN IF NOT EXISTS "group" text;
-- Databases made before the customer-relations columns gain them.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS referred_by text;
ALTER TABLE interactions ADD COLUMN IF NOT EXISTS category text;
ALTER TABLE interactions ADD COLUMN IF NOT EXISTS resolved_at timestamp;
ALTER TABLE surveys ADD COLUMN IF NOT EXISTS store_id text;
ALTER TABLE surveys ADD COLUMN IF NOT EXISTS employee_id text;
ALTER TABLE surveys ADD COLUMN IF NOT EXISTS order_id text;
