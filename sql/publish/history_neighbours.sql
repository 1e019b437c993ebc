-- Before a date is recorded: the recorded as-of dates just before and just after it (NULL when
-- there is none), and the latest of all (the date itself when it is re-run as the latest).
SELECT (SELECT max(as_of) FROM scores.score_history_dates WHERE as_of < CAST(? AS DATE)),
    (SELECT min(as_of) FROM scores.score_history_dates WHERE as_of > CAST(? AS DATE)),
    (SELECT max(as_of) FROM scores.score_history_dates WHERE ? IS NOT NULL);
