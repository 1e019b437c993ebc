-- Records one data check's result of a run in ops.data_checks.
INSERT INTO ops.data_checks VALUES (?, ?, ?, ?, ?, ?, ?, ?, from_json(?::JSON, '["VARCHAR"]'), ?, now()::TIMESTAMP);
