-- Keeps the numeric snapshots of month ends and of the latest recorded date only.
DELETE FROM scores.customer_score_snapshots
WHERE as_of <> last_day(as_of) AND as_of <> (SELECT max(as_of) FROM scores.score_history_dates);
