-- Mining results. Each mining job writes its latest result to its table in schema mining; the
-- publish job assembles them into scores.customer_scores in one transaction, so readers see a
-- complete publish or the previous one.
CREATE SCHEMA IF NOT EXISTS mining;
CREATE SCHEMA IF NOT EXISTS scores;

CREATE TABLE IF NOT EXISTS mining.rfm (
    run_id        VARCHAR NOT NULL,
    as_of         DATE NOT NULL,
    customer_id   VARCHAR NOT NULL,
    recency_days  INTEGER NOT NULL,
    frequency     BIGINT NOT NULL,
    monetary      DOUBLE NOT NULL,
    r_score       INTEGER NOT NULL,
    f_score       INTEGER NOT NULL,
    m_score       INTEGER NOT NULL,
    rfm_segment   VARCHAR NOT NULL
);
COMMENT ON TABLE mining.rfm IS 'Latest result of the rfm job, one row per customer with a purchase; published into scores.customer_scores.';
COMMENT ON COLUMN mining.rfm.run_id IS 'Run that computed the result.';
COMMENT ON COLUMN mining.rfm.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN mining.rfm.customer_id IS 'Customer id in the source system.';
COMMENT ON COLUMN mining.rfm.recency_days IS 'As scores.customer_scores.recency_days.';
COMMENT ON COLUMN mining.rfm.frequency IS 'As scores.customer_scores.frequency.';
COMMENT ON COLUMN mining.rfm.monetary IS 'As scores.customer_scores.monetary.';
COMMENT ON COLUMN mining.rfm.r_score IS 'As scores.customer_scores.r_score.';
COMMENT ON COLUMN mining.rfm.f_score IS 'As scores.customer_scores.f_score.';
COMMENT ON COLUMN mining.rfm.m_score IS 'As scores.customer_scores.m_score.';
COMMENT ON COLUMN mining.rfm.rfm_segment IS 'As scores.customer_scores.rfm_segment.';

CREATE TABLE IF NOT EXISTS mining.abc (
    run_id               VARCHAR NOT NULL,
    as_of                DATE NOT NULL,
    customer_id          VARCHAR NOT NULL,
    revenue_share_before DOUBLE,
    abc_class            VARCHAR NOT NULL
);
COMMENT ON TABLE mining.abc IS 'Latest result of the abc job, one row per customer with a purchase; published into scores.customer_scores.';
COMMENT ON COLUMN mining.abc.run_id IS 'Run that computed the result.';
COMMENT ON COLUMN mining.abc.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN mining.abc.customer_id IS 'Customer id in the source system.';
COMMENT ON COLUMN mining.abc.revenue_share_before IS 'Share of total revenue made by the customers ranked before this one (highest revenue first).';
COMMENT ON COLUMN mining.abc.abc_class IS 'As scores.customer_scores.abc_class.';

CREATE TABLE IF NOT EXISTS mining.clv (
    run_id              VARCHAR NOT NULL,
    as_of               DATE NOT NULL,
    customer_id         VARCHAR NOT NULL,
    clv_historical      DOUBLE NOT NULL,
    p_alive             DOUBLE NOT NULL,
    expected_purchases  DOUBLE NOT NULL,
    expected_spend      DOUBLE NOT NULL,
    clv                 DOUBLE NOT NULL,
    clv_quadrant        VARCHAR NOT NULL
);
COMMENT ON TABLE mining.clv IS 'Latest result of the clv job, one row per customer with a purchase; published into scores.customer_scores.';
COMMENT ON COLUMN mining.clv.run_id IS 'Run that computed the result.';
COMMENT ON COLUMN mining.clv.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN mining.clv.customer_id IS 'Customer id in the source system.';
COMMENT ON COLUMN mining.clv.clv_historical IS 'As scores.customer_scores.clv_historical.';
COMMENT ON COLUMN mining.clv.p_alive IS 'As scores.customer_scores.p_alive.';
COMMENT ON COLUMN mining.clv.expected_purchases IS 'As scores.customer_scores.expected_purchases.';
COMMENT ON COLUMN mining.clv.expected_spend IS 'As scores.customer_scores.expected_spend.';
COMMENT ON COLUMN mining.clv.clv IS 'As scores.customer_scores.clv.';
COMMENT ON COLUMN mining.clv.clv_quadrant IS 'As scores.customer_scores.clv_quadrant.';

