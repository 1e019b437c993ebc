-- data/access.duckdb: the users of `crmwh serve` and the record of every download. It is a file
-- of its own, not part of warehouse.duckdb, so that signing in and downloading never wait for a
-- nightly run (which holds the warehouse for writing) and a run never waits for them.
CREATE SCHEMA IF NOT EXISTS ops;

CREATE TABLE IF NOT EXISTS ops.users (
    name           VARCHAR PRIMARY KEY,
    role           VARCHAR NOT NULL CHECK (role IN ('analyst', 'marketing', 'admin')),
    password_hash  VARCHAR NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
COMMENT ON TABLE ops.users IS 'Users of the SQL endpoint and the web UI. analyst: SQL with personal data masked; marketing: the web UI; admin: both, personal data clear.';
COMMENT ON COLUMN ops.users.password_hash IS 'bcrypt hash (salted, cost 10 or more); the password itself is never stored.';
-- Added with SCRAM sign-in; a user added before has none until the password is set again.
ALTER TABLE ops.users ADD COLUMN IF NOT EXISTS scram_verifier VARCHAR;
COMMENT ON COLUMN ops.users.scram_verifier IS 'SCRAM-SHA-256 verifier in PostgreSQL''s form (SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey), which the SQL endpoint signs in with; the password cannot be recovered from it. NULL for a user added before crmwh kept verifiers.';

CREATE SEQUENCE IF NOT EXISTS ops.export_seq;
CREATE TABLE IF NOT EXISTS ops.exports (
    export_id    BIGINT PRIMARY KEY DEFAULT nextval('ops.export_seq'),
    user_name    VARCHAR NOT NULL,
    exported_at  TIMESTAMP NOT NULL,
    via          VARCHAR NOT NULL,
    list_name    VARCHAR,
    filters      VARCHAR NOT NULL,
    format       VARCHAR NOT NULL,
    "rows"       BIGINT NOT NULL,
    run_id       VARCHAR NOT NULL
);
COMMENT ON TABLE ops.exports IS 'Every download of a customer list: who, when, through what (web or cli), which list and filters (JSON), the format, the rows and the published run it came from.';

-- A list exported for a new campaign may hold out a random share of its customers as the
-- campaign's control group: the download leaves them out, and they are kept here for the
-- campaigns job to evaluate the campaign against (sql/mining/campaign_holdouts.sql reads it).
ALTER TABLE ops.exports ADD COLUMN IF NOT EXISTS campaign_id VARCHAR;
ALTER TABLE ops.exports ADD COLUMN IF NOT EXISTS control_share DOUBLE;
ALTER TABLE ops.exports ADD COLUMN IF NOT EXISTS held_out BIGINT;
COMMENT ON COLUMN ops.exports.campaign_id IS 'The campaign the list was exported for, when it held out a control group.';
COMMENT ON COLUMN ops.exports.control_share IS 'Share of the list held out as the control group (--control).';
COMMENT ON COLUMN ops.exports.held_out IS 'Customers held out (in ops.export_holdouts), not in the file.';
CREATE TABLE IF NOT EXISTS ops.export_holdouts (
    export_id    BIGINT NOT NULL,
    campaign_id  VARCHAR NOT NULL,
    customer_id  VARCHAR NOT NULL,
    held_out_at  TIMESTAMP NOT NULL
);
COMMENT ON TABLE ops.export_holdouts IS 'Customers held out of a campaign list as its control group (not contacted): the campaigns job evaluates the campaign against them.';

-- Every view of a customer's 360 page (the web UI's /customers/<id>): who looked at whom, when.
CREATE TABLE IF NOT EXISTS ops.customer_views (
    viewed_at    TIMESTAMP NOT NULL,
    user_name    VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,
    customer_id  VARCHAR NOT NULL
);
COMMENT ON TABLE ops.customer_views IS 'Every view of a customer''s 360 page: when, by which user (and role), of which customer. Admins read it at /customers/audit.';
