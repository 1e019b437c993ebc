package jobs

import (
	"context"
	"strings"

	"github.com/crmwh/crmwh/checks"
)

// checksJob makes the data checks after the load and the marts: a failed check of severity
// error fails the job, so mining and publish are skipped and the last publish stays; failed
// checks of severity warn call the alert hooks, once per run.
func checksJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	results, err := checks.Run(ctx, r.db, checks.List(r.env.Config.Checks), r.sum.AsOf, checks.Options{})
	if err != nil {
		return 0, 0, 0, err
	}
	if err := checks.Record(ctx, r.db, r.sum.RunID, r.sum.AsOf, results); err != nil {
		return 0, 0, 0, err
	}
	r.sum.Checks = results
	var failed []checks.Result
	var warned []string
	for _, c := range results {
		switch c.Status {
		case checks.Fail:
			failed = append(failed, c)
		case checks.Warn:
			r.env.Log.Warn("data check", "check", c.Name, "failing_rows", c.Failing, "detail", c.Detail)
			warned = append(warned, c.String())
		}
	}
	if len(warned) > 0 {
		alert(ctx, r.env, r.sum, "checks", "data checks warn: "+strings.Join(warned, "; "))
	}
	passed := int64(len(results) - len(failed) - len(warned))
	if len(failed) > 0 {
		return int64(len(results)), passed, int64(len(failed) + len(warned)), &checks.Failed{Results: failed}
	}
	return int64(len(results)), passed, int64(len(warned)), nil
}
