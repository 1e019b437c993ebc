-- The customer's published scores now (every column of scores.customer_scores).
SELECT * EXCLUDE (run_id, customer_key) FROM scores.customer_scores WHERE customer_id = $1
