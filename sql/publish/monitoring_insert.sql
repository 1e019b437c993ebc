-- One figure of a back-test (method, the predicting run, its date, the evaluating date, the
-- window, metric, segment, value).
INSERT INTO scores.model_monitoring VALUES (?, ?, ?, ?, ?, ?, ?, ?);
