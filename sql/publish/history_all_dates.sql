-- The as-of dates recorded in the score history, in order.
SELECT as_of FROM scores.score_history_dates ORDER BY as_of;
