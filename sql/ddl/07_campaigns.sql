-- The campaign evaluation: per campaign what its contacts brought and, against a control group
-- held out at random, what it changed (the campaigns job; published as scores.*).
CREATE TABLE IF NOT EXISTS mining.campaign_effectiveness (
    run_id                        VARCHAR NOT NULL,
    as_of                         DATE NOT NULL,
    campaign_id                   VARCHAR NOT NULL,
    campaign_name                 VARCHAR,
    channel                       VARCHAR,
    start_date                    DATE,
    cost                          DOUBLE,
    contacts                      BIGINT NOT NULL,
    responses                     BIGINT NOT NULL,
    response_rate                 DOUBLE,
    orders                        BIGINT NOT NULL,
    revenue                       DOUBLE NOT NULL,
    margin                        DOUBLE NOT NULL,
    cost_per_response             DOUBLE,
    revenue_per_contact           DOUBLE,
    roi                           DOUBLE,
    has_control                   BOOLEAN NOT NULL,
    control_customers             BIGINT NOT NULL,
    control_response_rate         DOUBLE,
    control_revenue_per_customer  DOUBLE,
    response_uplift               DOUBLE,
    response_uplift_relative      DOUBLE,
    response_uplift_low           DOUBLE,
    response_uplift_high          DOUBLE,
    response_p_value              DOUBLE,
    revenue_uplift                DOUBLE,
    revenue_uplift_low            DOUBLE,
    revenue_uplift_high           DOUBLE,
    revenue_p_value               DOUBLE,
    incremental_revenue           DOUBLE,
    incremental_margin            DOUBLE,
    incremental_roi               DOUBLE,
    evaluation                    VARCHAR NOT NULL
);
COMMENT ON TABLE mining.campaign_effectiveness IS 'Latest result of the campaigns job; published as scores.campaign_effectiveness.';
CREATE TABLE IF NOT EXISTS scores.campaign_effectiveness AS SELECT * FROM mining.campaign_effectiveness WITH NO DATA;
COMMENT ON TABLE scores.campaign_effectiveness IS 'Did the campaign work? Per campaign: contacts, responses, attributed orders and revenue, cost and ROI and, against its control group (held out at random, not contacted), the uplift in response rate and revenue per customer with 95% intervals and p-values. A response is the contact''s recorded response or a purchase in mining.campaigns.window_days after it (its own order when the contact names one).';

CREATE TABLE IF NOT EXISTS mining.campaign_breakdown (
    run_id                  VARCHAR NOT NULL,
    as_of                   DATE NOT NULL,
    campaign_id             VARCHAR NOT NULL,
    dimension               VARCHAR NOT NULL,
    member                  VARCHAR NOT NULL,
    contacts                BIGINT NOT NULL,
    response_rate           DOUBLE,
    revenue_per_contact     DOUBLE,
    control_customers       BIGINT NOT NULL,
    control_response_rate   DOUBLE,
    response_uplift         DOUBLE,
    response_uplift_low     DOUBLE,
    response_uplift_high    DOUBLE,
    revenue_uplift          DOUBLE,
    revenue_uplift_low      DOUBLE,
    revenue_uplift_high     DOUBLE
);
COMMENT ON TABLE mining.campaign_breakdown IS 'Latest breakdown of the campaigns job; published as scores.campaign_breakdown.';
CREATE TABLE IF NOT EXISTS scores.campaign_breakdown AS SELECT * FROM mining.campaign_breakdown WITH NO DATA;
COMMENT ON TABLE scores.campaign_breakdown IS 'Which customers a campaign moved: its figures and uplift by the customers'' RFM segment, CLV quadrant and churn risk at contact time (from the score history; unknown before it begins).';

