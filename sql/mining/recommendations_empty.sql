-- At category level there are no product recommendations: an empty result replaces any left
-- from an earlier product-level run, so the saved table never mixes levels.
CREATE OR REPLACE TEMP TABLE recommendations_result AS
SELECT * EXCLUDE (run_id, as_of) FROM mining.recommendations WITH NO DATA;