CREATE TABLE IF NOT EXISTS mining.lifecycle (
    run_id           VARCHAR NOT NULL,
    as_of            DATE NOT NULL,
    customer_id      VARCHAR NOT NULL,
    tenure_days      INTEGER NOT NULL,
    recent_spend     DOUBLE NOT NULL,
    baseline_spend   DOUBLE,
    decline_drop     DOUBLE,
    lifecycle_stage  VARCHAR NOT NULL,
    decline_warning  BOOLEAN NOT NULL
);
COMMENT ON TABLE mining.lifecycle IS 'Latest result of the lifecycle job, one row per customer with a purchase; published into scores.customer_scores.';
COMMENT ON COLUMN mining.lifecycle.run_id IS 'Run that computed the result.';
COMMENT ON COLUMN mining.lifecycle.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN mining.lifecycle.customer_id IS 'Customer id in the source system.';
COMMENT ON COLUMN mining.lifecycle.tenure_days IS 'Days from the first purchase to the as-of date.';
COMMENT ON COLUMN mining.lifecycle.recent_spend IS 'Net revenue in the recent window (lifecycle.recent_days up to the as-of date).';
COMMENT ON COLUMN mining.lifecycle.baseline_spend IS 'Net revenue in the baseline window before the recent one; NULL without purchases there.';
COMMENT ON COLUMN mining.lifecycle.decline_drop IS 'As scores.customer_scores.decline_drop.';
COMMENT ON COLUMN mining.lifecycle.lifecycle_stage IS 'As scores.customer_scores.lifecycle_stage.';
COMMENT ON COLUMN mining.lifecycle.decline_warning IS 'As scores.customer_scores.decline_warning.';

CREATE TABLE IF NOT EXISTS scores.model_runs (
    run_id      VARCHAR NOT NULL,
    as_of       DATE NOT NULL,
    method      VARCHAR NOT NULL,
    fitted_at   TIMESTAMP NOT NULL,
    customers   BIGINT NOT NULL,
    parameters  JSON NOT NULL,
    metrics     JSON NOT NULL
);
COMMENT ON TABLE scores.model_runs IS 'One row per mining method and run: the parameters it used or fitted and its metrics.';
COMMENT ON COLUMN scores.model_runs.run_id IS 'Run that fitted the model (ops.job_runs).';
COMMENT ON COLUMN scores.model_runs.as_of IS 'As-of date of the data the model saw.';
COMMENT ON COLUMN scores.model_runs.method IS 'rfm, abc, clv, lifecycle, ...';
COMMENT ON COLUMN scores.model_runs.fitted_at IS 'When the method finished (UTC).';
COMMENT ON COLUMN scores.model_runs.customers IS 'Customers scored.';
COMMENT ON COLUMN scores.model_runs.parameters IS 'Settings used and, for fitted models, the estimates (JSON).';
COMMENT ON COLUMN scores.model_runs.metrics IS 'Fit statistics and counts per class or segment (JSON).';
ALTER TABLE scores.model_runs ADD COLUMN IF NOT EXISTS status VARCHAR;
ALTER TABLE scores.model_runs ADD COLUMN IF NOT EXISTS notes VARCHAR[];
COMMENT ON COLUMN scores.model_runs.status IS 'ok, or warning when a model-input guard found the result needs care (see notes).';
COMMENT ON COLUMN scores.model_runs.notes IS 'The model-input guards'' sentences: too few repeat buyers, a fit at the boundary, no rule and the support that would give some, a churn class too rare to learn.';

