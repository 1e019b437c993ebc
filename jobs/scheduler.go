package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/crmwh/crmwh/configs"
)

// Schedule runs the config's schedules until ctx ends (SIGTERM or SIGINT in the CLI). Each
// firing takes the run lock without waiting, so a firing while a run still holds it is skipped
// (and logged), and runs its jobs for its as-of date. When ctx ends it takes no new firings and
// gives a running run grace to finish; then it cancels it, and the run records its jobs as
// failed or skipped before Schedule returns.
func Schedule(ctx context.Context, env *Env, grace time.Duration) error {
	if len(env.Config.Schedules) == 0 {
		return errors.New("scheduler: the config has no schedules")
	}
	runCtx, cancelRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRuns()
	c := cron.New()
	var mu sync.Mutex
	stopping := false
	for _, sc := range env.Config.Schedules {
		loc := time.UTC
		if sc.TimeZone != "" {
			var err error
			if loc, err = time.LoadLocation(sc.TimeZone); err != nil {
				return fmt.Errorf("scheduler: schedule %q: %w", sc.Name, err)
			}
		}
		spec := sc.Cron
		if !strings.HasPrefix(spec, "@every") {
			spec = "CRON_TZ=" + loc.String() + " " + spec
		}
		plan, err := Plan(sc.Jobs, false, env.Config.Jobs.Nightly)
		if err != nil {
			return fmt.Errorf("scheduler: schedule %q: %w", sc.Name, err)
		}
		if _, err := c.AddFunc(spec, func() {
			mu.Lock()
			stop := stopping
			mu.Unlock()
			if !stop {
				fire(runCtx, env, sc, loc, plan)
			}
		}); err != nil {
			return fmt.Errorf("scheduler: schedule %q: cron %q: %w", sc.Name, sc.Cron, err)
		}
	}
	c.Start()
	for _, e := range c.Entries() {
		env.Log.Info("scheduler: next firing", "at", e.Next)
	}
	<-ctx.Done()
	mu.Lock()
	stopping = true
	mu.Unlock()
	env.Log.Info("scheduler: stopping; no new runs", "grace", grace)
	done := c.Stop().Done()
	select {
	case <-done:
	case <-time.After(grace):
		env.Log.Warn("scheduler: the running run did not finish within the grace period; cancelling it")
		cancelRuns()
		<-done
	}
	env.Log.Info("scheduler: stopped")
	return nil
}

// fire runs one firing of a schedule.
func fire(ctx context.Context, env *Env, sc configs.Schedule, loc *time.Location, plan []string) {
	lock, err := Acquire(ctx, env.DataDir, false)
	var held *HeldError
	if errors.As(err, &held) {
		env.Log.Warn("scheduler: firing skipped: the previous run still holds the lock", "schedule", sc.Name,
			"pid", held.Holder.PID, "since", held.Holder.Since)
		return
	}
	if err != nil {
		env.Log.Error("scheduler: firing failed", "schedule", sc.Name, "error", err)
		return
	}
	defer func() {
		if err := lock.Release(); err != nil {
			env.Log.Error("scheduler: release the run lock", "error", err)
		}
	}()
	now := time.Now().In(loc)
	asOf := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if sc.AsOf != "today" {
		asOf = asOf.AddDate(0, 0, -1)
	}
	env.Log.Info("scheduler: run started", "schedule", sc.Name, "as_of", asOf.Format(time.DateOnly))
	t0 := time.Now()
	sum, err := Run(ctx, env, asOf, plan)
	runID := ""
	if sum != nil {
		runID = sum.RunID
	}
	if err != nil {
		env.Log.Error("scheduler: run failed", "schedule", sc.Name, "run_id", runID, "seconds", time.Since(t0).Seconds(), "error", err)
		return
	}
	env.Log.Info("scheduler: run finished", "schedule", sc.Name, "run_id", runID, "seconds", time.Since(t0).Seconds())
}
