-- Time: the scores remember. Every publish records each customer's scores as of its as-of date,
-- so that any earlier day can be reconstructed (scores_as_of), change counted (migration), the
-- customer base followed month by month (trend, cohorts) and predictions compared later with what
-- happened. The history grows with change, not with days × customers: categorical judgments are
-- intervals of as-of dates, numeric scores month-end snapshots plus the latest.
ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS lost_since DATE;
COMMENT ON COLUMN scores.customer_scores.lost_since IS 'For churn_risk = lost: the day the customer became lost (last purchase or service visit + the churn horizon).';
COMMENT ON COLUMN scores.customer_scores.churn_risk IS 'high, medium or low (by the configured probability thresholds) for customers active at the as-of date; lost for customers whose last purchase or service visit is more than the churn horizon ago; NULL for customers who never bought.';

CREATE TABLE IF NOT EXISTS scores.score_history_dates (
    as_of        DATE NOT NULL,
    run_id       VARCHAR NOT NULL
);
COMMENT ON TABLE scores.score_history_dates IS 'The as-of dates recorded in the score history, one row each, with the run that recorded them last.';
COMMENT ON COLUMN scores.score_history_dates.as_of IS 'As-of date of a publish recorded in the history.';
COMMENT ON COLUMN scores.score_history_dates.run_id IS 'Run that recorded it (the last one, when the date was re-run).';

CREATE TABLE IF NOT EXISTS scores.customer_score_history (
    customer_id  VARCHAR NOT NULL,
    score        VARCHAR NOT NULL,
    value        VARCHAR NOT NULL,
    valid_from   DATE NOT NULL,
    valid_to     DATE
);
COMMENT ON TABLE scores.customer_score_history IS 'Categorical scores over time: one row per customer, score and interval of as-of dates over which the value held. A customer without a row for a score at a date had none (NULL) then. score customer_key records which customers were known at each date.';
COMMENT ON COLUMN scores.customer_score_history.customer_id IS 'Customer id in the source system.';
COMMENT ON COLUMN scores.customer_score_history.score IS 'customer_key, rfm_segment, abc_class, clv_quadrant, lifecycle_stage, churn_risk, cluster_label, tier or loyalty_type.';
COMMENT ON COLUMN scores.customer_score_history.value IS 'The value scores.customer_scores held, as text.';
COMMENT ON COLUMN scores.customer_score_history.valid_from IS 'First as-of date at which the value held.';
COMMENT ON COLUMN scores.customer_score_history.valid_to IS 'First recorded as-of date at which it no longer held (exclusive); NULL while it still holds.';

CREATE TABLE IF NOT EXISTS scores.customer_score_snapshots (
    as_of               DATE NOT NULL,
    customer_id         VARCHAR NOT NULL,
    recency_days        INTEGER,
    frequency           BIGINT,
    monetary            DOUBLE,
    clv_historical      DOUBLE,
    p_alive             DOUBLE,
    expected_purchases  DOUBLE,
    expected_spend      DOUBLE,
    clv                 DOUBLE,
    decline_drop        DOUBLE,
    churn_probability   DOUBLE
);
COMMENT ON TABLE scores.customer_score_snapshots IS 'Numeric scores over time: every customer''s numeric scores at each month-end as-of date recorded, and at the latest one.';
COMMENT ON COLUMN scores.customer_score_snapshots.as_of IS 'As-of date of the snapshot: a month end, or the latest recorded date.';
COMMENT ON COLUMN scores.customer_score_snapshots.customer_id IS 'Customer id in the source system.';
COMMENT ON COLUMN scores.customer_score_snapshots.recency_days IS 'As scores.customer_scores.recency_days at the snapshot''s as-of date.';
COMMENT ON COLUMN scores.customer_score_snapshots.frequency IS 'As scores.customer_scores.frequency at the snapshot''s as-of date.';
COMMENT ON COLUMN scores.customer_score_snapshots.monetary IS 'As scores.customer_scores.monetary at the snapshot''s as-of date.';
COMMENT ON COLUMN scores.customer_score_snapshots.clv_historical IS 'As scores.customer_scores.clv_historical at the snapshot''s as-of date.';
COMMENT ON COLUMN scores.customer_score_snapshots.p_alive IS 'As scores.customer_scores.p_alive at the snapshot''s as-of date.';
COMMENT ON COLUMN scores.customer_score_snapshots.expected_purchases IS 'As scores.customer_scores.expected_purchases at the snapshot''s as-of date.';
COMMENT ON COLUMN scores.customer_score_snapshots.expected_spend IS 'As scores.customer_scores.expected_spend at the snapshot''s as-of date.';
COMMENT ON COLUMN scores.customer_score_snapshots.clv IS 'As scores.customer_scores.clv at the snapshot''s as-of date.';
COMMENT ON COLUMN scores.customer_score_snapshots.decline_drop IS 'As scores.customer_scores.decline_drop at the snapshot''s as-of date.';
COMMENT ON COLUMN scores.customer_score_snapshots.churn_probability IS 'As scores.customer_scores.churn_probability at the snapshot''s as-of date.';

