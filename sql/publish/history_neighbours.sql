-- The recorded as-of dates just before and just after a date (NULL when there is none), and the
-- latest of all: before the date is recorded (publish), or after (the report compares with the
-- date before).
SELECT (SELECT max(as_of) FROM scores.score_history_dates WHERE as_of < CAST(? AS DATE)),
    (SELECT min(as_of) FROM scores.score_history_dates WHERE as_of > CAST(? AS DATE)),
    (SELECT max(as_of) FROM scores.score_history_dates WHERE ? IS NOT NULL);
