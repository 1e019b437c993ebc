-- The churn model not in use (the challenger, or the tree when the challenger won) scores the
-- same customers too, so that both can be back-tested: its probability joins churn_result.
CREATE OR REPLACE TEMP TABLE churn_result AS
SELECT r.*, t.probability AS churn_probability_other
FROM churn_result AS r
JOIN (SELECT rowid AS input_row, customer_id FROM {{$.T.ChurnScore}}) AS s USING (customer_id)
JOIN {{$.T.TreeScores}} AS t USING (input_row);
