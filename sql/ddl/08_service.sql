-- The customer-relations department's measures: satisfaction, complaints, the satisfaction ->
-- loyalty link and the care lists (the service and care jobs, published as scores.*), and each
-- customer's loyalty, referrals and tier (the loyalty job, published into scores.customer_scores).
-- mining.<t> holds a job's latest result, scores.<t> what the last publish published.

CREATE TABLE IF NOT EXISTS mining.satisfaction_summary (
    run_id         VARCHAR NOT NULL,
    as_of          DATE NOT NULL,
    dimension      VARCHAR NOT NULL,
    member         VARCHAR NOT NULL,
    member_name    VARCHAR NOT NULL,
    period         VARCHAR NOT NULL,
    surveys        BIGINT NOT NULL,
    csi            DOUBLE NOT NULL,
    gap            DOUBLE NOT NULL,
    orders         BIGINT,
    response_rate  DOUBLE
);
COMMENT ON TABLE mining.satisfaction_summary IS 'Latest result of the service job; published as scores.satisfaction_summary.';
COMMENT ON COLUMN mining.satisfaction_summary.run_id IS 'Run that computed the result.';
COMMENT ON COLUMN mining.satisfaction_summary.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN mining.satisfaction_summary.dimension IS 'total, store, employee, category (the main product category of the order surveyed) or channel (of that order).';
COMMENT ON COLUMN mining.satisfaction_summary.member IS 'The store or employee id, the category or channel; all for total; (none) for orders without one, (unknown) when the survey names no order.';
COMMENT ON COLUMN mining.satisfaction_summary.member_name IS 'Display name of the member (store or employee name).';
COMMENT ON COLUMN mining.satisfaction_summary.period IS 'all (every survey up to the as-of date) or a month YYYY-MM.';
COMMENT ON COLUMN mining.satisfaction_summary.surveys IS 'Surveys answered.';
COMMENT ON COLUMN mining.satisfaction_summary.csi IS 'Customer satisfaction index: mean of perceived / expected score (1 = expectations met).';
COMMENT ON COLUMN mining.satisfaction_summary.gap IS 'Mean of perceived - expected score: negative means expectations were not met.';
COMMENT ON COLUMN mining.satisfaction_summary.orders IS 'Orders (any status) of the member and period.';
COMMENT ON COLUMN mining.satisfaction_summary.response_rate IS 'surveys / orders: surveys answered per order (the contract has no survey invitations).';

CREATE TABLE IF NOT EXISTS scores.satisfaction_summary AS SELECT * FROM mining.satisfaction_summary WITH NO DATA;
COMMENT ON TABLE scores.satisfaction_summary IS 'Satisfaction by month, store, employee, product category and channel: the customer satisfaction index (CSI = mean perceived / expected score) and the gap (perceived - expected), with the surveys behind them.';
COMMENT ON COLUMN scores.satisfaction_summary.run_id IS 'Run that published the result.';
COMMENT ON COLUMN scores.satisfaction_summary.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN scores.satisfaction_summary.dimension IS 'total, store, employee, category (the main product category of the order surveyed) or channel (of that order).';
COMMENT ON COLUMN scores.satisfaction_summary.member IS 'The store or employee id, the category or channel; all for total; (none) for orders without one, (unknown) when the survey names no order.';
COMMENT ON COLUMN scores.satisfaction_summary.member_name IS 'Display name of the member (store or employee name).';
COMMENT ON COLUMN scores.satisfaction_summary.period IS 'all (every survey up to the as-of date) or a month YYYY-MM.';
COMMENT ON COLUMN scores.satisfaction_summary.surveys IS 'Surveys answered.';
COMMENT ON COLUMN scores.satisfaction_summary.csi IS 'Customer satisfaction index: mean of perceived / expected score (1 = expectations met).';
COMMENT ON COLUMN scores.satisfaction_summary.gap IS 'Mean of perceived - expected score: negative means expectations were not met.';
COMMENT ON COLUMN scores.satisfaction_summary.orders IS 'Orders (any status) of the member and period.';
COMMENT ON COLUMN scores.satisfaction_summary.response_rate IS 'surveys / orders: surveys answered per order (the contract has no survey invitations).';