CREATE TABLE IF NOT EXISTS scores.rfm_segments AS
SELECT * FROM (VALUES
    ('important_value',   true,  true,  true,  'Important value',   '重要价值客户', 'Recent, frequent, high spend: the best customers; reward and keep them.'),
    ('important_develop', true,  false, true,  'Important develop',  '重要发展客户', 'Recent and high spend but infrequent: raise their frequency.'),
    ('important_keep',    false, true,  true,  'Important keep',     '重要保持客户', 'Frequent and high spend but not recent: win them back before they leave.'),
    ('important_retain',  false, false, true,  'Important retain',   '重要挽留客户', 'High spend but neither recent nor frequent: at risk of being lost.'),
    ('general_value',     true,  true,  false, 'General value',     '一般价值客户', 'Recent and frequent but low spend: raise their spend.'),
    ('general_develop',   true,  false, false, 'General develop',    '一般发展客户', 'Recent, infrequent, low spend: new or light customers to develop.'),
    ('general_keep',      false, true,  false, 'General keep',       '一般保持客户', 'Frequent, low spend, not recent: keep in touch at low cost.'),
    ('general_retain',    false, false, false, 'General retain',     '一般挽留客户', 'Neither recent, frequent nor high spend: low priority.')
) AS s(rfm_segment, recent, frequent, high_spend, label_en, label_zh, description);
COMMENT ON TABLE scores.rfm_segments IS 'The eight classic RFM segments: R, F and M score above (true) or not above their mean, with labels in English and Chinese.';
COMMENT ON COLUMN scores.rfm_segments.rfm_segment IS 'Segment key, as in scores.customer_scores.rfm_segment.';
COMMENT ON COLUMN scores.rfm_segments.recent IS 'R score above its mean.';
COMMENT ON COLUMN scores.rfm_segments.frequent IS 'F score above its mean.';
COMMENT ON COLUMN scores.rfm_segments.high_spend IS 'M score above its mean.';
COMMENT ON COLUMN scores.rfm_segments.label_en IS 'Display label in English.';
COMMENT ON COLUMN scores.rfm_segments.label_zh IS 'Display label in Chinese.';
COMMENT ON COLUMN scores.rfm_segments.description IS 'What the segment means and what to do with it.';

CREATE TABLE IF NOT EXISTS scores.customer_scores (
    run_id              VARCHAR NOT NULL,
    as_of               DATE NOT NULL,
    customer_id         VARCHAR NOT NULL,
    customer_key        BIGINT NOT NULL,
    recency_days        INTEGER,
    frequency           BIGINT NOT NULL,
    monetary            DOUBLE NOT NULL,
    r_score             INTEGER,
    f_score             INTEGER,
    m_score             INTEGER,
    rfm_segment         VARCHAR,
    rfm_segment_label   VARCHAR,
    abc_class           VARCHAR,
    clv_historical      DOUBLE,
    p_alive             DOUBLE,
    expected_purchases  DOUBLE,
    expected_spend      DOUBLE,
    clv                 DOUBLE,
    clv_quadrant        VARCHAR,
    lifecycle_stage     VARCHAR,
    decline_warning     BOOLEAN,
    decline_drop        DOUBLE
);
COMMENT ON TABLE scores.customer_scores IS 'One row per customer known at the as-of date, with every published score; replaced as a whole by each publish. Scores are NULL for customers without a purchase, and for methods that have not run for this as-of date.';
COMMENT ON COLUMN scores.customer_scores.run_id IS 'Run that published this row.';
COMMENT ON COLUMN scores.customer_scores.as_of IS 'As-of date of the scores.';
COMMENT ON COLUMN scores.customer_scores.customer_id IS 'Customer id in the source system.';
COMMENT ON COLUMN scores.customer_scores.customer_key IS 'Version of the customer valid at the as-of date (dim_customer).';
COMMENT ON COLUMN scores.customer_scores.recency_days IS 'Days from the last purchase to the as-of date.';
COMMENT ON COLUMN scores.customer_scores.frequency IS 'Purchases (completed orders) up to the as-of date.';
COMMENT ON COLUMN scores.customer_scores.monetary IS 'Net revenue of those purchases.';
COMMENT ON COLUMN scores.customer_scores.r_score IS 'Recency score 1-5 (5 = most recent fifth); ties share the lower score.';
COMMENT ON COLUMN scores.customer_scores.f_score IS 'Frequency score 1-5 (5 = most frequent fifth); ties share the lower score.';
COMMENT ON COLUMN scores.customer_scores.m_score IS 'Monetary score 1-5 (5 = highest-spending fifth); ties share the lower score.';
COMMENT ON COLUMN scores.customer_scores.rfm_segment IS 'RFM segment key (scores.rfm_segments), from R, F and M scores above or not above their means.';
COMMENT ON COLUMN scores.customer_scores.rfm_segment_label IS 'Display label of the segment in the configured language.';
COMMENT ON COLUMN scores.customer_scores.abc_class IS 'A: the customers making the first 80% of revenue, B: the next 15%, C: the rest (shares configurable).';
COMMENT ON COLUMN scores.customer_scores.clv_historical IS 'Margin earned from the customer to date.';
COMMENT ON COLUMN scores.customer_scores.p_alive IS 'BG/NBD probability that the customer is still active.';
COMMENT ON COLUMN scores.customer_scores.expected_purchases IS 'BG/NBD expected purchases (distinct purchase days) over the CLV horizon.';
COMMENT ON COLUMN scores.customer_scores.expected_spend IS 'Gamma-Gamma expected net revenue per future purchase.';
COMMENT ON COLUMN scores.customer_scores.clv IS 'Predicted margin over the CLV horizon, discounted monthly.';
COMMENT ON COLUMN scores.customer_scores.clv_quadrant IS 'vip (high current and future value), grow (low current, high future), maintain (high current, low future), abandon (low both).';
COMMENT ON COLUMN scores.customer_scores.lifecycle_stage IS 'acquisition, growth, maturity, decline or termination.';
COMMENT ON COLUMN scores.customer_scores.decline_warning IS 'True when recent spend dropped sharply against the customer''s own history.';
COMMENT ON COLUMN scores.customer_scores.decline_drop IS 'Drop of the recent daily spend rate against the customer''s earlier rate (0 to 1); NULL without enough history.';

