package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"time"
)

// alert tells the configured command and webhook that a job failed, or (job model-health) what
// the models' health shows. Their own failures are logged: an alert must not fail the run.
func alert(ctx context.Context, env *Env, sum *Summary, job string, message string) {
	a := env.Config.Alerts
	timeout := time.Duration(a.Timeout)
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	asOf := sum.AsOf.Format(time.DateOnly)
	if a.Command != "" {
		cctx, cancel := context.WithTimeout(ctx, timeout)
		cmd := exec.CommandContext(cctx, "sh", "-c", a.Command)
		cmd.Env = append(os.Environ(), "CRMWH_RUN_ID="+sum.RunID, "CRMWH_JOB="+job, "CRMWH_AS_OF="+asOf, "CRMWH_ERROR="+message)
		if out, err := cmd.CombinedOutput(); err != nil {
			env.Log.Error("alert command failed", "run_id", sum.RunID, "job", job, "error", err, "output", string(out))
		}
		cancel()
	}
	if a.Webhook != "" {
		if err := postAlert(ctx, a.Webhook, timeout, map[string]string{
			"run_id": sum.RunID, "job": job, "as_of": asOf, "error": message,
		}); err != nil {
			env.Log.Error("alert webhook failed", "run_id", sum.RunID, "job", job, "error", err)
		}
	}
}

func postAlert(ctx context.Context, url string, timeout time.Duration, body map[string]string) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}
