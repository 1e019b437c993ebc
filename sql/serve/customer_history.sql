-- The customer's categorical scores over time (the score history), latest first, and the
-- numeric ones at each snapshot.
SELECT 'category' AS kind, score, value, valid_from, valid_to, NULL::DOUBLE AS clv, NULL::DOUBLE AS churn_probability, NULL::DOUBLE AS monetary
FROM scores.customer_score_history WHERE customer_id = $1 AND score <> 'customer_key'
UNION ALL
SELECT 'snapshot', NULL, NULL, as_of, NULL, clv, churn_probability, monetary
FROM scores.customer_score_snapshots WHERE customer_id = $1
ORDER BY kind, valid_from DESC, score
