package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(b) == 0 {
			lines = nil
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