CREATE TABLE IF NOT EXISTS mining.complaint_summary (
    run_id                  VARCHAR NOT NULL,
    as_of                   DATE NOT NULL,
    dimension               VARCHAR NOT NULL,
    member                  VARCHAR NOT NULL,
    member_name             VARCHAR NOT NULL,
    period                  VARCHAR NOT NULL,
    complaints              BIGINT NOT NULL,
    customers               BIGINT,
    orders                  BIGINT,
    complaint_rate          DOUBLE,
    complaint_rate_orders   DOUBLE,
    resolved_share          DOUBLE NOT NULL,
    median_resolution_days  DOUBLE,
    repeat_complainers      BIGINT NOT NULL
);
COMMENT ON TABLE mining.complaint_summary IS 'Latest result of the service job; published as scores.complaint_summary.';
COMMENT ON COLUMN mining.complaint_summary.run_id IS 'Run that computed the result.';
COMMENT ON COLUMN mining.complaint_summary.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN mining.complaint_summary.dimension IS 'total, store, employee, category (main product category of the order complained about) or topic.';
COMMENT ON COLUMN mining.complaint_summary.member IS 'The store or employee id, the category or topic; all for total; (none) for orders without one, (unknown) when no order precedes the complaint or no topic was given.';
COMMENT ON COLUMN mining.complaint_summary.member_name IS 'Display name of the member.';
COMMENT ON COLUMN mining.complaint_summary.period IS 'all (up to the as-of date) or a month YYYY-MM.';
COMMENT ON COLUMN mining.complaint_summary.complaints IS 'Complaints made.';
COMMENT ON COLUMN mining.complaint_summary.customers IS 'Customers with an order (any status) of the member and period: the base of complaint_rate (for a topic, all customers with an order).';
COMMENT ON COLUMN mining.complaint_summary.orders IS 'Orders (any status) of the member and period: the base of complaint_rate_orders.';
COMMENT ON COLUMN mining.complaint_summary.complaint_rate IS 'Complaints per 100 customers.';
COMMENT ON COLUMN mining.complaint_summary.complaint_rate_orders IS 'Complaints per 100 orders.';
COMMENT ON COLUMN mining.complaint_summary.resolved_share IS 'Share of the complaints resolved by the as-of date.';
COMMENT ON COLUMN mining.complaint_summary.median_resolution_days IS 'Median days from complaint to resolution, of the complaints with a resolution time.';
COMMENT ON COLUMN mining.complaint_summary.repeat_complainers IS 'Customers with two or more of these complaints.';

CREATE TABLE IF NOT EXISTS scores.complaint_summary AS SELECT * FROM mining.complaint_summary WITH NO DATA;
COMMENT ON TABLE scores.complaint_summary IS 'Complaints by store, employee, product category, topic and month: rates per 100 customers and per 100 orders, the share resolved, the median time to resolve and the repeat complainers. A complaint belongs to the customer''s latest order before it (its store, seller and category).';
COMMENT ON COLUMN scores.complaint_summary.run_id IS 'Run that published the result.';
COMMENT ON COLUMN scores.complaint_summary.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN scores.complaint_summary.dimension IS 'total, store, employee, category (main product category of the order complained about) or topic.';
COMMENT ON COLUMN scores.complaint_summary.member IS 'The store or employee id, the category or topic; all for total; (none) for orders without one, (unknown) when no order precedes the complaint or no topic was given.';
COMMENT ON COLUMN scores.complaint_summary.member_name IS 'Display name of the member.';
COMMENT ON COLUMN scores.complaint_summary.period IS 'all (up to the as-of date) or a month YYYY-MM.';
COMMENT ON COLUMN scores.complaint_summary.complaints IS 'Complaints made.';
COMMENT ON COLUMN scores.complaint_summary.customers IS 'Customers with an order (any status) of the member and period: the base of complaint_rate (for a topic, all customers with an order).';
COMMENT ON COLUMN scores.complaint_summary.orders IS 'Orders (any status) of the member and period: the base of complaint_rate_orders.';
COMMENT ON COLUMN scores.complaint_summary.complaint_rate IS 'Complaints per 100 customers.';
COMMENT ON COLUMN scores.complaint_summary.complaint_rate_orders IS 'Complaints per 100 orders.';
COMMENT ON COLUMN scores.complaint_summary.resolved_share IS 'Share of the complaints resolved by the as-of date.';
COMMENT ON COLUMN scores.complaint_summary.median_resolution_days IS 'Median days from complaint to resolution, of the complaints with a resolution time.';
COMMENT ON COLUMN scores.complaint_summary.repeat_complainers IS 'Customers with two or more of these complaints.';