CREATE TABLE IF NOT EXISTS mining.cluster (
    run_id         VARCHAR NOT NULL,
    as_of          DATE NOT NULL,
    customer_id    VARCHAR NOT NULL,
    cluster_id     INTEGER NOT NULL,
    cluster_label  VARCHAR NOT NULL
);
COMMENT ON TABLE mining.cluster IS 'Latest result of the cluster job, one row per customer with a purchase; published into scores.customer_scores.';
COMMENT ON COLUMN mining.cluster.run_id IS 'Run that computed the result.';
COMMENT ON COLUMN mining.cluster.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN mining.cluster.customer_id IS 'Customer id in the source system.';
COMMENT ON COLUMN mining.cluster.cluster_id IS 'As scores.customer_scores.cluster_id.';
COMMENT ON COLUMN mining.cluster.cluster_label IS 'As scores.customer_scores.cluster_label.';

CREATE TABLE IF NOT EXISTS mining.cluster_profiles (
    run_id          VARCHAR NOT NULL,
    as_of           DATE NOT NULL,
    cluster_id      INTEGER NOT NULL,
    cluster_label   VARCHAR NOT NULL,
    customers       BIGINT NOT NULL,
    customer_share  DOUBLE NOT NULL,
    revenue_share   DOUBLE
);
COMMENT ON TABLE mining.cluster_profiles IS 'Latest cluster profiles of the cluster job; published as scores.cluster_profiles.';
COMMENT ON COLUMN mining.cluster_profiles.run_id IS 'Run that computed the result.';
COMMENT ON COLUMN mining.cluster_profiles.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN mining.cluster_profiles.cluster_id IS 'As scores.cluster_profiles.cluster_id.';
COMMENT ON COLUMN mining.cluster_profiles.cluster_label IS 'As scores.cluster_profiles.cluster_label.';
COMMENT ON COLUMN mining.cluster_profiles.customers IS 'As scores.cluster_profiles.customers.';
COMMENT ON COLUMN mining.cluster_profiles.customer_share IS 'As scores.cluster_profiles.customer_share.';
COMMENT ON COLUMN mining.cluster_profiles.revenue_share IS 'As scores.cluster_profiles.revenue_share.';

CREATE TABLE IF NOT EXISTS mining.cluster_features (
    run_id        VARCHAR NOT NULL,
    as_of         DATE NOT NULL,
    cluster_id    INTEGER NOT NULL,
    feature       VARCHAR NOT NULL,
    mean          DOUBLE,
    overall_mean  DOUBLE,
    z_score       DOUBLE
);
COMMENT ON TABLE mining.cluster_features IS 'Latest per-cluster feature means of the cluster job; published as scores.cluster_features.';
COMMENT ON COLUMN mining.cluster_features.run_id IS 'Run that computed the result.';
COMMENT ON COLUMN mining.cluster_features.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN mining.cluster_features.cluster_id IS 'As scores.cluster_features.cluster_id.';
COMMENT ON COLUMN mining.cluster_features.feature IS 'As scores.cluster_features.feature.';
COMMENT ON COLUMN mining.cluster_features.mean IS 'As scores.cluster_features.mean.';
COMMENT ON COLUMN mining.cluster_features.overall_mean IS 'As scores.cluster_features.overall_mean.';
COMMENT ON COLUMN mining.cluster_features.z_score IS 'As scores.cluster_features.z_score.';

