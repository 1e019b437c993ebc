-- The star schema, in the default schema so that `SELECT * FROM fact_sales` works.
-- Dimensions carry surrogate keys named after themselves and the source id beside them;
-- key 0 of dim_store and dim_employee is the "none" member (web and app orders).

CREATE TABLE IF NOT EXISTS dim_date (
    date_key      INTEGER NOT NULL,
    date          DATE NOT NULL,
    year          INTEGER NOT NULL,
    quarter       INTEGER NOT NULL,
    month         INTEGER NOT NULL,
    month_name    VARCHAR NOT NULL,
    year_month    VARCHAR NOT NULL,
    day_of_month  INTEGER NOT NULL,
    day_of_week   INTEGER NOT NULL,
    day_name      VARCHAR NOT NULL,
    iso_week      INTEGER NOT NULL,
    is_weekend    BOOLEAN NOT NULL
);
COMMENT ON TABLE dim_date IS 'Calendar: one row per day over the whole range of the data.';
COMMENT ON COLUMN dim_date.date_key IS 'Surrogate key, the date as YYYYMMDD.';
COMMENT ON COLUMN dim_date.date IS 'The calendar date.';
COMMENT ON COLUMN dim_date.year IS 'Calendar year.';
COMMENT ON COLUMN dim_date.quarter IS 'Quarter 1-4.';
COMMENT ON COLUMN dim_date.month IS 'Month 1-12.';
COMMENT ON COLUMN dim_date.month_name IS 'Month name in English.';
COMMENT ON COLUMN dim_date.year_month IS 'Year and month as YYYY-MM.';
COMMENT ON COLUMN dim_date.day_of_month IS 'Day of the month 1-31.';
COMMENT ON COLUMN dim_date.day_of_week IS 'ISO day of week, 1 = Monday.';
COMMENT ON COLUMN dim_date.day_name IS 'Day name in English.';
COMMENT ON COLUMN dim_date.iso_week IS 'ISO week number.';
COMMENT ON COLUMN dim_date.is_weekend IS 'Saturday or Sunday.';

CREATE TABLE IF NOT EXISTS dim_customer (
    customer_key         BIGINT NOT NULL,
    customer_id          VARCHAR NOT NULL,
    name                 VARCHAR NOT NULL,
    gender               VARCHAR,
    birth_date           DATE,
    phone                VARCHAR,
    email                VARCHAR,
    city                 VARCHAR,
    region               VARCHAR,
    customer_type        VARCHAR NOT NULL,
    acquisition_channel  VARCHAR,
    marketing_consent    BOOLEAN NOT NULL,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    valid_from           TIMESTAMP NOT NULL,
    valid_to             TIMESTAMP NOT NULL,
    is_current           BOOLEAN NOT NULL,
    version              INTEGER NOT NULL,
    load_run_id          VARCHAR NOT NULL
);
COMMENT ON TABLE dim_customer IS 'Customers, slowly changing (type 2) on region, city, customer type and marketing consent; other attributes are overwritten on every version (type 1).';
COMMENT ON COLUMN dim_customer.customer_key IS 'Surrogate key of this version of the customer.';
COMMENT ON COLUMN dim_customer.customer_id IS 'Customer id in the source system.';
COMMENT ON COLUMN dim_customer.name IS 'Full name (personal data).';
COMMENT ON COLUMN dim_customer.gender IS 'F, M or NULL when unknown.';
COMMENT ON COLUMN dim_customer.birth_date IS 'Date of birth (personal data); NULL when unknown.';
COMMENT ON COLUMN dim_customer.phone IS 'Phone number (personal data).';
COMMENT ON COLUMN dim_customer.email IS 'E-mail address (personal data).';
COMMENT ON COLUMN dim_customer.city IS 'City of residence (type 2).';
COMMENT ON COLUMN dim_customer.region IS 'Sales region (type 2).';
COMMENT ON COLUMN dim_customer.customer_type IS 'individual or organization (type 2).';
COMMENT ON COLUMN dim_customer.acquisition_channel IS 'How the customer was won: referral, walk-in, web or campaign.';
COMMENT ON COLUMN dim_customer.marketing_consent IS 'Whether the customer agreed to receive marketing (type 2).';
COMMENT ON COLUMN dim_customer.created_at IS 'When the customer was created in the source.';
COMMENT ON COLUMN dim_customer.updated_at IS 'Last change in the source as of the latest load.';
COMMENT ON COLUMN dim_customer.valid_from IS 'Start of this version (1900-01-01 for the first version).';
COMMENT ON COLUMN dim_customer.valid_to IS 'End of this version, exclusive (9999-12-31 for the current version).';
COMMENT ON COLUMN dim_customer.is_current IS 'Whether this is the current version.';
COMMENT ON COLUMN dim_customer.version IS 'Version number of the customer, from 1.';
COMMENT ON COLUMN dim_customer.load_run_id IS 'Run that inserted this version.';