CREATE TABLE IF NOT EXISTS mining.service_outcomes (
    run_id           VARCHAR NOT NULL,
    as_of            DATE NOT NULL,
    analysis         VARCHAR NOT NULL,
    grp              VARCHAR NOT NULL,
    label            VARCHAR NOT NULL,
    sort             INTEGER NOT NULL,
    customers        BIGINT NOT NULL,
    lost             BIGINT NOT NULL,
    churn_rate       DOUBLE,
    surveys          BIGINT,
    repurchased      BIGINT,
    repurchase_rate  DOUBLE
);
COMMENT ON TABLE mining.service_outcomes IS 'Latest result of the service job; published as scores.service_outcomes.';
COMMENT ON COLUMN mining.service_outcomes.run_id IS 'Run that computed the result.';
COMMENT ON COLUMN mining.service_outcomes.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN mining.service_outcomes.analysis IS 'satisfaction_band (customers by the band of their latest survey, surveys by their own band) or complaints (customers with a purchase by complaint status).';
COMMENT ON COLUMN mining.service_outcomes.grp IS 'The band (e.g. 0.80-0.95) or the complaint status: unresolved (a complaint open at the as-of date), resolved (complaints, all resolved) or none.';
COMMENT ON COLUMN mining.service_outcomes.label IS 'The group in words, in the configured language.';
COMMENT ON COLUMN mining.service_outcomes.sort IS 'Display order of the groups within the analysis.';
COMMENT ON COLUMN mining.service_outcomes.customers IS 'Customers in the group.';
COMMENT ON COLUMN mining.service_outcomes.lost IS 'Of them, lost at the as-of date (no purchase or service visit within the churn horizon).';
COMMENT ON COLUMN mining.service_outcomes.churn_rate IS 'lost / customers.';
COMMENT ON COLUMN mining.service_outcomes.surveys IS 'For bands: surveys in the band at least service.repurchase_days old.';
COMMENT ON COLUMN mining.service_outcomes.repurchased IS 'Of those surveys, the ones followed by a completed order within service.repurchase_days.';
COMMENT ON COLUMN mining.service_outcomes.repurchase_rate IS 'repurchased / surveys.';

CREATE TABLE IF NOT EXISTS scores.service_outcomes AS SELECT * FROM mining.service_outcomes WITH NO DATA;
COMMENT ON TABLE scores.service_outcomes IS 'The satisfaction -> loyalty link: by satisfaction band, how often a survey is followed by a repurchase and how many of the customers are lost; and the churn rate of customers with an unresolved complaint against those without.';
COMMENT ON COLUMN scores.service_outcomes.run_id IS 'Run that published the result.';
COMMENT ON COLUMN scores.service_outcomes.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN scores.service_outcomes.analysis IS 'satisfaction_band (customers by the band of their latest survey, surveys by their own band) or complaints (customers with a purchase by complaint status).';
COMMENT ON COLUMN scores.service_outcomes.grp IS 'The band (e.g. 0.80-0.95) or the complaint status: unresolved (a complaint open at the as-of date), resolved (complaints, all resolved) or none.';
COMMENT ON COLUMN scores.service_outcomes.label IS 'The group in words, in the configured language.';
COMMENT ON COLUMN scores.service_outcomes.sort IS 'Display order of the groups within the analysis.';
COMMENT ON COLUMN scores.service_outcomes.customers IS 'Customers in the group.';
COMMENT ON COLUMN scores.service_outcomes.lost IS 'Of them, lost at the as-of date (no purchase or service visit within the churn horizon).';
COMMENT ON COLUMN scores.service_outcomes.churn_rate IS 'lost / customers.';
COMMENT ON COLUMN scores.service_outcomes.surveys IS 'For bands: surveys in the band at least service.repurchase_days old.';
COMMENT ON COLUMN scores.service_outcomes.repurchased IS 'Of those surveys, the ones followed by a completed order within service.repurchase_days.';
COMMENT ON COLUMN scores.service_outcomes.repurchase_rate IS 'repurchased / surveys.';

