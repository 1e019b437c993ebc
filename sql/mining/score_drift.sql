-- Population stability index of the predicted churn probability: the training rows' (scored by
-- the tree into {{$.T.TreeScores}}) against tonight's (churn_result), cut at the training
-- probabilities' deciles; appended to feature_drift_result as feature churn_probability.
INSERT INTO feature_drift_result
WITH edges AS (
    SELECT list_distinct(quantile_cont(probability, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])) AS e FROM {{$.T.TreeScores}}
), binned AS (
    SELECT 'train' AS side, len(list_filter(edges.e, x -> x < probability)) AS bin FROM {{$.T.TreeScores}}, edges
    UNION ALL
    SELECT 'current', len(list_filter(edges.e, x -> x < churn_probability)) FROM churn_result, edges
), n AS (
    SELECT count(*) FILTER (WHERE side = 'train') AS n_train, count(*) FILTER (WHERE side = 'current') AS n_cur FROM binned
), shares AS (
    SELECT bin, greatest(count(*) FILTER (WHERE side = 'train') / max(n_train), 0.0001) AS e,
        greatest(count(*) FILTER (WHERE side = 'current') / max(n_cur), 0.0001) AS a
    FROM binned, n GROUP BY bin
)
SELECT 'churn', 'churn_probability', round(sum((a - e) * ln(a / e)), 12), (SELECT n_train FROM n), (SELECT n_cur FROM n) FROM shares;
