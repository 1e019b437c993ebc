-- Records the as-of date among the score history's dates (once: a re-run replaces its row).
DELETE FROM scores.score_history_dates WHERE as_of = DATE {{quote .AsOf}};

INSERT INTO scores.score_history_dates VALUES (DATE {{quote .AsOf}}, {{quote .RunID}});
