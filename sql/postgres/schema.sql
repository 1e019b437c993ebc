-- The demo operational database in PostgreSQL: the source contract's tables with real types, and
-- an updated_at on every table (the watermark of incremental extraction). A value that does not
-- fit its type (the generator's planted dirty values) becomes NULL through the try_ functions.
CREATE OR REPLACE FUNCTION crmwh_try_ts(v text) RETURNS timestamp LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN RETURN nullif(v, '')::timestamp; EXCEPTION WHEN others THEN RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION crmwh_try_date(v text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN RETURN nullif(v, '')::date; EXCEPTION WHEN others THEN RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION crmwh_try_num(v text) RETURNS numeric LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN RETURN nullif(v, '')::numeric; EXCEPTION WHEN others THEN RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION crmwh_try_int(v text) RETURNS integer LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN RETURN nullif(v, '')::integer; EXCEPTION WHEN others THEN RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION crmwh_try_bool(v text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN RETURN nullif(v, '')::boolean; EXCEPTION WHEN others THEN RETURN NULL; END $$;

CREATE TABLE IF NOT EXISTS stores (store_id text, name text, city text, region text, updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS employees (employee_id text, name text, role text, store_id text, updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS products (product_id text, name text, category text, brand text, model text,
    list_price numeric(12,2), unit_cost numeric(12,2), updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS customers (customer_id text, name text, gender text, birth_date date, phone text, email text,
    city text, region text, customer_type text, acquisition_channel text, marketing_consent boolean,
    created_at timestamp, updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS campaigns (campaign_id text, name text, channel text, start_date date, end_date date,
    cost numeric(12,2), updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS orders (order_id text, customer_id text, store_id text, employee_id text, channel text,
    order_ts timestamp, status text, updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS order_items (order_id text, line_number integer, product_id text, quantity integer,
    unit_price numeric(12,2), discount numeric(5,4), updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS interactions (interaction_id text, customer_id text, type text, interaction_ts timestamp,
    outcome text, employee_id text, updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS surveys (survey_id text, customer_id text, survey_ts timestamp, expected_score numeric(6,3),
    perceived_score numeric(6,3), updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS campaign_contacts (campaign_id text, customer_id text, contacted_at timestamp,
    responded boolean, order_id text, updated_at timestamp NOT NULL);
