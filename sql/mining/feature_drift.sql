-- Population stability index of each churn feature between the rows the model was trained on
-- ({{$.T.ChurnTrain}}, features at as-of − horizon) and tonight's ({{$.T.ChurnScore}}, features at
-- the as-of date). Numeric features are cut at the training rows' deciles, text ones by value;
-- NULL is a bin of its own. PSI = Σ (current − train) × ln(current / train) over the bins, with
-- shares floored at 0.0001 so that an empty bin does not make it infinite. Rounded to 12 decimals:
-- a parallel sum's last bits depend on the order, and a re-run must give the same table.
CREATE OR REPLACE TEMP TABLE feature_drift_result AS
WITH train AS (
    SELECT * FROM {{$.T.ChurnTrain}}
), cur AS (
    SELECT * FROM {{$.T.ChurnScore}}
), binned AS (
{{- range $i, $f := .Numeric}}
    {{if $i}}UNION ALL {{end}}SELECT {{quote $f}} AS feature, side, CASE WHEN v IS NULL THEN '(null)'
        ELSE CAST(len(list_filter(e.edges, x -> x < v)) AS VARCHAR) END AS bin
    FROM (SELECT 'train' AS side, CAST({{ident $f}} AS DOUBLE) AS v FROM train
          UNION ALL SELECT 'current', CAST({{ident $f}} AS DOUBLE) FROM cur) AS s,
         (SELECT list_distinct(quantile_cont(CAST({{ident $f}} AS DOUBLE), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])) AS edges FROM train) AS e
{{- end}}
{{- range $i, $f := .Text}}
    {{if or $i $.Numeric}}UNION ALL {{end}}SELECT {{quote $f}}, side, coalesce(CAST(v AS VARCHAR), '(null)')
    FROM (SELECT 'train' AS side, {{ident $f}} AS v FROM train UNION ALL SELECT 'current', {{ident $f}} FROM cur) AS s
{{- end}}
), shares AS (
    SELECT feature, bin,
        greatest(count(*) FILTER (WHERE side = 'train') / max(n_train), 0.0001) AS e,
        greatest(count(*) FILTER (WHERE side = 'current') / max(n_cur), 0.0001) AS a
    FROM binned,
        (SELECT count(*) AS n_train FROM train) AS nt,
        (SELECT count(*) AS n_cur FROM cur) AS nc
    GROUP BY feature, bin
)
SELECT 'churn' AS model, feature, round(sum((a - e) * ln(a / e)), 12) AS psi,
    (SELECT count(*) FROM train) AS train_rows, (SELECT count(*) FROM cur) AS current_rows
FROM shares GROUP BY feature
ORDER BY feature;
