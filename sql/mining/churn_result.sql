-- The churn job's result: the scored customers (churn_score, in row order) with their probability,
-- risk band and reason, and the probability of the model not in use (the challenger, or the tree
-- when the challenger won), so that both can be back-tested; and the tree.
CREATE OR REPLACE TEMP TABLE churn_result AS
SELECT s.customer_id, t.probability AS churn_probability,
    CASE WHEN t.probability >= {{.High}} THEN 'high' WHEN t.probability >= {{.Medium}} THEN 'medium' ELSE 'low' END AS churn_risk,
    t.reason AS churn_reason, t.probability_other AS churn_probability_other
FROM (SELECT rowid AS input_row, customer_id FROM {{$.T.ChurnScore}}) AS s
JOIN {{$.T.TreeScores}} AS t USING (input_row);

CREATE OR REPLACE TEMP TABLE churn_tree_result AS SELECT * FROM tree_nodes;