CREATE TABLE IF NOT EXISTS scores.cluster_profiles (
    run_id          VARCHAR NOT NULL,
    as_of           DATE NOT NULL,
    cluster_id      INTEGER NOT NULL,
    cluster_label   VARCHAR NOT NULL,
    customers       BIGINT NOT NULL,
    customer_share  DOUBLE NOT NULL,
    revenue_share   DOUBLE
);
COMMENT ON TABLE scores.cluster_profiles IS 'One row per k-means cluster of the published run: size, shares and a readable label; feature means in scores.cluster_features.';
COMMENT ON COLUMN scores.cluster_profiles.run_id IS 'Run that published the profile.';
COMMENT ON COLUMN scores.cluster_profiles.as_of IS 'As-of date of the clustering.';
COMMENT ON COLUMN scores.cluster_profiles.cluster_id IS 'Cluster number, 1 = the largest.';
COMMENT ON COLUMN scores.cluster_profiles.cluster_label IS 'Readable label from the features that stand far above or below the overall mean.';
COMMENT ON COLUMN scores.cluster_profiles.customers IS 'Customers in the cluster.';
COMMENT ON COLUMN scores.cluster_profiles.customer_share IS 'Share of the clustered customers.';
COMMENT ON COLUMN scores.cluster_profiles.revenue_share IS 'Share of the clustered customers'' revenue.';

CREATE TABLE IF NOT EXISTS scores.cluster_features (
    run_id        VARCHAR NOT NULL,
    as_of         DATE NOT NULL,
    cluster_id    INTEGER NOT NULL,
    feature       VARCHAR NOT NULL,
    mean          DOUBLE,
    overall_mean  DOUBLE,
    z_score       DOUBLE
);
COMMENT ON TABLE scores.cluster_features IS 'Per cluster and feature of the published run: the mean in original units against the overall mean.';
COMMENT ON COLUMN scores.cluster_features.run_id IS 'Run that published the row.';
COMMENT ON COLUMN scores.cluster_features.as_of IS 'As-of date of the clustering.';
COMMENT ON COLUMN scores.cluster_features.cluster_id IS 'Cluster number (scores.cluster_profiles).';
COMMENT ON COLUMN scores.cluster_features.feature IS 'Feature name.';
COMMENT ON COLUMN scores.cluster_features.mean IS 'Mean of the feature in the cluster, in original units (NULLs left out).';
COMMENT ON COLUMN scores.cluster_features.overall_mean IS 'Mean over all clustered customers.';
COMMENT ON COLUMN scores.cluster_features.z_score IS 'Distance of the cluster mean from the overall mean in standard deviations of the feature as clustered (after any log); what the label is built from.';

ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS cluster_id INTEGER;
ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS cluster_label VARCHAR;
COMMENT ON COLUMN scores.customer_scores.cluster_id IS 'k-means cluster (scores.cluster_profiles), 1 = the largest.';
COMMENT ON COLUMN scores.customer_scores.cluster_label IS 'Readable label of the cluster.';

CREATE TABLE IF NOT EXISTS mining.churn (
    run_id             VARCHAR NOT NULL,
    as_of              DATE NOT NULL,
    customer_id        VARCHAR NOT NULL,
    churn_probability  DOUBLE NOT NULL,
    churn_risk         VARCHAR NOT NULL,
    churn_reason       VARCHAR NOT NULL
);
COMMENT ON TABLE mining.churn IS 'Latest result of the churn job, one row per customer active at the as-of date; published into scores.customer_scores.';
COMMENT ON COLUMN mining.churn.run_id IS 'Run that computed the result.';
COMMENT ON COLUMN mining.churn.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN mining.churn.customer_id IS 'Customer id in the source system.';
COMMENT ON COLUMN mining.churn.churn_probability IS 'As scores.customer_scores.churn_probability.';
COMMENT ON COLUMN mining.churn.churn_risk IS 'As scores.customer_scores.churn_risk.';
COMMENT ON COLUMN mining.churn.churn_reason IS 'As scores.customer_scores.churn_reason.';