CREATE TABLE IF NOT EXISTS scores.segment_migration (
    dimension    VARCHAR NOT NULL,
    from_as_of   DATE NOT NULL,
    to_as_of     DATE NOT NULL,
    from_value   VARCHAR NOT NULL,
    to_value     VARCHAR NOT NULL,
    customers    BIGINT NOT NULL,
    clv          DOUBLE
);
COMMENT ON TABLE scores.segment_migration IS 'Customers moving between values of each categorical score from the previous recorded as-of date to each publish. (new) and (gone) are customers who appeared or disappeared in between; (none) a customer without a value.';
COMMENT ON COLUMN scores.segment_migration.dimension IS 'The categorical score: rfm_segment, abc_class, clv_quadrant, lifecycle_stage, churn_risk, cluster_label, tier or loyalty_type.';
COMMENT ON COLUMN scores.segment_migration.from_as_of IS 'The earlier as-of date.';
COMMENT ON COLUMN scores.segment_migration.to_as_of IS 'The later as-of date (the publish).';
COMMENT ON COLUMN scores.segment_migration.from_value IS 'Value at from_as_of.';
COMMENT ON COLUMN scores.segment_migration.to_value IS 'Value at to_as_of.';
COMMENT ON COLUMN scores.segment_migration.customers IS 'Customers who moved so.';
COMMENT ON COLUMN scores.segment_migration.clv IS 'Their CLV at to_as_of (at from_as_of for gone customers).';

CREATE TABLE IF NOT EXISTS scores.customer_base_trend (
    dimension              VARCHAR NOT NULL,
    member                 VARCHAR NOT NULL,
    month                  DATE NOT NULL,
    new_customers          BIGINT NOT NULL,
    active_customers       BIGINT NOT NULL,
    repeat_customers       BIGINT NOT NULL,
    lost_customers         BIGINT NOT NULL,
    reactivated_customers  BIGINT NOT NULL,
    base_start             BIGINT NOT NULL,
    base_end               BIGINT NOT NULL,
    retention_rate         DOUBLE,
    churn_rate             DOUBLE,
    revenue                DECIMAL(18,2) NOT NULL,
    revenue_per_active     DOUBLE
);
COMMENT ON TABLE scores.customer_base_trend IS 'The customer base month by month over all history, in total (dimension all) and by acquisition channel, region and customer type. A customer is in the base from the first purchase while the last purchase is at most the churn horizon ago; lost the day after that.';
COMMENT ON COLUMN scores.customer_base_trend.dimension IS 'all, acquisition_channel, region or customer_type (the customer''s version at the as-of date).';
COMMENT ON COLUMN scores.customer_base_trend.member IS 'The value of the dimension (all for the total).';
COMMENT ON COLUMN scores.customer_base_trend.month IS 'First day of the month.';
COMMENT ON COLUMN scores.customer_base_trend.new_customers IS 'Customers whose first purchase fell in the month.';
COMMENT ON COLUMN scores.customer_base_trend.active_customers IS 'Customers with a purchase in the month.';
COMMENT ON COLUMN scores.customer_base_trend.repeat_customers IS 'Active customers who had bought before the month.';
COMMENT ON COLUMN scores.customer_base_trend.lost_customers IS 'Customers who became lost in the month: the day after their last purchase + the churn horizon fell in it, with no purchase in between.';
COMMENT ON COLUMN scores.customer_base_trend.reactivated_customers IS 'Customers who bought in the month after having been lost.';
COMMENT ON COLUMN scores.customer_base_trend.base_start IS 'Customers in the base at the start of the month.';
COMMENT ON COLUMN scores.customer_base_trend.base_end IS 'Customers in the base at the end of the month (base_start + new + reactivated - lost).';
COMMENT ON COLUMN scores.customer_base_trend.retention_rate IS '(base_end - new - reactivated) / base_start: the share of the starting base still in it at the end.';
COMMENT ON COLUMN scores.customer_base_trend.churn_rate IS 'lost / base_start (= 1 - retention_rate).';
COMMENT ON COLUMN scores.customer_base_trend.revenue IS 'Net revenue of the month''s purchases.';
COMMENT ON COLUMN scores.customer_base_trend.revenue_per_active IS 'revenue / active_customers.';

CREATE TABLE IF NOT EXISTS scores.cohort_retention (
    cohort_month                     DATE NOT NULL,
    months_since                     INTEGER NOT NULL,
    cohort_customers                 BIGINT NOT NULL,
    active_customers                 BIGINT NOT NULL,
    retention                        DOUBLE NOT NULL,
    revenue                          DECIMAL(18,2) NOT NULL,
    cumulative_revenue_per_customer  DOUBLE NOT NULL
);
COMMENT ON TABLE scores.cohort_retention IS 'Acquisition cohorts: customers grouped by the month of their first purchase, followed month by month up to the as-of date.';
COMMENT ON COLUMN scores.cohort_retention.cohort_month IS 'Month of the cohort''s first purchase (first day).';
COMMENT ON COLUMN scores.cohort_retention.months_since IS 'Months since the cohort month (0: the cohort month).';
COMMENT ON COLUMN scores.cohort_retention.cohort_customers IS 'Customers in the cohort.';
COMMENT ON COLUMN scores.cohort_retention.active_customers IS 'Of them, customers with a purchase in that month.';
COMMENT ON COLUMN scores.cohort_retention.retention IS 'active_customers / cohort_customers.';
COMMENT ON COLUMN scores.cohort_retention.revenue IS 'The cohort''s net revenue in that month.';
COMMENT ON COLUMN scores.cohort_retention.cumulative_revenue_per_customer IS 'The cohort''s net revenue from its first month to that one, per cohort customer.';