CREATE TABLE IF NOT EXISTS mining.care_lists (
    run_id       VARCHAR NOT NULL,
    as_of        DATE NOT NULL,
    list         VARCHAR NOT NULL,
    customer_id  VARCHAR NOT NULL,
    due_date     DATE NOT NULL,
    days         INTEGER NOT NULL,
    reason       VARCHAR NOT NULL
);
COMMENT ON TABLE mining.care_lists IS 'Latest result of the care job; published as scores.care_lists.';
COMMENT ON COLUMN mining.care_lists.run_id IS 'Run that computed the result.';
COMMENT ON COLUMN mining.care_lists.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN mining.care_lists.list IS 'birthdays, anniversaries, service-due, missed-appointments or unresolved-complaints.';
COMMENT ON COLUMN mining.care_lists.customer_id IS 'Customer id in the source system.';
COMMENT ON COLUMN mining.care_lists.due_date IS 'The day that puts the customer on the list: the birthday or anniversary, the day service fell due, the missed appointment, the complaint.';
COMMENT ON COLUMN mining.care_lists.days IS 'Days from the as-of date to due_date (negative: in the past).';
COMMENT ON COLUMN mining.care_lists.reason IS 'Why the customer is on the list, in the configured language.';

CREATE TABLE IF NOT EXISTS scores.care_lists AS SELECT * FROM mining.care_lists WITH NO DATA;
COMMENT ON TABLE scores.care_lists IS 'Who to care for now, and why: birthdays and first-purchase anniversaries coming up, service due, missed appointments to follow up and complaints left unresolved (mining.care settings). The web UI and crmwh export show them as lists, to consenting customers only.';
COMMENT ON COLUMN scores.care_lists.run_id IS 'Run that published the result.';
COMMENT ON COLUMN scores.care_lists.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN scores.care_lists.list IS 'birthdays, anniversaries, service-due, missed-appointments or unresolved-complaints.';
COMMENT ON COLUMN scores.care_lists.customer_id IS 'Customer id in the source system.';
COMMENT ON COLUMN scores.care_lists.due_date IS 'The day that puts the customer on the list: the birthday or anniversary, the day service fell due, the missed appointment, the complaint.';
COMMENT ON COLUMN scores.care_lists.days IS 'Days from the as-of date to due_date (negative: in the past).';
COMMENT ON COLUMN scores.care_lists.reason IS 'Why the customer is on the list, in the configured language.';

CREATE TABLE IF NOT EXISTS mining.loyalty (
    run_id              VARCHAR NOT NULL,
    as_of               DATE NOT NULL,
    customer_id         VARCHAR NOT NULL,
    orders_12m          BIGINT NOT NULL,
    spend_12m           DECIMAL(18,2) NOT NULL,
    tenure_days         INTEGER NOT NULL,
    recency_days        INTEGER,
    discount_share      DOUBLE,
    satisfaction        DOUBLE,
    referrals           BIGINT NOT NULL,
    referred_customers  BIGINT NOT NULL,
    referred_revenue    DECIMAL(18,2) NOT NULL,
    loyalty_index       DOUBLE,
    loyalty_type        VARCHAR,
    tier                VARCHAR NOT NULL,
    tier_rank           INTEGER NOT NULL
);
COMMENT ON TABLE mining.loyalty IS 'Latest result of the loyalty job, one row per customer known at the as-of date; published into scores.customer_scores (tier, loyalty and referral columns).';
COMMENT ON COLUMN mining.loyalty.run_id IS 'Run that computed the result.';
COMMENT ON COLUMN mining.loyalty.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN mining.loyalty.customer_id IS 'Customer id in the source system.';
COMMENT ON COLUMN mining.loyalty.orders_12m IS 'Completed orders in the trailing 12 months.';
COMMENT ON COLUMN mining.loyalty.spend_12m IS 'Net spend of those orders: the basis of the tier.';
COMMENT ON COLUMN mining.loyalty.tenure_days IS 'Days since the customer was created.';
COMMENT ON COLUMN mining.loyalty.recency_days IS 'Days since the last completed order; NULL without one.';
COMMENT ON COLUMN mining.loyalty.discount_share IS 'Share of the customer''s net spend bought at a discount (price sensitivity); NULL without a purchase.';
COMMENT ON COLUMN mining.loyalty.satisfaction IS 'Mean satisfaction (perceived / expected) of the customer''s surveys; NULL without one.';
COMMENT ON COLUMN mining.loyalty.referrals IS 'Customers this customer referred.';
COMMENT ON COLUMN mining.loyalty.referred_customers IS 'Customers referred by this customer directly or down a chain of referrals (the network).';
COMMENT ON COLUMN mining.loyalty.referred_revenue IS 'Net revenue of those customers'' completed orders: the customer''s network value.';
COMMENT ON COLUMN mining.loyalty.loyalty_index IS 'Loyalty index 0-100 (mining.loyalty weights); NULL for customers without a purchase.';
COMMENT ON COLUMN mining.loyalty.loyalty_type IS 'loyal, latent, spurious or none; NULL for customers without a purchase.';
COMMENT ON COLUMN mining.loyalty.tier IS 'Membership tier (mining.tiers).';
COMMENT ON COLUMN mining.loyalty.tier_rank IS 'Rank of the tier, 1 = highest.';