CREATE TABLE IF NOT EXISTS mining.churn_tree (
    run_id          VARCHAR NOT NULL,
    as_of           DATE NOT NULL,
    node_id         INTEGER NOT NULL,
    parent_id       INTEGER,
    depth           INTEGER NOT NULL,
    rule            VARCHAR NOT NULL,
    feature         VARCHAR,
    threshold       DOUBLE,
    is_leaf         BOOLEAN NOT NULL,
    samples         BIGINT NOT NULL,
    positive_share  DOUBLE NOT NULL,
    predicted       VARCHAR NOT NULL
);
COMMENT ON TABLE mining.churn_tree IS 'Latest tree of the churn job; published as scores.churn_tree.';
COMMENT ON COLUMN mining.churn_tree.run_id IS 'Run that computed the result.';
COMMENT ON COLUMN mining.churn_tree.as_of IS 'As-of date of the result.';
COMMENT ON COLUMN mining.churn_tree.node_id IS 'As scores.churn_tree.node_id.';
COMMENT ON COLUMN mining.churn_tree.parent_id IS 'As scores.churn_tree.parent_id.';
COMMENT ON COLUMN mining.churn_tree.depth IS 'As scores.churn_tree.depth.';
COMMENT ON COLUMN mining.churn_tree.rule IS 'As scores.churn_tree.rule.';
COMMENT ON COLUMN mining.churn_tree.feature IS 'As scores.churn_tree.feature.';
COMMENT ON COLUMN mining.churn_tree.threshold IS 'As scores.churn_tree.threshold.';
COMMENT ON COLUMN mining.churn_tree.is_leaf IS 'As scores.churn_tree.is_leaf.';
COMMENT ON COLUMN mining.churn_tree.samples IS 'As scores.churn_tree.samples.';
COMMENT ON COLUMN mining.churn_tree.positive_share IS 'As scores.churn_tree.positive_share.';
COMMENT ON COLUMN mining.churn_tree.predicted IS 'As scores.churn_tree.predicted.';

CREATE TABLE IF NOT EXISTS scores.churn_tree (
    run_id          VARCHAR NOT NULL,
    as_of           DATE NOT NULL,
    node_id         INTEGER NOT NULL,
    parent_id       INTEGER,
    depth           INTEGER NOT NULL,
    rule            VARCHAR NOT NULL,
    feature         VARCHAR,
    threshold       DOUBLE,
    is_leaf         BOOLEAN NOT NULL,
    samples         BIGINT NOT NULL,
    positive_share  DOUBLE NOT NULL,
    predicted       VARCHAR NOT NULL
);
COMMENT ON TABLE scores.churn_tree IS 'The published churn decision tree, one row per node in depth-first order: SELECT rule FROM scores.churn_tree ORDER BY node_id prints it as indented rules.';
COMMENT ON COLUMN scores.churn_tree.run_id IS 'Run that published the tree.';
COMMENT ON COLUMN scores.churn_tree.as_of IS 'As-of date of the model.';
COMMENT ON COLUMN scores.churn_tree.node_id IS 'Node number in depth-first order; 0 is the root.';
COMMENT ON COLUMN scores.churn_tree.parent_id IS 'Parent node; NULL for the root.';
COMMENT ON COLUMN scores.churn_tree.depth IS 'Depth of the node; the root is 0.';
COMMENT ON COLUMN scores.churn_tree.rule IS 'The condition that leads from the parent to this node, indented two spaces per level.';
COMMENT ON COLUMN scores.churn_tree.feature IS 'Feature the node splits on (a categorical one as "column = value"); NULL for a leaf.';
COMMENT ON COLUMN scores.churn_tree.threshold IS 'Rows with the feature at most this go to the first child; NULL for a leaf.';
COMMENT ON COLUMN scores.churn_tree.is_leaf IS 'True for a leaf.';
COMMENT ON COLUMN scores.churn_tree.samples IS 'Training customers reaching the node.';
COMMENT ON COLUMN scores.churn_tree.positive_share IS 'Share of them that churned: the churn probability of a leaf.';
COMMENT ON COLUMN scores.churn_tree.predicted IS 'The majority class of the node (true: churned).';

ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS churn_probability DOUBLE;
ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS churn_risk VARCHAR;
ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS churn_reason VARCHAR;
COMMENT ON COLUMN scores.customer_scores.churn_probability IS 'Probability of being lost (no purchase and no service visit) within the churn horizon: the churned share of the customer''s leaf of scores.churn_tree. NULL for customers not active at the as-of date.';
COMMENT ON COLUMN scores.customer_scores.churn_risk IS 'high, medium or low, by the configured probability thresholds.';
COMMENT ON COLUMN scores.customer_scores.churn_reason IS 'The conditions on the customer''s path through the churn tree, in words, with the customer''s values.';