CREATE TABLE IF NOT EXISTS dim_product (
    product_key  BIGINT NOT NULL,
    product_id   VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    category     VARCHAR NOT NULL,
    brand        VARCHAR,
    model        VARCHAR,
    list_price   DECIMAL(18,2) NOT NULL,
    unit_cost    DECIMAL(18,2) NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    valid_from   TIMESTAMP NOT NULL,
    valid_to     TIMESTAMP NOT NULL,
    is_current   BOOLEAN NOT NULL,
    version      INTEGER NOT NULL,
    load_run_id  VARCHAR NOT NULL
);
COMMENT ON TABLE dim_product IS 'Products, slowly changing (type 2) on category, list price and unit cost.';
COMMENT ON COLUMN dim_product.product_key IS 'Surrogate key of this version of the product.';
COMMENT ON COLUMN dim_product.product_id IS 'Product id (SKU) in the source system.';
COMMENT ON COLUMN dim_product.name IS 'Product name.';
COMMENT ON COLUMN dim_product.category IS 'Product category (type 2).';
COMMENT ON COLUMN dim_product.brand IS 'Brand.';
COMMENT ON COLUMN dim_product.model IS 'Model designation.';
COMMENT ON COLUMN dim_product.list_price IS 'List price per unit (type 2).';
COMMENT ON COLUMN dim_product.unit_cost IS 'Cost per unit, for margins (type 2).';
COMMENT ON COLUMN dim_product.updated_at IS 'Last change in the source as of the latest load.';
COMMENT ON COLUMN dim_product.valid_from IS 'Start of this version (1900-01-01 for the first version).';
COMMENT ON COLUMN dim_product.valid_to IS 'End of this version, exclusive (9999-12-31 for the current version).';
COMMENT ON COLUMN dim_product.is_current IS 'Whether this is the current version.';
COMMENT ON COLUMN dim_product.version IS 'Version number of the product, from 1.';
COMMENT ON COLUMN dim_product.load_run_id IS 'Run that inserted this version.';

CREATE TABLE IF NOT EXISTS dim_store (
    store_key  BIGINT NOT NULL,
    store_id   VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    city       VARCHAR,
    region     VARCHAR
);
COMMENT ON TABLE dim_store IS 'Stores (type 1). Key 0 is "(none)", used by orders placed online.';
COMMENT ON COLUMN dim_store.store_key IS 'Surrogate key.';
COMMENT ON COLUMN dim_store.store_id IS 'Store id in the source system (empty for the none member).';
COMMENT ON COLUMN dim_store.name IS 'Store name.';
COMMENT ON COLUMN dim_store.city IS 'City of the store.';
COMMENT ON COLUMN dim_store.region IS 'Sales region of the store.';

CREATE TABLE IF NOT EXISTS dim_employee (
    employee_key  BIGINT NOT NULL,
    employee_id   VARCHAR NOT NULL,
    name          VARCHAR NOT NULL,
    role          VARCHAR,
    store_key     BIGINT NOT NULL,
    store_id      VARCHAR
);
COMMENT ON TABLE dim_employee IS 'Employees (type 1). Key 0 is "(none)", used where no employee was involved.';
COMMENT ON COLUMN dim_employee.employee_key IS 'Surrogate key.';
COMMENT ON COLUMN dim_employee.employee_id IS 'Employee id in the source system (empty for the none member).';
COMMENT ON COLUMN dim_employee.name IS 'Employee name.';
COMMENT ON COLUMN dim_employee.role IS 'Role, e.g. sales consultant, service technician, store manager.';
COMMENT ON COLUMN dim_employee.store_key IS 'Store the employee works at (dim_store).';
COMMENT ON COLUMN dim_employee.store_id IS 'Store id in the source system.';

CREATE TABLE IF NOT EXISTS dim_channel (
    channel_key  BIGINT NOT NULL,
    channel      VARCHAR NOT NULL
);
COMMENT ON TABLE dim_channel IS 'Sales channels seen in orders (store, web, app, phone, ...).';
COMMENT ON COLUMN dim_channel.channel_key IS 'Surrogate key.';
COMMENT ON COLUMN dim_channel.channel IS 'Channel name as in the source, lower case.';

