-- Removes a method's back-test of one prediction date before it is written again.
DELETE FROM scores.model_monitoring WHERE method = ? AND trained_as_of = ?;