CREATE TABLE IF NOT EXISTS mining.association_rules (
    run_id              VARCHAR NOT NULL,
    as_of               DATE NOT NULL,
    rule_id             INTEGER NOT NULL,
    antecedent          VARCHAR[] NOT NULL,
    consequent          VARCHAR[] NOT NULL,
    antecedent_labels   VARCHAR NOT NULL,
    consequent_labels   VARCHAR NOT NULL,
    support             DOUBLE NOT NULL,
    confidence          DOUBLE NOT NULL,
    lift                DOUBLE NOT NULL,
    leverage            DOUBLE NOT NULL,
    conviction          DOUBLE NOT NULL,
    basket_count        BIGINT NOT NULL,
    antecedent_count    BIGINT NOT NULL,
    consequent_count    BIGINT NOT NULL
);
COMMENT ON TABLE mining.association_rules IS 'Latest rules of the assoc job; published as scores.association_rules.';
CREATE TABLE IF NOT EXISTS scores.association_rules AS SELECT * FROM mining.association_rules WITH NO DATA;
COMMENT ON TABLE scores.association_rules IS 'Association rules of the published run, from FP-growth on baskets (one per order by default), best first by lift.';

CREATE TABLE IF NOT EXISTS mining.recommendations (
    run_id         VARCHAR NOT NULL,
    as_of          DATE NOT NULL,
    customer_id    VARCHAR NOT NULL,
    customer_key   BIGINT NOT NULL,
    product_id     VARCHAR NOT NULL,
    product_key    BIGINT NOT NULL,
    product_name   VARCHAR NOT NULL,
    "rank"         INTEGER NOT NULL,
    score          DOUBLE NOT NULL,
    rule_id        INTEGER NOT NULL,
    rule           VARCHAR NOT NULL
);
COMMENT ON TABLE mining.recommendations IS 'Latest recommendations of the assoc job; published as scores.recommendations.';
CREATE TABLE IF NOT EXISTS scores.recommendations AS SELECT * FROM mining.recommendations WITH NO DATA;
COMMENT ON TABLE scores.recommendations IS 'Per customer, the top products they have not bought, scored from the association rules their purchases satisfy.';