CREATE TABLE IF NOT EXISTS dim_campaign (
    campaign_key  BIGINT NOT NULL,
    campaign_id   VARCHAR NOT NULL,
    name          VARCHAR NOT NULL,
    channel       VARCHAR,
    start_date    DATE NOT NULL,
    end_date      DATE,
    cost          DECIMAL(18,2)
);
COMMENT ON TABLE dim_campaign IS 'Marketing campaigns (type 1).';
COMMENT ON COLUMN dim_campaign.campaign_key IS 'Surrogate key.';
COMMENT ON COLUMN dim_campaign.campaign_id IS 'Campaign id in the source system.';
COMMENT ON COLUMN dim_campaign.name IS 'Campaign name.';
COMMENT ON COLUMN dim_campaign.channel IS 'Contact channel: email, sms, phone or mail.';
COMMENT ON COLUMN dim_campaign.start_date IS 'First day of the campaign.';
COMMENT ON COLUMN dim_campaign.end_date IS 'Last day of the campaign.';
COMMENT ON COLUMN dim_campaign.cost IS 'Total cost of the campaign.';

CREATE TABLE IF NOT EXISTS fact_sales (
    order_id       VARCHAR NOT NULL,
    line_number    INTEGER NOT NULL,
    date_key       INTEGER NOT NULL,
    customer_key   BIGINT NOT NULL,
    product_key    BIGINT NOT NULL,
    store_key      BIGINT NOT NULL,
    employee_key   BIGINT NOT NULL,
    channel_key    BIGINT NOT NULL,
    order_ts       TIMESTAMP NOT NULL,
    order_status   VARCHAR NOT NULL,
    quantity       INTEGER NOT NULL,
    unit_price     DECIMAL(18,2) NOT NULL,
    discount       DECIMAL(5,4) NOT NULL,
    gross_amount   DECIMAL(18,2) NOT NULL,
    net_amount     DECIMAL(18,2) NOT NULL,
    cost_amount    DECIMAL(18,2) NOT NULL,
    margin_amount  DECIMAL(18,2) NOT NULL,
    load_run_id    VARCHAR NOT NULL
);
COMMENT ON TABLE fact_sales IS 'Sales at order-line grain. Dimension keys point at the version valid at the order time. Revenue figures count completed orders: filter order_status = ''completed''.';
COMMENT ON COLUMN fact_sales.order_id IS 'Order id in the source system.';
COMMENT ON COLUMN fact_sales.line_number IS 'Line of the order.';
COMMENT ON COLUMN fact_sales.date_key IS 'Order date (dim_date).';
COMMENT ON COLUMN fact_sales.customer_key IS 'Customer version at the order time (dim_customer).';
COMMENT ON COLUMN fact_sales.product_key IS 'Product version at the order time (dim_product).';
COMMENT ON COLUMN fact_sales.store_key IS 'Store (dim_store); 0 for orders without a store.';
COMMENT ON COLUMN fact_sales.employee_key IS 'Selling employee (dim_employee); 0 when none.';
COMMENT ON COLUMN fact_sales.channel_key IS 'Sales channel (dim_channel).';
COMMENT ON COLUMN fact_sales.order_ts IS 'When the order was placed.';
COMMENT ON COLUMN fact_sales.order_status IS 'completed, cancelled or returned.';
COMMENT ON COLUMN fact_sales.quantity IS 'Units sold, at least 1.';
COMMENT ON COLUMN fact_sales.unit_price IS 'Price per unit before discount.';
COMMENT ON COLUMN fact_sales.discount IS 'Discount as a fraction of the gross amount, 0 to below 1.';
COMMENT ON COLUMN fact_sales.gross_amount IS 'quantity * unit_price.';
COMMENT ON COLUMN fact_sales.net_amount IS 'gross_amount * (1 - discount), rounded to cents: the revenue of the line.';
COMMENT ON COLUMN fact_sales.cost_amount IS 'quantity * unit cost of the product version.';
COMMENT ON COLUMN fact_sales.margin_amount IS 'net_amount - cost_amount.';
COMMENT ON COLUMN fact_sales.load_run_id IS 'Run that loaded the line.';

