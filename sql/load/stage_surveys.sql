-- Types and checks one landing partition of surveys (view raw_surveys). The optional store_id,
-- employee_id and order_id say what the survey is about.
-- load/stage.sql stages these rows with the checks against other tables.
CREATE OR REPLACE TEMP VIEW typed_surveys AS
WITH t AS (
    SELECT _row, _malformed, txt(survey_id) AS survey_id, txt(customer_id) AS customer_id, txt(survey_ts) AS ts_raw,
        txt(expected_score) AS expected_raw, txt(perceived_score) AS perceived_raw,
        txt(store_id) AS store_id, txt(employee_id) AS employee_id, txt(order_id) AS order_id
    FROM raw_surveys
), r AS (
    SELECT *, to_ts(ts_raw) AS survey_ts, TRY_CAST(expected_raw AS DOUBLE) AS expected_score,
        TRY_CAST(perceived_raw AS DOUBLE) AS perceived_score
    FROM t
), c AS (
    SELECT *, CASE
        WHEN _malformed <> '' THEN unreadable(_malformed)
        WHEN survey_id IS NULL THEN ['missing_required', 'survey_id is empty']
        WHEN customer_id IS NULL THEN ['missing_required', 'customer_id is empty']
        WHEN ts_raw IS NULL THEN ['missing_required', 'survey_ts is empty']
        WHEN expected_raw IS NULL THEN ['missing_required', 'expected_score is empty']
        WHEN perceived_raw IS NULL THEN ['missing_required', 'perceived_score is empty']
        WHEN survey_ts IS NULL THEN ['unparsable_date', 'survey_ts ' || q(ts_raw) || ' is not a timestamp']
        WHEN expected_score IS NULL OR isnan(expected_score) THEN ['invalid_number', 'expected_score ' || q(expected_raw) || ' is not a number']
        WHEN perceived_score IS NULL OR isnan(perceived_score) THEN ['invalid_number', 'perceived_score ' || q(perceived_raw) || ' is not a number']
        WHEN expected_score <= 0 THEN ['invalid_value', 'expected_score ' || expected_raw || ' is not positive']
        WHEN perceived_score < 0 THEN ['invalid_value', 'perceived_score ' || perceived_raw || ' is negative']
    END AS rj
    FROM r
)
SELECT _row, survey_id, customer_id, survey_ts, expected_score, perceived_score, store_id, employee_id, order_id,
    rj[1] AS reason, rj[2] AS detail
FROM c;