COMMENT ON COLUMN mining.campaign_effectiveness.run_id IS 'Run that evaluated the campaign.';
COMMENT ON COLUMN mining.campaign_effectiveness.as_of IS 'As-of date: orders up to it count.';
COMMENT ON COLUMN mining.campaign_effectiveness.campaign_id IS 'Campaign id in the source system.';
COMMENT ON COLUMN mining.campaign_effectiveness.campaign_name IS 'Campaign name (dim_campaign).';
COMMENT ON COLUMN mining.campaign_effectiveness.channel IS 'Campaign channel (dim_campaign).';
COMMENT ON COLUMN mining.campaign_effectiveness.start_date IS 'First day of the campaign.';
COMMENT ON COLUMN mining.campaign_effectiveness.cost IS 'Campaign cost (dim_campaign).';
COMMENT ON COLUMN mining.campaign_effectiveness.contacts IS 'Customers contacted (group treatment).';
COMMENT ON COLUMN mining.campaign_effectiveness.responses IS 'Contacted customers who responded: a recorded response or a purchase in the window.';
COMMENT ON COLUMN mining.campaign_effectiveness.response_rate IS 'responses / contacts.';
COMMENT ON COLUMN mining.campaign_effectiveness.orders IS 'Orders attributed to the contacts (their own order, else the purchases in the window).';
COMMENT ON COLUMN mining.campaign_effectiveness.revenue IS 'Net revenue of the attributed orders.';
COMMENT ON COLUMN mining.campaign_effectiveness.margin IS 'Margin of the attributed orders.';
COMMENT ON COLUMN mining.campaign_effectiveness.cost_per_response IS 'cost / responses.';
COMMENT ON COLUMN mining.campaign_effectiveness.revenue_per_contact IS 'revenue / contacts.';
COMMENT ON COLUMN mining.campaign_effectiveness.roi IS '(margin − cost) / cost: the return on the campaign’s cost, before comparing with a control group.';
COMMENT ON COLUMN mining.campaign_effectiveness.has_control IS 'Whether a control group was held out; without one the uplift columns are NULL.';
COMMENT ON COLUMN mining.campaign_effectiveness.control_customers IS 'Customers held out (group control), not contacted.';
COMMENT ON COLUMN mining.campaign_effectiveness.control_response_rate IS 'Share of the control group who bought in the window after the day they would have been contacted.';
COMMENT ON COLUMN mining.campaign_effectiveness.control_revenue_per_customer IS 'Revenue per control customer in the window.';
COMMENT ON COLUMN mining.campaign_effectiveness.response_uplift IS 'response_rate − control_response_rate: the responses the campaign caused, per contact.';
COMMENT ON COLUMN mining.campaign_effectiveness.response_uplift_relative IS 'response_uplift / control_response_rate.';
COMMENT ON COLUMN mining.campaign_effectiveness.response_uplift_low IS 'Lower end of the 95% interval of response_uplift (Wald).';
COMMENT ON COLUMN mining.campaign_effectiveness.response_uplift_high IS 'Upper end of the 95% interval of response_uplift.';
COMMENT ON COLUMN mining.campaign_effectiveness.response_p_value IS 'Two-sided p-value of the two-proportion z-test (pooled rate): no uplift.';
COMMENT ON COLUMN mining.campaign_effectiveness.revenue_uplift IS 'Revenue per contacted customer − revenue per control customer.';
COMMENT ON COLUMN mining.campaign_effectiveness.revenue_uplift_low IS 'Lower end of the 95% interval of revenue_uplift (Welch).';
COMMENT ON COLUMN mining.campaign_effectiveness.revenue_uplift_high IS 'Upper end of the 95% interval of revenue_uplift.';
COMMENT ON COLUMN mining.campaign_effectiveness.revenue_p_value IS 'Two-sided p-value of Welch’s t-test: no difference in revenue per customer.';
COMMENT ON COLUMN mining.campaign_effectiveness.incremental_revenue IS 'revenue_uplift × contacts: the revenue the campaign caused.';
COMMENT ON COLUMN mining.campaign_effectiveness.incremental_margin IS 'The margin per customer the campaign changed × contacts.';
COMMENT ON COLUMN mining.campaign_effectiveness.incremental_roi IS '(incremental_margin − cost) / cost: the return the campaign caused.';
COMMENT ON COLUMN mining.campaign_effectiveness.evaluation IS 'How the campaign was measured, in words (against a control group, or not: then only the response is known).';
COMMENT ON COLUMN mining.campaign_breakdown.run_id IS 'Run that evaluated the campaign.';
COMMENT ON COLUMN mining.campaign_breakdown.as_of IS 'As-of date: orders up to it count.';
COMMENT ON COLUMN mining.campaign_breakdown.campaign_id IS 'Campaign id in the source system.';
COMMENT ON COLUMN mining.campaign_breakdown.dimension IS 'rfm_segment, clv_quadrant or churn_risk (at contact time).';
COMMENT ON COLUMN mining.campaign_breakdown.member IS 'The value of the dimension; unknown when the score history has none at contact time.';
COMMENT ON COLUMN mining.campaign_breakdown.contacts IS 'Contacted customers of the member.';
COMMENT ON COLUMN mining.campaign_breakdown.response_rate IS 'Their response rate.';
COMMENT ON COLUMN mining.campaign_breakdown.revenue_per_contact IS 'Their attributed revenue per contact.';
COMMENT ON COLUMN mining.campaign_breakdown.control_customers IS 'Control customers of the member.';
COMMENT ON COLUMN mining.campaign_breakdown.control_response_rate IS 'The control’s response rate.';
COMMENT ON COLUMN mining.campaign_breakdown.response_uplift IS 'response_rate − control_response_rate (NULL when either group has fewer than two customers).';
COMMENT ON COLUMN mining.campaign_breakdown.response_uplift_low IS 'Lower end of its 95% interval.';
COMMENT ON COLUMN mining.campaign_breakdown.response_uplift_high IS 'Upper end of its 95% interval.';
COMMENT ON COLUMN mining.campaign_breakdown.revenue_uplift IS 'Revenue per contact − revenue per control customer.';
COMMENT ON COLUMN mining.campaign_breakdown.revenue_uplift_low IS 'Lower end of its 95% interval (Welch).';
COMMENT ON COLUMN mining.campaign_breakdown.revenue_uplift_high IS 'Upper end of its 95% interval.';
COMMENT ON COLUMN scores.campaign_effectiveness.run_id IS 'Run that evaluated the campaign.';
COMMENT ON COLUMN scores.campaign_effectiveness.as_of IS 'As-of date: orders up to it count.';
COMMENT ON COLUMN scores.campaign_effectiveness.campaign_id IS 'Campaign id in the source system.';
COMMENT ON COLUMN scores.campaign_effectiveness.campaign_name IS 'Campaign name (dim_campaign).';
COMMENT ON COLUMN scores.campaign_effectiveness.channel IS 'Campaign channel (dim_campaign).';
COMMENT ON COLUMN scores.campaign_effectiveness.start_date IS 'First day of the campaign.';
COMMENT ON COLUMN scores.campaign_effectiveness.cost IS 'Campaign cost (dim_campaign).';
COMMENT ON COLUMN scores.campaign_effectiveness.contacts IS 'Customers contacted (group treatment).';
COMMENT ON COLUMN scores.campaign_effectiveness.responses IS 'Contacted customers who responded: a recorded response or a purchase in the window.';
COMMENT ON COLUMN scores.campaign_effectiveness.response_rate IS 'responses / contacts.';
COMMENT ON COLUMN scores.campaign_effectiveness.orders IS 'Orders attributed to the contacts (their own order, else the purchases in the window).';
COMMENT ON COLUMN scores.campaign_effectiveness.revenue IS 'Net revenue of the attributed orders.';
COMMENT ON COLUMN scores.campaign_effectiveness.margin IS 'Margin of the attributed orders.';
COMMENT ON COLUMN scores.campaign_effectiveness.cost_per_response IS 'cost / responses.';
COMMENT ON COLUMN scores.campaign_effectiveness.revenue_per_contact IS 'revenue / contacts.';
COMMENT ON COLUMN scores.campaign_effectiveness.roi IS '(margin − cost) / cost: the return on the campaign’s cost, before comparing with a control group.';
COMMENT ON COLUMN scores.campaign_effectiveness.has_control IS 'Whether a control group was held out; without one the uplift columns are NULL.';
COMMENT ON COLUMN scores.campaign_effectiveness.control_customers IS 'Customers held out (group control), not contacted.';
COMMENT ON COLUMN scores.campaign_effectiveness.control_response_rate IS 'Share of the control group who bought in the window after the day they would have been contacted.';
COMMENT ON COLUMN scores.campaign_effectiveness.control_revenue_per_customer IS 'Revenue per control customer in the window.';
COMMENT ON COLUMN scores.campaign_effectiveness.response_uplift IS 'response_rate − control_response_rate: the responses the campaign caused, per contact.';
COMMENT ON COLUMN scores.campaign_effectiveness.response_uplift_relative IS 'response_uplift / control_response_rate.';
COMMENT ON COLUMN scores.campaign_effectiveness.response_uplift_low IS 'Lower end of the 95% interval of response_uplift (Wald).';
COMMENT ON COLUMN scores.campaign_effectiveness.response_uplift_high IS 'Upper end of the 95% interval of response_uplift.';
COMMENT ON COLUMN scores.campaign_effectiveness.response_p_value IS 'Two-sided p-value of the two-proportion z-test (pooled rate): no uplift.';
COMMENT ON COLUMN scores.campaign_effectiveness.revenue_uplift IS 'Revenue per contacted customer − revenue per control customer.';
COMMENT ON COLUMN scores.campaign_effectiveness.revenue_uplift_low IS 'Lower end of the 95% interval of revenue_uplift (Welch).';
COMMENT ON COLUMN scores.campaign_effectiveness.revenue_uplift_high IS 'Upper end of the 95% interval of revenue_uplift.';
COMMENT ON COLUMN scores.campaign_effectiveness.revenue_p_value IS 'Two-sided p-value of Welch’s t-test: no difference in revenue per customer.';
COMMENT ON COLUMN scores.campaign_effectiveness.incremental_revenue IS 'revenue_uplift × contacts: the revenue the campaign caused.';
COMMENT ON COLUMN scores.campaign_effectiveness.incremental_margin IS 'The margin per customer the campaign changed × contacts.';
COMMENT ON COLUMN scores.campaign_effectiveness.incremental_roi IS '(incremental_margin − cost) / cost: the return the campaign caused.';
COMMENT ON COLUMN scores.campaign_effectiveness.evaluation IS 'How the campaign was measured, in words (against a control group, or not: then only the response is known).';
COMMENT ON COLUMN scores.campaign_breakdown.run_id IS 'Run that evaluated the campaign.';
COMMENT ON COLUMN scores.campaign_breakdown.as_of IS 'As-of date: orders up to it count.';
COMMENT ON COLUMN scores.campaign_breakdown.campaign_id IS 'Campaign id in the source system.';
COMMENT ON COLUMN scores.campaign_breakdown.dimension IS 'rfm_segment, clv_quadrant or churn_risk (at contact time).';
COMMENT ON COLUMN scores.campaign_breakdown.member IS 'The value of the dimension; unknown when the score history has none at contact time.';
COMMENT ON COLUMN scores.campaign_breakdown.contacts IS 'Contacted customers of the member.';
COMMENT ON COLUMN scores.campaign_breakdown.response_rate IS 'Their response rate.';
COMMENT ON COLUMN scores.campaign_breakdown.revenue_per_contact IS 'Their attributed revenue per contact.';
COMMENT ON COLUMN scores.campaign_breakdown.control_customers IS 'Control customers of the member.';
COMMENT ON COLUMN scores.campaign_breakdown.control_response_rate IS 'The control’s response rate.';
COMMENT ON COLUMN scores.campaign_breakdown.response_uplift IS 'response_rate − control_response_rate (NULL when either group has fewer than two customers).';
COMMENT ON COLUMN scores.campaign_breakdown.response_uplift_low IS 'Lower end of its 95% interval.';
COMMENT ON COLUMN scores.campaign_breakdown.response_uplift_high IS 'Upper end of its 95% interval.';
COMMENT ON COLUMN scores.campaign_breakdown.revenue_uplift IS 'Revenue per contact − revenue per control customer.';
COMMENT ON COLUMN scores.campaign_breakdown.revenue_uplift_low IS 'Lower end of its 95% interval (Welch).';
COMMENT ON COLUMN scores.campaign_breakdown.revenue_uplift_high IS 'Upper end of its 95% interval.';
