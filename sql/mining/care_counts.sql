-- The care lists' sizes for the model record.
SELECT list, count(*) AS customers FROM care_lists_result GROUP BY list