ALTER TABLE scores.customer_scores ADD COLUMN IF NOT EXISTS recommended_products VARCHAR;
COMMENT ON COLUMN scores.customer_scores.recommended_products IS 'The customer''s recommended products, best first (scores.recommendations).';
COMMENT ON COLUMN mining.association_rules.run_id IS 'Run that computed the rules.';
COMMENT ON COLUMN mining.association_rules.as_of IS 'As-of date of the baskets.';
COMMENT ON COLUMN mining.association_rules.rule_id IS 'Rule number, 1 = highest lift.';
COMMENT ON COLUMN mining.association_rules.antecedent IS 'Items on the left-hand side (product or category ids).';
COMMENT ON COLUMN mining.association_rules.consequent IS 'Items on the right-hand side.';
COMMENT ON COLUMN mining.association_rules.antecedent_labels IS 'The left-hand side in words (product names or categories).';
COMMENT ON COLUMN mining.association_rules.consequent_labels IS 'The right-hand side in words.';
COMMENT ON COLUMN mining.association_rules.support IS 'Share of baskets holding every item of the rule.';
COMMENT ON COLUMN mining.association_rules.confidence IS 'Share of baskets with the left-hand side that also hold the right-hand side.';
COMMENT ON COLUMN mining.association_rules.lift IS 'Confidence divided by the right-hand side''s support: how much more often than by chance.';
COMMENT ON COLUMN mining.association_rules.leverage IS 'Support minus the product of both sides'' supports.';
COMMENT ON COLUMN mining.association_rules.conviction IS '(1 − support of the right-hand side) / (1 − confidence); infinite when the confidence is 1.';
COMMENT ON COLUMN mining.association_rules.basket_count IS 'Baskets holding every item of the rule.';
COMMENT ON COLUMN mining.association_rules.antecedent_count IS 'Baskets holding the left-hand side.';
COMMENT ON COLUMN mining.association_rules.consequent_count IS 'Baskets holding the right-hand side.';
COMMENT ON COLUMN mining.recommendations.run_id IS 'Run that computed the recommendation.';
COMMENT ON COLUMN mining.recommendations.as_of IS 'As-of date of the purchases.';
COMMENT ON COLUMN mining.recommendations.customer_id IS 'Customer id in the source system.';
COMMENT ON COLUMN mining.recommendations.customer_key IS 'Version of the customer valid at the as-of date.';
COMMENT ON COLUMN mining.recommendations.product_id IS 'Recommended product.';
COMMENT ON COLUMN mining.recommendations.product_key IS 'Current version of the product.';
COMMENT ON COLUMN mining.recommendations.product_name IS 'Name of the product.';
COMMENT ON COLUMN mining.recommendations."rank" IS '1 = the best recommendation for the customer.';
COMMENT ON COLUMN mining.recommendations.score IS 'The rule''s confidence × lift (or the configured score).';
COMMENT ON COLUMN mining.recommendations.rule_id IS 'The rule that produced it (association_rules.rule_id).';
COMMENT ON COLUMN mining.recommendations.rule IS 'The rule in words.';
COMMENT ON COLUMN scores.association_rules.run_id IS 'Run that computed the rules.';
COMMENT ON COLUMN scores.association_rules.as_of IS 'As-of date of the baskets.';
COMMENT ON COLUMN scores.association_rules.rule_id IS 'Rule number, 1 = highest lift.';
COMMENT ON COLUMN scores.association_rules.antecedent IS 'Items on the left-hand side (product or category ids).';
COMMENT ON COLUMN scores.association_rules.consequent IS 'Items on the right-hand side.';
COMMENT ON COLUMN scores.association_rules.antecedent_labels IS 'The left-hand side in words (product names or categories).';
COMMENT ON COLUMN scores.association_rules.consequent_labels IS 'The right-hand side in words.';
COMMENT ON COLUMN scores.association_rules.support IS 'Share of baskets holding every item of the rule.';
COMMENT ON COLUMN scores.association_rules.confidence IS 'Share of baskets with the left-hand side that also hold the right-hand side.';
COMMENT ON COLUMN scores.association_rules.lift IS 'Confidence divided by the right-hand side''s support: how much more often than by chance.';
COMMENT ON COLUMN scores.association_rules.leverage IS 'Support minus the product of both sides'' supports.';
COMMENT ON COLUMN scores.association_rules.conviction IS '(1 − support of the right-hand side) / (1 − confidence); infinite when the confidence is 1.';
COMMENT ON COLUMN scores.association_rules.basket_count IS 'Baskets holding every item of the rule.';
COMMENT ON COLUMN scores.association_rules.antecedent_count IS 'Baskets holding the left-hand side.';
COMMENT ON COLUMN scores.association_rules.consequent_count IS 'Baskets holding the right-hand side.';
COMMENT ON COLUMN scores.recommendations.run_id IS 'Run that computed the recommendation.';
COMMENT ON COLUMN scores.recommendations.as_of IS 'As-of date of the purchases.';
COMMENT ON COLUMN scores.recommendations.customer_id IS 'Customer id in the source system.';
COMMENT ON COLUMN scores.recommendations.customer_key IS 'Version of the customer valid at the as-of date.';
COMMENT ON COLUMN scores.recommendations.product_id IS 'Recommended product.';
COMMENT ON COLUMN scores.recommendations.product_key IS 'Current version of the product.';
COMMENT ON COLUMN scores.recommendations.product_name IS 'Name of the product.';
COMMENT ON COLUMN scores.recommendations."rank" IS '1 = the best recommendation for the customer.';
COMMENT ON COLUMN scores.recommendations.score IS 'The rule''s confidence × lift (or the configured score).';
COMMENT ON COLUMN scores.recommendations.rule_id IS 'The rule that produced it (association_rules.rule_id).';
COMMENT ON COLUMN scores.recommendations.rule IS 'The rule in words.';