-- The loyalty job's columns of the published scores.
ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS tier VARCHAR;
ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS tier_label VARCHAR;
ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS tier_rank INTEGER;
ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS tier_previous VARCHAR;
ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS tier_change VARCHAR;
ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS loyalty_index DOUBLE;
ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS loyalty_type VARCHAR;
ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS loyalty_type_label VARCHAR;
ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS referrals BIGINT;
ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS referred_revenue DECIMAL(18,2);
COMMENT ON COLUMN scores.customer_scores.tier IS 'Membership tier (mining.tiers: by trailing-12-month net spend or share of customers), e.g. diamond, gold, silver, regular.';
COMMENT ON COLUMN scores.customer_scores.tier_label IS 'The tier in the configured language.';
COMMENT ON COLUMN scores.customer_scores.tier_rank IS 'Rank of the tier, 1 = highest.';
COMMENT ON COLUMN scores.customer_scores.tier_previous IS 'The tier at the previous recorded as-of date (the score history); NULL when the customer had none.';
COMMENT ON COLUMN scores.customer_scores.tier_change IS 'up, down or same against tier_previous; new when there was none.';
COMMENT ON COLUMN scores.customer_scores.loyalty_index IS 'Loyalty index 0-100 from repeat purchase, tenure, referrals, recency and price sensitivity (mining.loyalty); NULL without a purchase.';
COMMENT ON COLUMN scores.customer_scores.loyalty_type IS 'Attitude (satisfaction) x behaviour (repeat purchase), after Dick & Basu: loyal, latent, spurious or none; NULL without a purchase.';
COMMENT ON COLUMN scores.customer_scores.loyalty_type_label IS 'The loyalty type in the configured language.';
COMMENT ON COLUMN scores.customer_scores.referrals IS 'Customers this customer referred.';
COMMENT ON COLUMN scores.customer_scores.referred_revenue IS 'Net revenue of the customers referred by this customer, directly or down a chain: their network value.';

CREATE TABLE IF NOT EXISTS scores.loyalty_types AS
SELECT * FROM (VALUES
    ('loyal',    true,  true,  'Loyal',            '忠诚',     'Satisfied and buying again: keep them close and ask them to refer.'),
    ('latent',   true,  false, 'Latent loyalty',   '潜在忠诚', 'Satisfied but not buying again: something (price, access, range) holds them back.'),
    ('spurious', false, true,  'Spurious loyalty', '虚假忠诚', 'Buying again without being satisfied (habit, convenience, lock-in): they leave when an alternative comes.'),
    ('none',     false, false, 'No loyalty',       '不忠诚',   'Neither satisfied nor buying again.')
) AS t(loyalty_type, positive_attitude, repeat_buyer, label_en, label_zh, description);
COMMENT ON TABLE scores.loyalty_types IS 'The four loyalty types (Dick & Basu): attitude (satisfaction) crossed with behaviour (repeat purchase), with labels and what each means.';
COMMENT ON COLUMN scores.loyalty_types.loyalty_type IS 'Type key, as in scores.customer_scores.loyalty_type.';
COMMENT ON COLUMN scores.loyalty_types.positive_attitude IS 'Satisfied (mining.loyalty.attitude_satisfaction; without surveys: has referred someone).';
COMMENT ON COLUMN scores.loyalty_types.repeat_buyer IS 'At least mining.loyalty.repeat_min_orders orders in the trailing 12 months.';
COMMENT ON COLUMN scores.loyalty_types.label_en IS 'Display label in English.';
COMMENT ON COLUMN scores.loyalty_types.label_zh IS 'Display label in Chinese.';
COMMENT ON COLUMN scores.loyalty_types.description IS 'What the type means for the relationship.';