CREATE TABLE IF NOT EXISTS fact_interaction (
    interaction_id    VARCHAR NOT NULL,
    date_key          INTEGER NOT NULL,
    customer_key      BIGINT NOT NULL,
    employee_key      BIGINT NOT NULL,
    interaction_type  VARCHAR NOT NULL,
    interaction_ts    TIMESTAMP NOT NULL,
    outcome           VARCHAR,
    load_run_id       VARCHAR NOT NULL
);
COMMENT ON TABLE fact_interaction IS 'Service interactions: service visits, calls, return visits, complaints and appointments.';
COMMENT ON COLUMN fact_interaction.interaction_id IS 'Interaction id in the source system.';
COMMENT ON COLUMN fact_interaction.date_key IS 'Date of the interaction (dim_date).';
COMMENT ON COLUMN fact_interaction.customer_key IS 'Customer version at the time (dim_customer).';
COMMENT ON COLUMN fact_interaction.employee_key IS 'Employee who handled it (dim_employee); 0 when none.';
COMMENT ON COLUMN fact_interaction.interaction_type IS 'service visit, call, return visit, complaint or appointment.';
COMMENT ON COLUMN fact_interaction.interaction_ts IS 'When it happened.';
COMMENT ON COLUMN fact_interaction.outcome IS 'For complaints resolved or unresolved; otherwise completed, no-show, ...';
COMMENT ON COLUMN fact_interaction.load_run_id IS 'Run that loaded the row.';

CREATE TABLE IF NOT EXISTS fact_survey (
    survey_id        VARCHAR NOT NULL,
    date_key         INTEGER NOT NULL,
    customer_key     BIGINT NOT NULL,
    survey_ts        TIMESTAMP NOT NULL,
    expected_score   DOUBLE NOT NULL,
    perceived_score  DOUBLE NOT NULL,
    satisfaction     DOUBLE NOT NULL,
    load_run_id      VARCHAR NOT NULL
);
COMMENT ON TABLE fact_survey IS 'Satisfaction surveys; satisfaction = perceived / expected score.';
COMMENT ON COLUMN fact_survey.survey_id IS 'Survey id in the source system.';
COMMENT ON COLUMN fact_survey.date_key IS 'Date of the survey (dim_date).';
COMMENT ON COLUMN fact_survey.customer_key IS 'Customer version at the time (dim_customer).';
COMMENT ON COLUMN fact_survey.survey_ts IS 'When the survey was answered.';
COMMENT ON COLUMN fact_survey.expected_score IS 'What the customer expected, above 0.';
COMMENT ON COLUMN fact_survey.perceived_score IS 'What the customer perceived, 0 or more.';
COMMENT ON COLUMN fact_survey.satisfaction IS 'perceived_score / expected_score; below 1 means disappointed.';
COMMENT ON COLUMN fact_survey.load_run_id IS 'Run that loaded the row.';

CREATE TABLE IF NOT EXISTS fact_campaign_contact (
    campaign_key  BIGINT NOT NULL,
    customer_key  BIGINT NOT NULL,
    date_key      INTEGER NOT NULL,
    contacted_at  TIMESTAMP NOT NULL,
    responded     BOOLEAN NOT NULL,
    order_id      VARCHAR,
    load_run_id   VARCHAR NOT NULL
);
COMMENT ON TABLE fact_campaign_contact IS 'One row per campaign and contacted (or held-out control) customer.';
COMMENT ON COLUMN fact_campaign_contact.campaign_key IS 'Campaign (dim_campaign).';
COMMENT ON COLUMN fact_campaign_contact.customer_key IS 'Customer version at the contact time (dim_customer).';
COMMENT ON COLUMN fact_campaign_contact.date_key IS 'Date of the contact (dim_date).';
COMMENT ON COLUMN fact_campaign_contact.contacted_at IS 'When the customer was contacted.';
COMMENT ON COLUMN fact_campaign_contact.responded IS 'Whether the customer responded.';
COMMENT ON COLUMN fact_campaign_contact.order_id IS 'The order attributed to the response, if any.';
COMMENT ON COLUMN fact_campaign_contact.load_run_id IS 'Run that loaded the row.';
ALTER TABLE fact_campaign_contact ADD COLUMN IF NOT EXISTS contact_group VARCHAR DEFAULT 'treatment';
COMMENT ON COLUMN fact_campaign_contact.contact_group IS 'treatment (contacted) or control (held out at random and not contacted; contacted_at is when they would have been), for measuring the uplift.';

