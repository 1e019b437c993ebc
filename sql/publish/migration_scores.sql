-- The scores at {{.Date}} (scores_as_of) in the temp table {{.Table}}, for the migrations the
-- publish keeps: a date compared twice (into it and from it) is read from the history once.
CREATE OR REPLACE TEMP TABLE {{.Table}} AS SELECT * FROM scores_as_of(DATE {{quote .Date}});
