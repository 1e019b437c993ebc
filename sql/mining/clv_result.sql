-- CLV quadrant: current value (margin to date) against predicted value, each split at a quantile
-- of the customers' values; "high" is strictly above the split.
CREATE OR REPLACE TEMP TABLE clv_result AS
WITH v AS (
    SELECT s.customer_id, s.clv_historical, p.p_alive, p.expected_purchases, p.expected_spend, p.clv
    FROM clv_summary AS s JOIN clv_predictions AS p USING (customer_id)
), q AS (
    SELECT quantile_cont(clv_historical, {{.CurrentQuantile}}) AS current_split,
        quantile_cont(clv, {{.FutureQuantile}}) AS future_split
    FROM v
)
SELECT v.*,
    CASE WHEN v.clv_historical > q.current_split AND v.clv > q.future_split THEN 'vip'
         WHEN v.clv > q.future_split THEN 'grow'
         WHEN v.clv_historical > q.current_split THEN 'maintain'
         ELSE 'abandon' END AS clv_quadrant
FROM v, q;
