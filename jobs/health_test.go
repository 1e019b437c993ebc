package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crmwh/crmwh/etl/demodata"
)

// A planted drift (surveys scoring 3 points lower over the last 90 days) raises the
// satisfaction features' PSI above the threshold and calls the alert command with the
// numbers; the same demo without it calls nothing.
func TestModelHealthAlerts(t *testing.T) {
	for _, planted := range []bool{false, true} {
		opt := demodata.Options{Customers: 1500, Seed: 23, End: day1, Dir: filepath.Join(t.TempDir(), "src")}
		if planted {
			opt.SatisfactionDropFrom = day1.AddDate(0, 0, -90)
		}
		if _, err := demodata.Generate(context.Background(), opt); err != nil {
			t.Fatal(err)
		}
		env := newEnv(t, opt.Dir)
		env.Config.Warehouse.ParquetCopy = false
		log := filepath.Join(t.TempDir(), "alerts.log")
		env.Config.Alerts.Command = `printf '%s|%s\n' "$CRMWH_JOB" "$CRMWH_ERROR" >> ` + log
		run(t, env, day1)
		b, err := os.ReadFile(log)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		// Every run tells the hooks its report is ready; the rest are the model-health alerts.
		var lines []string
		reports := 0
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if strings.HasPrefix(l, "report|the customer value report as of "+day1.Format(time.DateOnly)+" is ready in ") {
				reports++
			} else if l != "" {
				lines = append(lines, l)
			}
		}
		if reports != 1 {
			t.Errorf("the report was announced %d times, want once: %s", reports, b)
		}
		db := open(t, env)
		var psi float64
		if err := db.QueryRow(`SELECT max(psi) FROM scores.feature_drift WHERE feature IN ('satisfaction', 'last_satisfaction')`).Scan(&psi); err != nil {
			t.Fatal(err)
		}
		db.Close()
		t.Logf("planted %v: satisfaction PSI %.3f, alerts %q", planted, psi, lines)
		if !planted {
			if len(lines) != 0 || psi > env.Config.Alerts.ModelHealth.MaxPSI {
				t.Errorf("no drift planted, yet PSI %.3f and alerts %q", psi, lines)
			}
			continue
		}
		found := false
		for _, l := range lines {
			if strings.HasPrefix(l, "model-health|churn model: ") && strings.Contains(l, "satisfaction drifted, PSI ") {
				found = true
			}
		}
		if psi <= env.Config.Alerts.ModelHealth.MaxPSI || !found {
			t.Errorf("planted drift: PSI %.3f, alerts %q", psi, lines)
		}
	}
}

// With model: logistic the challenger scores the customers: probabilities from it, reasons that
// name features with their values and terms, and the record says so with both models' AUC.
func TestChurnChallengerScores(t *testing.T) {
	env := smallEnv(t)
	env.Config.Mining.Churn.Model = "logistic"
	run(t, env, day1)
	db := open(t, env)
	var chosen string
	var treeAUC, logitAUC, auc float64
	if err := db.QueryRow(`SELECT metrics->>'chosen_model', CAST(metrics->>'tree_auc' AS DOUBLE), CAST(metrics->>'logistic_auc' AS DOUBLE),
		CAST(metrics->>'auc' AS DOUBLE) FROM scores.model_runs WHERE method = 'churn'`).Scan(&chosen, &treeAUC, &logitAUC, &auc); err != nil {
		t.Fatal(err)
	}
	t.Logf("tree AUC %.4f, logistic AUC %.4f", treeAUC, logitAUC)
	if chosen != "logistic" || auc != logitAUC || !(logitAUC > 0.5) {
		t.Errorf("chosen %q, auc %.4f, logistic %.4f", chosen, auc, logitAUC)
	}
	var scored, withReason, bad int64
	if err := db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE churn_reason LIKE '%(+%)%'),
			count(*) FILTER (WHERE NOT churn_probability BETWEEN 0 AND 1)
		FROM scores.customer_scores WHERE churn_probability IS NOT NULL`).Scan(&scored, &withReason, &bad); err != nil {
		t.Fatal(err)
	}
	if scored == 0 || withReason == 0 || bad != 0 {
		t.Errorf("%d scored, %d with a reason naming a feature's term, %d probabilities out of range", scored, withReason, bad)
	}
}
