package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/etl/demodata"
)

// TestDAGOrder: every job comes after the jobs it needs, needs only known jobs, and says what it
// makes (crmwh run's help is built from the Doc).
func TestDAGOrder(t *testing.T) {
	seen := map[string]bool{}
	for _, j := range DAG {
		if j.Doc == "" || j.run == nil {
			t.Errorf("job %s: Doc %q, run set %v", j.Name, j.Doc, j.run != nil)
		}
		for _, n := range j.Needs {
			if !seen[n] {
				t.Errorf("job %s needs %s, which does not come before it", j.Name, n)
			}
		}
		if seen[j.Name] {
			t.Errorf("job %s twice", j.Name)
		}
		seen[j.Name] = true
	}
}

func TestPlan(t *testing.T) {
	for _, c := range []struct {
		names   []string
		only    bool
		nightly []string
		want    string
		err     string
	}{
		{nil, false, nil, strings.Join(Nightly, " "), ""},
		{[]string{"rfm"}, false, nil, "extract load marts checks rfm", ""},
		{[]string{"rfm"}, true, nil, "rfm", ""},
		{[]string{"lake"}, false, nil, strings.Join(slices.DeleteFunc(slices.Clone(Nightly), func(j string) bool { return j == "report" }), " "), ""},
		{[]string{"publish", "marts"}, true, nil, "marts publish", ""},
		{[]string{"churn", "clv"}, false, nil, "extract load marts checks clv churn", ""},
		{nil, false, []string{"rfm", "publish"}, "extract load marts checks rfm abc clv lifecycle cluster churn assoc campaigns service loyalty care publish", ""},
		{[]string{"bogus"}, false, nil, "", `unknown job "bogus"`},
	} {
		got, err := Plan(c.names, c.only, c.nightly)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Plan(%v, %v): error %v, want %q", c.names, c.only, err, c.err)
			}
			continue
		}
		if err != nil || strings.Join(got, " ") != c.want {
			t.Errorf("Plan(%v, %v, %v) = %v (%v), want %s", c.names, c.only, c.nightly, got, err, c.want)
		}
	}
}

// smallEnv is an environment on 200 generated customers.
func smallEnv(t *testing.T) *Env {
	t.Helper()
	src := filepath.Join(t.TempDir(), "src")
	if _, err := demodata.Generate(context.Background(), demodata.Options{Customers: 200, Seed: 3, End: day1, Dir: src}); err != nil {
		t.Fatal(err)
	}
	env := newEnv(t, src)
	env.Config.Mining.Churn.MinLeaf = 5
	env.Config.Jobs.Retries = 0
	env.Config.Jobs.Backoff = configs.Duration(10 * time.Millisecond)
	return env
}

func statuses(sum *Summary) map[string]string {
	out := map[string]string{}
	for _, j := range sum.Jobs {
		out[j.Job] = j.Status
	}
	return out
}

// A failed job skips what needs it and nothing else; its alert reaches the command and the
// webhook; a retry after a failure succeeds; a timeout fails the job.
func TestRunFailuresRetriesAlerts(t *testing.T) {
	env := smallEnv(t)
	var mu sync.Mutex
	var hooks []map[string]string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]string
		_ = json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		hooks = append(hooks, m)
		mu.Unlock()
	}))
	defer srv.Close()
	alertFile := filepath.Join(t.TempDir(), "alerts.txt")
	env.Config.Alerts.Webhook = srv.URL
	env.Config.Alerts.Command = `echo "$CRMWH_RUN_ID $CRMWH_JOB $CRMWH_AS_OF $CRMWH_ERROR" >> ` + alertFile

	// clv fails every attempt; rfm fails its first attempt only and has a retry.
	one := 1
	env.Config.Jobs.Overrides = map[string]configs.JobSettings{"rfm": {Retries: &one}}
	env.BeforeJob = func(job string, attempt int) error {
		if job == "clv" || (job == "rfm" && attempt == 1) {
			return errors.New("planted failure")
		}
		return nil
	}
	sum, err := Run(context.Background(), env, day1, nil)
	if err == nil || !strings.Contains(err.Error(), "job clv: planted failure") {
		t.Fatalf("error %v, want clv's", err)
	}
	var order []string
	for _, j := range sum.Jobs {
		order = append(order, j.Job)
	}
	if !slices.Equal(order, Nightly) {
		t.Errorf("jobs ran in order %v, want %v", order, Nightly)
	}
	want := map[string]string{"clv": "failed", "publish": "skipped", "lake": "skipped", "report": "skipped"}
	for _, j := range Nightly {
		w := want[j]
		if w == "" {
			w = "succeeded"
		}
		if got := statuses(sum)[j]; got != w {
			t.Errorf("%s: %s, want %s", j, got, w)
		}
	}
	for _, j := range sum.Jobs {
		if j.Job == "rfm" && j.Attempts != 2 {
			t.Errorf("rfm took %d attempts, want 2 (a failure, then a retry that succeeds)", j.Attempts)
		}
	}
	db := open(t, env)
	if n := count(t, db, "SELECT count(*) FROM ops.job_runs WHERE run_id = ? AND job = 'rfm' AND attempts = 2 AND status = 'succeeded'", sum.RunID); n != 1 {
		t.Errorf("ops.job_runs does not record rfm's two attempts")
	}
	if n := count(t, db, "SELECT count(*) FROM ops.job_runs WHERE run_id = ? AND job = 'publish' AND status = 'skipped' AND error LIKE '%clv did not succeed%'", sum.RunID); n != 1 {
		t.Errorf("ops.job_runs does not say why publish was skipped")
	}
	db.Close()
	b, _ := os.ReadFile(alertFile)
	if got := strings.TrimSpace(string(b)); got != sum.RunID+" clv 2026-06-30 planted failure" {
		t.Errorf("alert command got %q", got)
	}
	mu.Lock()
	if len(hooks) != 1 || hooks[0]["job"] != "clv" || hooks[0]["run_id"] != sum.RunID || hooks[0]["error"] != "planted failure" {
		t.Errorf("webhook got %v", hooks)
	}
	mu.Unlock()

	// A timeout fails the job and skips what needs it.
	env.BeforeJob = nil
	ns := configs.Duration(time.Nanosecond)
	env.Config.Jobs.Overrides = map[string]configs.JobSettings{"marts": {Timeout: &ns}}
	sum, err = Run(context.Background(), env, day1, []string{"marts", "lake"})
	if err == nil || !strings.Contains(err.Error(), "timed out") || statuses(sum)["lake"] != "skipped" {
		t.Errorf("timeout: %v, %v", err, statuses(sum))
	}
}

// A backfill over a week publishes seven as-of dates.
func TestBackfillWeek(t *testing.T) {
	env := smallEnv(t)
	plan, err := Plan(nil, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	for d := 0; d < 7; d++ {
		if _, err := Run(context.Background(), env, day1.AddDate(0, 0, d-6), plan); err != nil {
			t.Fatal(err)
		}
	}
	db := open(t, env)
	if n := count(t, db, "SELECT count(DISTINCT as_of) FROM ops.job_runs WHERE job = 'publish' AND status = 'succeeded'"); n != 7 {
		t.Errorf("%d as-of dates published, want 7", n)
	}
	if n := count(t, db, "SELECT count(DISTINCT as_of) FROM scores.model_runs WHERE method = 'rfm'"); n != 7 {
		t.Errorf("%d as-of dates of RFM, want 7", n)
	}
	if n := count(t, db, "SELECT count(*) FROM scores.customer_scores WHERE as_of <> DATE '2026-06-30'"); n != 0 {
		t.Errorf("the published scores are not the last date's")
	}
}
