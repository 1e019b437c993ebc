-- Churn back-test of {{.Method}} ({{.Column}}): for every recorded as-of date d with a numeric
-- snapshot (month ends, the latest) whose horizon has passed (d + {{.Horizon}} <= {{.AsOf}}), the
-- churn probabilities (and, for the model in use, the risk bands) scored at d against what
-- happened: churned = neither a purchase nor a service visit in the {{.Horizon}} days after d,
-- the churn job's own label. The outcome is final once the horizon has passed, so each run is
-- back-tested once (again only when its date was re-run: another model run id); a re-run of
-- the publish changes nothing.
CREATE OR REPLACE TEMP TABLE backtest_churn AS
WITH dates AS (
    SELECT DISTINCT s.as_of AS d FROM scores.customer_score_snapshots AS s
    WHERE s.as_of + {{.Horizon}} <= DATE {{quote .AsOf}}
        AND NOT EXISTS (
            SELECT 1 FROM scores.model_monitoring AS m
            WHERE m.method = {{quote .Method}} AND m.trained_as_of = s.as_of
                AND m.model_run_id = (SELECT max(run_id) FROM scores.model_runs AS r WHERE r.method = 'churn' AND r.as_of = s.as_of))
), scored AS (
    SELECT d.d, s.customer_id, s.{{ident .Column}} AS p, h.value AS band
    FROM dates AS d
    JOIN scores.customer_score_snapshots AS s ON s.as_of = d.d
    LEFT JOIN scores.customer_score_history AS h ON h.customer_id = s.customer_id AND h.score = 'churn_risk'
        AND h.valid_from <= d.d AND (h.valid_to IS NULL OR h.valid_to > d.d)
    WHERE s.{{ident .Column}} IS NOT NULL
), span AS (
    -- the days an outcome can fall on: after the first date, up to the last date's horizon (none
    -- on most nights, when every date is back-tested already: then no activity is read)
    SELECT min(d) + 1 AS lo, max(d) + {{.Horizon}} + 1 AS hi FROM dates
), activity AS (
    SELECT c.customer_id, CAST(f.order_ts AS DATE) AS day
    FROM fact_sales AS f JOIN dim_customer AS c USING (customer_key), span
    WHERE f.order_status IN ({{range $i, $s := .Statuses}}{{if $i}}, {{end}}{{quote $s}}{{end}})
        AND f.order_ts >= span.lo AND f.order_ts < span.hi
    UNION
    SELECT c.customer_id, CAST(x.interaction_ts AS DATE)
    FROM fact_interaction AS x JOIN dim_customer AS c USING (customer_key), span
    WHERE x.interaction_type = 'service visit' AND x.interaction_ts >= span.lo AND x.interaction_ts < span.hi
)
SELECT s.*, NOT EXISTS (
        SELECT 1 FROM activity AS a WHERE a.customer_id = s.customer_id AND a.day > s.d AND a.day <= s.d + {{.Horizon}}
    ) AS churned
FROM scored AS s;

DELETE FROM scores.model_monitoring
WHERE method = {{quote .Method}} AND trained_as_of IN (SELECT DISTINCT d FROM backtest_churn);

INSERT INTO scores.model_monitoring BY NAME
WITH b AS (
    SELECT *, CAST(churned AS INTEGER) AS y,
        -- average ranks of the probabilities, for the rank-sum (Mann-Whitney) ROC AUC
        rank() OVER (PARTITION BY d ORDER BY p) + (count(*) OVER (PARTITION BY d, p) - 1) / 2.0 AS r,
        ntile(10) OVER (PARTITION BY d ORDER BY p DESC, customer_id) AS decile
    FROM backtest_churn
), totals AS (
    SELECT d, count(*) AS n, sum(y) AS pos, avg(y) AS rate,
        (sum(r) FILTER (WHERE y = 1) - sum(y) * (sum(y) + 1) / 2.0) / nullif(sum(y) * (count(*) - sum(y)), 0) AS auc,
        avg((p - y) * (p - y)) AS brier
    FROM b GROUP BY d
), deciles AS (
    SELECT d, decile, count(*) AS n, avg(p) AS mean_p, avg(y) AS rate FROM b GROUP BY d, decile
), bands AS (
    SELECT b.d, coalesce(b.band, '(none)') AS band, sum(b.y) / count(*) AS precision, sum(b.y) / any_value(t.pos) AS recall
    FROM b JOIN totals AS t USING (d) GROUP BY b.d, b.band
), m AS (
    SELECT d, 'auc' AS metric, 'all' AS segment, auc AS value FROM totals
    UNION ALL SELECT d, 'brier', 'all', brier FROM totals
    UNION ALL SELECT d, 'base_rate', 'all', rate FROM totals
    UNION ALL SELECT d, 'customers', 'all', n FROM totals
    UNION ALL SELECT d, 'churned', 'all', pos FROM totals
    UNION ALL SELECT x.d, 'top_decile_lift', 'all', x.rate / nullif(t.rate, 0) FROM deciles AS x JOIN totals AS t USING (d) WHERE x.decile = 1
    UNION ALL SELECT d, 'mean_predicted', 'decile ' || decile, mean_p FROM deciles
    UNION ALL SELECT d, 'observed_rate', 'decile ' || decile, rate FROM deciles
    UNION ALL SELECT d, 'customers', 'decile ' || decile, n FROM deciles
{{- if .Bands}}
    UNION ALL SELECT d, 'precision', band, precision FROM bands
    UNION ALL SELECT d, 'recall', band, recall FROM bands
{{- end}}
)
SELECT {{quote .Method}} AS method,
    (SELECT max(run_id) FROM scores.model_runs AS r WHERE r.method = 'churn' AND r.as_of = m.d) AS model_run_id,
    m.d AS trained_as_of, DATE {{quote .AsOf}} AS evaluated_as_of, {{.Horizon}} AS window_days,
    -- rounded: a parallel average's last bits depend on the order, and a re-run must not
    m.metric, m.segment, round(CAST(m.value AS DOUBLE), 12) AS value
FROM m;
