-- Records that a run replaced a landing partition with a different export (--replace-export),
-- so the run history shows it.
INSERT INTO ops.replaced_exports VALUES (?, ?, ?, ?, ?, now()::TIMESTAMP);
