package jobs

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmwh/crmwh/etl/demodata"
)

// A demo backfilled month by month over nine months: every churn run whose horizon has passed
// has back-test rows; their AUC is close to the hold-out AUC measured when the model was
// trained; the deciles add up to the scored customers; and AUC and Brier score equal
// scikit-learn's on the same predictions and outcomes, with the outcomes counted here from the
// sales and visits.
func TestChurnBacktest(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: nine nightly runs")
	}
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import sklearn").Run(); err != nil {
		t.Fatal("python3-sklearn is missing (`make test` installs it)")
	}
	src := filepath.Join(t.TempDir(), "src")
	if _, err := demodata.Generate(context.Background(), demodata.Options{Customers: 3000, Seed: 17, End: day1, Dir: src}); err != nil {
		t.Fatal(err)
	}
	env := newEnv(t, src)
	env.Config.Warehouse.ParquetCopy = false
	dates, err := BackfillDates(day1.AddDate(0, -8, -day1.Day()+1), day1, "month")
	if err != nil || len(dates) != 9 {
		t.Fatalf("dates %v %v", dates, err)
	}
	for _, d := range dates {
		run(t, env, d)
	}
	horizon := env.Config.Mining.Churn.HorizonDays
	db := open(t, env)
	var evaluated int
	for _, d := range dates {
		if d.AddDate(0, 0, horizon).After(day1) {
			continue
		}
		evaluated++
		day := d.Format(time.DateOnly)
		var auc, brier, holdout float64
		var scored, deciles int64
		if err := db.QueryRow(`SELECT
				(SELECT value FROM scores.model_monitoring WHERE method = 'churn' AND trained_as_of = CAST(? AS DATE) AND metric = 'auc'),
				(SELECT value FROM scores.model_monitoring WHERE method = 'churn' AND trained_as_of = CAST(? AS DATE) AND metric = 'brier'),
				(SELECT CAST(metrics->>'auc' AS DOUBLE) FROM scores.model_runs WHERE method = 'churn' AND as_of = CAST(? AS DATE)),
				(SELECT count(*) FROM scores.customer_score_snapshots WHERE as_of = CAST(? AS DATE) AND churn_probability IS NOT NULL),
				(SELECT sum(value) FROM scores.model_monitoring WHERE method = 'churn' AND trained_as_of = CAST(? AS DATE)
					AND metric = 'customers' AND segment LIKE 'decile %')`, day, day, day, day, day).Scan(&auc, &brier, &holdout, &scored, &deciles); err != nil {
			t.Fatalf("%s: %v", day, err)
		}
		t.Logf("%s: back-test AUC %.4f (hold-out at training %.4f), Brier %.4f, %d customers", day, auc, holdout, brier, scored)
		// The hold-out at training is 30% of the few hundred customers a small demo trains on:
		// its AUC alone moves by a few hundredths by chance, so the two agree within 0.08.
		if math.Abs(auc-holdout) > 0.08 {
			t.Errorf("%s: back-test AUC %.4f, hold-out AUC %.4f", day, auc, holdout)
		}
		if deciles != scored || scored == 0 {
			t.Errorf("%s: deciles count %d customers, %d were scored", day, deciles, scored)
		}
		// The same predictions, with outcomes counted here, through scikit-learn.
		file := filepath.Join(t.TempDir(), "backtest.csv")
		if _, err := db.Exec(fmt.Sprintf(`COPY (
			SELECT s.churn_probability AS p,
				CASE WHEN s.customer_id IN (
					SELECT c.customer_id FROM fact_sales f JOIN dim_customer c USING (customer_key)
					WHERE f.order_status = 'completed' AND CAST(f.order_ts AS DATE) > DATE '%[1]s' AND CAST(f.order_ts AS DATE) <= DATE '%[1]s' + %[2]d
					UNION
					SELECT c.customer_id FROM fact_interaction x JOIN dim_customer c USING (customer_key)
					WHERE x.interaction_type = 'service visit' AND CAST(x.interaction_ts AS DATE) > DATE '%[1]s'
						AND CAST(x.interaction_ts AS DATE) <= DATE '%[1]s' + %[2]d)
				THEN 0 ELSE 1 END AS y
			FROM scores.customer_score_snapshots s WHERE s.as_of = DATE '%[1]s' AND s.churn_probability IS NOT NULL
			) TO '%[3]s' (HEADER)`, day, horizon, file)); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(py, "-c", `import sys, csv
from sklearn.metrics import roc_auc_score, brier_score_loss
rows = list(csv.DictReader(open(sys.argv[1])))
p = [float(r["p"]) for r in rows]; y = [int(r["y"]) for r in rows]
print(repr(roc_auc_score(y, p)), repr(brier_score_loss(y, p)))`, file).CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		f := strings.Fields(string(out))
		wantAUC, _ := strconv.ParseFloat(f[0], 64)
		wantBrier, _ := strconv.ParseFloat(f[1], 64)
		if math.Abs(auc-wantAUC) > 1e-9 || math.Abs(brier-wantBrier) > 1e-9 {
			t.Errorf("%s: AUC %.12f and Brier %.12f; scikit-learn %.12f and %.12f", day, auc, brier, wantAUC, wantBrier)
		}
		os.Remove(file)
	}
	if evaluated < 3 {
		t.Fatalf("%d runs old enough to back-test, want at least 3", evaluated)
	}
	if n := count(t, db, "SELECT count(DISTINCT trained_as_of) FROM scores.model_monitoring WHERE method = 'churn' AND metric = 'auc'"); n != int64(evaluated) {
		t.Errorf("back-tests for %d dates, want %d", n, evaluated)
	}
	// The model not in use is back-tested too, on the same customers.
	if n := count(t, db, `SELECT count(*) FROM scores.model_monitoring c JOIN scores.model_monitoring o USING (trained_as_of, metric, segment)
			WHERE c.method = 'churn' AND o.method = 'churn_challenger' AND c.metric = 'customers' AND c.segment = 'all'
				AND c.value = o.value AND o.value > 0`); n != int64(evaluated) {
		t.Errorf("challenger back-tests on the same customers for %d dates, want %d", n, evaluated)
	}

	// CLV: every earlier month end is back-tested over the part of its horizon that has passed;
	// the repeat purchase days that happened equal a count from the sales; the deciles add up to
	// the totals; and the predicted total is within 10% of what happened (windows of 60+ days).
	rows, err := db.Query(`SELECT trained_as_of, window_days,
			max(value) FILTER (WHERE metric = 'predicted_purchases' AND segment = 'all'),
			max(value) FILTER (WHERE metric = 'actual_purchases' AND segment = 'all'),
			sum(value) FILTER (WHERE metric = 'predicted_purchases' AND segment LIKE 'decile %'),
			sum(value) FILTER (WHERE metric = 'actual_purchases' AND segment LIKE 'decile %'),
			max(value) FILTER (WHERE metric = 'corr_purchases')
		FROM scores.model_monitoring WHERE method = 'clv' GROUP BY ALL ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	clvDates := 0
	for rows.Next() {
		var d time.Time
		var window int
		var pred, act, predDec, actDec, corr float64
		if err := rows.Scan(&d, &window, &pred, &act, &predDec, &actDec, &corr); err != nil {
			t.Fatal(err)
		}
		clvDates++
		day := d.Format(time.DateOnly)
		t.Logf("%s, %d days: %.1f repeat purchase days predicted, %.0f happened (ratio %.3f, correlation per customer %.3f)", day, window, pred, act, pred/act, corr)
		want := count(t, db, fmt.Sprintf(`WITH days AS (
				SELECT DISTINCT c.customer_id, CAST(f.order_ts AS DATE) AS day FROM fact_sales f JOIN dim_customer c USING (customer_key)
				WHERE f.order_status = 'completed')
			SELECT count(*) FROM days
			WHERE day > DATE '%[1]s' AND day <= DATE '%[1]s' + %[2]d
				AND customer_id IN (SELECT customer_id FROM days WHERE day <= DATE '%[1]s')
				AND customer_id IN (SELECT customer_id FROM scores.customer_score_snapshots WHERE as_of = DATE '%[1]s' AND p_alive IS NOT NULL)`, day, window))
		if int64(act) != want || math.Abs(predDec-pred) > 1e-6*pred || actDec != act {
			t.Errorf("%s: %.0f purchases happened, the sales say %d; deciles %.3f and %.0f against %.3f and %.0f", day, act, want, predDec, actDec, pred, act)
		}
		if window >= 60 && math.Abs(pred/act-1) > 0.10 {
			t.Errorf("%s: predicted %.1f repeat purchase days over %d days, %.0f happened", day, pred, window, act)
		}
	}
	if clvDates != len(dates)-1 {
		t.Errorf("%d CLV back-tests, want one per earlier month end (%d)", clvDates, len(dates)-1)
	}
}