CREATE TABLE IF NOT EXISTS fact_customer_month (
    month                  DATE NOT NULL,
    customer_id            VARCHAR NOT NULL,
    customer_key           BIGINT NOT NULL,
    tenure_months          INTEGER NOT NULL,
    orders                 BIGINT NOT NULL,
    order_lines            BIGINT NOT NULL,
    units                  BIGINT NOT NULL,
    revenue                DECIMAL(18,2) NOT NULL,
    margin                 DECIMAL(18,2) NOT NULL,
    interactions           BIGINT NOT NULL,
    service_visits         BIGINT NOT NULL,
    complaints             BIGINT NOT NULL,
    unresolved_complaints  BIGINT NOT NULL,
    surveys                BIGINT NOT NULL,
    avg_satisfaction       DOUBLE,
    campaign_contacts      BIGINT NOT NULL,
    campaign_responses     BIGINT NOT NULL,
    is_active              BOOLEAN NOT NULL,
    cumulative_orders      BIGINT NOT NULL,
    cumulative_revenue     DECIMAL(18,2) NOT NULL,
    days_since_last_order  INTEGER
);
COMMENT ON TABLE fact_customer_month IS 'Monthly snapshot: one row per customer and month from the month they were created to the as-of month, rebuilt after every load.';
COMMENT ON COLUMN fact_customer_month.month IS 'First day of the month.';
COMMENT ON COLUMN fact_customer_month.customer_id IS 'Customer id in the source system.';
COMMENT ON COLUMN fact_customer_month.customer_key IS 'Customer version valid at the end of the month (dim_customer).';
COMMENT ON COLUMN fact_customer_month.tenure_months IS 'Whole months since the customer was created.';
COMMENT ON COLUMN fact_customer_month.orders IS 'Completed orders in the month.';
COMMENT ON COLUMN fact_customer_month.order_lines IS 'Completed order lines in the month.';
COMMENT ON COLUMN fact_customer_month.units IS 'Units bought in completed orders in the month.';
COMMENT ON COLUMN fact_customer_month.revenue IS 'Net revenue of completed orders in the month.';
COMMENT ON COLUMN fact_customer_month.margin IS 'Margin of completed orders in the month.';
COMMENT ON COLUMN fact_customer_month.interactions IS 'Service interactions of any type in the month.';
COMMENT ON COLUMN fact_customer_month.service_visits IS 'Service visits in the month.';
COMMENT ON COLUMN fact_customer_month.complaints IS 'Complaints in the month.';
COMMENT ON COLUMN fact_customer_month.unresolved_complaints IS 'Complaints in the month left unresolved.';
COMMENT ON COLUMN fact_customer_month.surveys IS 'Surveys answered in the month.';
COMMENT ON COLUMN fact_customer_month.avg_satisfaction IS 'Mean satisfaction of the month''s surveys; NULL without surveys.';
COMMENT ON COLUMN fact_customer_month.campaign_contacts IS 'Campaign contacts in the month.';
COMMENT ON COLUMN fact_customer_month.campaign_responses IS 'Campaign contacts in the month that got a response.';
COMMENT ON COLUMN fact_customer_month.is_active IS 'Whether the customer completed an order in the month.';
COMMENT ON COLUMN fact_customer_month.cumulative_orders IS 'Completed orders from the start up to the end of the month.';
COMMENT ON COLUMN fact_customer_month.cumulative_revenue IS 'Net revenue from the start up to the end of the month.';
COMMENT ON COLUMN fact_customer_month.days_since_last_order IS 'Days from the last completed order to the end of the month (or the as-of date); NULL before the first order.';

-- Optional source columns (absent from older exports: NULL there) for the customer-relations
-- measures: who referred a customer, what a survey is about, a complaint's topic and resolution.
ALTER TABLE dim_customer ADD COLUMN IF NOT EXISTS referred_by VARCHAR;
COMMENT ON COLUMN dim_customer.referred_by IS 'Source id of the customer who referred this one; NULL when unknown or not referred.';
ALTER TABLE fact_survey ADD COLUMN IF NOT EXISTS store_key BIGINT;
ALTER TABLE fact_survey ADD COLUMN IF NOT EXISTS employee_key BIGINT;
ALTER TABLE fact_survey ADD COLUMN IF NOT EXISTS order_id VARCHAR;
COMMENT ON COLUMN fact_survey.store_key IS 'Store the survey is about (dim_store): the source''s store_id, else the store of the order; 0 for none, NULL when unknown.';
COMMENT ON COLUMN fact_survey.employee_key IS 'Employee the survey is about (dim_employee): the source''s employee_id, else the order''s seller; 0 for none, NULL when unknown.';
COMMENT ON COLUMN fact_survey.order_id IS 'Order the survey is about (fact_sales.order_id); NULL when not given.';
ALTER TABLE fact_interaction ADD COLUMN IF NOT EXISTS category VARCHAR;
ALTER TABLE fact_interaction ADD COLUMN IF NOT EXISTS resolved_at TIMESTAMP;
COMMENT ON COLUMN fact_interaction.category IS 'Topic of a complaint: product, service, price, delivery, staff or other; NULL when not given.';
COMMENT ON COLUMN fact_interaction.resolved_at IS 'When a complaint was resolved; NULL while open or when not given. Updated when a later export resolves it.';
