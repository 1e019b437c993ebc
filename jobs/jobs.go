// Package jobs runs crmwh's jobs for an as-of date and keeps their history in ops.job_runs.
package jobs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/crmwh/crmwh/checks"
	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/etl"
	"github.com/crmwh/crmwh/marts"
	"github.com/crmwh/crmwh/warehouse"
)

// Env is what every job works with.
type Env struct {
	Config  *configs.Config
	DataDir string
	Log     *slog.Logger
	// OnJob, if set, is called when a job starts and with its result when it ends (the CLI
	// shows progress with it on a terminal).
	OnJob func(job string, done *JobResult)
	// BeforeJob, if set, runs before each attempt of a job; an error fails the attempt. Tests use
	// it to make a job fail.
	BeforeJob func(job string, attempt int) error
	// ReplaceExport lets the extract replace a landing partition that holds a different export
	// for the same date (crmwh run --replace-export); without it that is an error.
	ReplaceExport bool
	// FullMarts rebuilds the marts in full rather than incrementally (crmwh run --full-marts).
	FullMarts bool
}

// LakeDir is the data lake under the data directory.
func (e *Env) LakeDir() string { return filepath.Join(e.DataDir, "lake") }

// OpenReader opens the warehouse read-only for a reader (crmwh sql, runs, report); while a run
// holds it, the last published snapshot instead, whose manifest is then returned.
func (e *Env) OpenReader(ctx context.Context) (*warehouse.DB, *warehouse.SnapshotManifest, error) {
	db, err := warehouse.Open(ctx, e.WarehousePath(), warehouse.Options{ReadOnly: true})
	if !errors.Is(err, warehouse.ErrLocked) {
		return db, nil, err
	}
	man, dir, snapErr := warehouse.CurrentSnapshot(e.LakeDir())
	if snapErr != nil {
		return nil, nil, err
	}
	db, err = warehouse.Open(ctx, filepath.Join(dir, warehouse.CatalogFile), warehouse.Options{ReadOnly: true})
	return db, man, err
}

// WarehousePath is the DuckDB file under the data directory.
func (e *Env) WarehousePath() string { return filepath.Join(e.DataDir, warehouse.FileName) }

// WarehouseOptions are the configured limits of the warehouse: memory, threads and spill space.
func (e *Env) WarehouseOptions() warehouse.Options {
	w := e.Config.Warehouse
	tmp := w.TempDirectory
	if tmp == "" {
		tmp = "tmp"
	}
	if !filepath.IsAbs(tmp) {
		tmp = filepath.Join(e.DataDir, tmp)
	}
	return warehouse.Options{MemoryLimit: w.MemoryLimit, Threads: w.Threads, TempDir: tmp, MaxTempSize: w.MaxTempDirectorySize}
}

// OpenWarehouse opens the warehouse for writing with the configured limits.
func (e *Env) OpenWarehouse(ctx context.Context) (*warehouse.DB, error) {
	return warehouse.Open(ctx, e.WarehousePath(), e.WarehouseOptions())
}

// JobResult is one job's outcome in a run.
type JobResult struct {
	Job                     string
	Status                  string // succeeded, failed or skipped
	Started, Ended          time.Time
	Read, Written, Rejected int64
	Attempts                int
	Err                     error
}

// Summary is a run's outcome: its jobs and what extraction and loading did.
type Summary struct {
	RunID     string
	AsOf      time.Time
	Jobs      []JobResult
	Extracted []etl.Extracted
	Loaded    []etl.LoadStats
	Checks    []checks.Result
}

// Job is a node of the DAG: a job and the jobs whose results it needs.
type Job struct {
	Name  string
	Needs []string
	Doc   string // one line for crmwh run's help: what the job makes
	run   job
}

// DAG is every job, in an order that respects the needs (the order a run takes them in).
var DAG = []Job{
	{"extract", nil, "copy the source export into the landing zone (lake/raw/<table>/load_date=<as-of>/)", extractJob},
	{"load", []string{"extract"}, "validate and load it into the star schema; bad rows go to ops.etl_rejects", loadJob},
	{"marts", []string{"load"}, "build fact_customer_month as of the date (incrementally unless --full-marts)", martsJob},
	{"checks", []string{"load", "marts"}, "data checks on the star schema and marts, ops.data_checks; config checks", checksJob},
	{"rfm", []string{"checks"}, "recency, frequency, monetary scores and segments, mining.rfm", rfmJob},
	{"abc", []string{"checks"}, "Pareto classes A, B, C by revenue, mining.abc", abcJob},
	{"clv", []string{"checks"}, "BG/NBD + Gamma-Gamma lifetime value and quadrant, mining.clv", clvJob},
	{"lifecycle", []string{"checks"}, "lifecycle stage and decline warning, mining.lifecycle", lifecycleJob},
	{"cluster", []string{"checks"}, "k-means segments with profiles and labels, mining.cluster", clusterJob},
	{"churn", []string{"checks"}, "decision tree of who is lost, trained on history, mining.churn", churnJob},
	{"assoc", []string{"checks"}, "FP-growth association rules and recommendations", assocJob},
	{"campaigns", []string{"checks"}, "campaign response, ROI and uplift against a control group", campaignsJob},
	{"service", []string{"checks"}, "satisfaction (CSI), complaints and their link to repurchase and churn", serviceJob},
	{"loyalty", []string{"checks"}, "loyalty index and type, referrals, membership tiers", loyaltyJob},
	{"care", []string{"checks"}, "care lists: birthdays, anniversaries, service due, missed appointments, complaints", careJob},
	{"publish", []string{"rfm", "abc", "clv", "lifecycle", "cluster", "churn", "assoc", "campaigns", "service", "loyalty", "care"}, "replace the scores tables with the results, in one transaction; score history", publishJob},
	{"lake", []string{"marts", "publish"}, "publish the star schema and the scores as a Parquet snapshot", lakeJob},
	{"report", []string{"publish"}, "the customer value report (HTML and Excel) in lake/reports/<as-of>/", reportJob},
}

// Nightly is every job, in DAG order.
var Nightly = func() []string {
	var names []string
	for _, j := range DAG {
		names = append(names, j.Name)
	}
	return names
}()

type job func(ctx context.Context, r *runState) (read, written, rejected int64, err error)

func lookup(name string) (Job, bool) {
	for _, j := range DAG {
		if j.Name == name {
			return j, true
		}
	}
	return Job{}, false
}

// Plan returns the jobs to run, in DAG order: the named ones and, unless only, every job they
// need, directly or not; with no names, the config's nightly list (all jobs when empty).
func Plan(names []string, only bool, nightly []string) ([]string, error) {
	if len(names) == 0 {
		names, only = nightly, false
		if len(names) == 0 {
			return slices.Clone(Nightly), nil
		}
	}
	want := map[string]bool{}
	var add func(n string) error
	add = func(n string) error {
		j, ok := lookup(n)
		if !ok {
			return fmt.Errorf("unknown job %q (jobs: %s)", n, strings.Join(Nightly, ", "))
		}
		if want[n] {
			return nil
		}
		want[n] = true
		if !only {
			for _, d := range j.Needs {
				if err := add(d); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, n := range names {
		if err := add(n); err != nil {
			return nil, err
		}
	}
	var plan []string
	for _, j := range DAG {
		if want[j.Name] {
			plan = append(plan, j.Name)
		}
	}
	return plan, nil
}

type runState struct {
	env    *Env
	db     *warehouse.DB
	sum    *Summary
	mining *sql.Conn // the mining input of the run, built by the first mining job
}

// Run runs the planned jobs (names, as Plan returns them; nil means the nightly plan) in DAG
// order for asOf. A job is tried again after a failure as the config says, within its timeout;
// a job that still fails is alerted, and every job that needs it, directly or not, is skipped,
// while independent jobs go on. Jobs left "running" by a process that died are marked failed
// first. The caller holds the run lock.
func Run(ctx context.Context, env *Env, asOf time.Time, names []string) (*Summary, error) {
	plan := names
	if plan == nil {
		var err error
		if plan, err = Plan(nil, false, env.Config.Jobs.Nightly); err != nil {
			return nil, err
		}
	}
	for _, n := range plan {
		if _, ok := lookup(n); !ok {
			return nil, fmt.Errorf("unknown job %q (jobs: %s)", n, strings.Join(Nightly, ", "))
		}
	}
	db, err := env.OpenWarehouse(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := markInterrupted(ctx, db); err != nil {
		return nil, err
	}

	sum := &Summary{RunID: NewRunID(), AsOf: asOf}
	st := &runState{env: env, db: db, sum: sum}
	defer st.close()
	// The history is written even when the run is cancelled: that is when it matters most.
	hist := context.WithoutCancel(ctx)
	var failures []error
	notDone := map[string]bool{} // failed or skipped
	for _, name := range plan {
		j, _ := lookup(name)
		res := JobResult{Job: name, Started: time.Now().UTC()}
		var blocked []string
		for _, d := range j.Needs {
			if notDone[d] {
				blocked = append(blocked, d)
			}
		}
		if len(blocked) > 0 || ctx.Err() != nil {
			res.Status, res.Ended = "skipped", res.Started
			if len(blocked) > 0 {
				res.Err = fmt.Errorf("skipped: %s did not succeed", strings.Join(blocked, ", "))
			} else {
				res.Err = fmt.Errorf("skipped: %w", ctx.Err())
			}
			notDone[name] = true
			sum.Jobs = append(sum.Jobs, res)
			if err := record(hist, db, sum, res); err != nil {
				return sum, errors.Join(append(failures, err)...)
			}
			continue
		}
		if err := record(hist, db, sum, JobResult{Job: name, Status: "running", Started: res.Started, Attempts: 1}); err != nil {
			return sum, err
		}
		env.Log.Info("job started", "run_id", sum.RunID, "job", name, "as_of", asOf.Format(time.DateOnly))
		if env.OnJob != nil {
			env.OnJob(name, nil)
		}
		res.Read, res.Written, res.Rejected, res.Attempts, res.Err = st.attempt(ctx, j)
		res.Ended = time.Now().UTC()
		res.Status = "succeeded"
		if res.Err != nil {
			res.Status = "failed"
			notDone[name] = true
			failures = append(failures, fmt.Errorf("job %s: %w", name, res.Err))
			env.Log.Error("job failed", "run_id", sum.RunID, "job", name, "attempts", res.Attempts, "error", res.Err)
			alert(hist, env, sum, name, res.Err.Error())
		} else {
			env.Log.Info("job succeeded", "run_id", sum.RunID, "job", name, "seconds", res.Ended.Sub(res.Started).Seconds())
		}
		sum.Jobs = append(sum.Jobs, res)
		if env.OnJob != nil {
			env.OnJob(name, &res)
		}
		if err := record(hist, db, sum, res); err != nil {
			return sum, errors.Join(append(failures, err)...)
		}
	}
	if len(failures) == 0 {
		if err := advanceWatermarks(hist, db, sum); err != nil {
			return sum, err
		}
	}
	return sum, errors.Join(failures...)
}

// attempt runs a job, again after a failure as many times as the config allows, waiting the
// backoff (doubled each time) in between, each attempt within the job's timeout.
func (r *runState) attempt(ctx context.Context, j Job) (read, written, rejected int64, attempts int, err error) {
	retries, backoff, timeout := r.env.Config.Jobs.Settings(j.Name)
	for attempts = 1; ; attempts++ {
		jctx, cancel := ctx, context.CancelFunc(func() {})
		if timeout > 0 {
			jctx, cancel = context.WithTimeout(ctx, timeout)
		}
		err = nil
		if r.env.BeforeJob != nil {
			err = r.env.BeforeJob(j.Name, attempts)
		}
		if err == nil {
			read, written, rejected, err = j.run(jctx, r)
		}
		timedOut := errors.Is(jctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
		cancel()
		if timedOut {
			err = fmt.Errorf("timed out after %s: %w", timeout, err)
		}
		if err == nil || attempts > retries || ctx.Err() != nil || permanent(err) {
			return read, written, rejected, attempts, err
		}
		wait := backoff << (attempts - 1)
		r.env.Log.Warn("job failed; trying again", "run_id", r.sum.RunID, "job", j.Name, "attempt", attempts, "wait", wait, "error", err)
		select {
		case <-ctx.Done():
			return read, written, rejected, attempts, errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// permanent says whether err is about the data, which another attempt would find the same (a
// model-input guard, a failed data check): such a job is not retried.
func permanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// markInterrupted fails the jobs a dead process left running: the caller holds the run lock, so
// no live run owns them.
func markInterrupted(ctx context.Context, db *warehouse.DB) error {
	if _, err := warehouse.RunScript(ctx, db, "ops/mark_interrupted.sql", nil); err != nil {
		return fmt.Errorf("mark interrupted runs: %w", err)
	}
	return nil
}

func (r *runState) close() {
	if r.mining != nil {
		r.mining.Close()
	}
}

// record inserts or updates the job's row in ops.job_runs.
func record(ctx context.Context, db *warehouse.DB, sum *Summary, r JobResult) error {
	var errText any
	if r.Err != nil {
		errText = r.Err.Error()
	}
	var ended any
	if !r.Ended.IsZero() {
		ended = r.Ended
	}
	del, err := warehouse.Render("ops/job_run_delete.sql", nil)
	if err != nil {
		return err
	}
	ins, err := warehouse.Render("ops/job_run_insert.sql", nil)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, del, sum.RunID, r.Job)
	if err == nil {
		_, err = db.ExecContext(ctx, ins, sum.RunID, r.Job, sum.AsOf, r.Status, r.Started, ended, r.Read, r.Written,
			r.Rejected, errText, r.Attempts)
	}
	if err != nil {
		return fmt.Errorf("record job %s in ops.job_runs: %w", r.Job, err)
	}
	return nil
}

// NewRunID is a sortable, unique run id: UTC time and a random suffix.
func NewRunID() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	return time.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b)
}

func extractJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	last, err := Watermarks(ctx, r.db)
	if err != nil {
		return 0, 0, 0, err
	}
	ex, err := ExtractTo(ctx, r.env, r.env.LakeDir(), r.sum.AsOf, last)
	if err != nil {
		return 0, 0, 0, err
	}
	r.sum.Extracted = ex
	var rows int64
	for _, e := range ex {
		rows += e.Rows
		if e.Replaced == "" {
			continue
		}
		r.env.Log.Warn("landing partition replaced by a different export", "table", e.Table, "was", e.Replaced, "now", e.SHA256)
		q, err := warehouse.Render("ops/replaced_export_insert.sql", nil)
		if err == nil {
			_, err = r.db.ExecContext(ctx, q, r.sum.RunID, r.sum.AsOf, e.Table, e.Replaced, e.SHA256)
		}
		if err != nil {
			return 0, 0, 0, fmt.Errorf("record the replaced export of %s: %w", e.Table, err)
		}
	}
	return rows, rows, 0, nil
}

// ExtractTo extracts the configured source into the landing zone lakeDir for asOf; last are
// the watermarks of an incremental source.
func ExtractTo(ctx context.Context, env *Env, lakeDir string, asOf time.Time, last map[string]string) ([]etl.Extracted, error) {
	switch src := env.Config.Source; src.Type {
	case "postgres":
		return etl.ExtractPostgres(ctx, etl.PostgresSource{DSN: src.DSN, Schema: src.Schema, Watermark: src.Watermark},
			lakeDir, asOf, last, env.Log)
	case "files":
		ex, err := etl.ExtractMapped(ctx, src, configs.Resolve(env.DataDir, src.Dir), lakeDir, asOf)
		for _, e := range ex {
			if e.SourceRows > e.Rows && !e.Reused {
				env.Log.Info("mapping kept part of the files' rows", "table", e.Table, "source_rows", e.SourceRows, "kept", e.Rows)
			}
		}
		return ex, err
	default:
		dir := configs.Resolve(env.DataDir, src.Dir)
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("source directory: %w (generate demo data with `crmwh generate`, or set source.dir)", err)
		}
		l := src.Limits
		return etl.ExtractCSV(ctx, dir, lakeDir, asOf, etl.CSVOptions{
			Limits:  etl.Limits{MaxFieldBytes: l.MaxFieldBytes, MaxLineBytes: l.MaxLineBytes, MaxRowLines: l.MaxRowLines},
			Replace: env.ReplaceExport,
		}, env.Log)
	}
}

// Watermarks reads the highest watermark extracted per table by runs that succeeded.
func Watermarks(ctx context.Context, db *warehouse.DB) (map[string]string, error) {
	out := map[string]string{}
	err := warehouse.ForEachRow(ctx, db, "ops/watermarks.sql", nil, nil, func(rows *sql.Rows) error {
		var t, w string
		if err := rows.Scan(&t, &w); err != nil {
			return err
		}
		out[t] = w
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read watermarks: %w", err)
	}
	return out, nil
}

// advanceWatermarks records the watermarks extracted by a run once it has succeeded: a failed
// run's rows are extracted again by the next run.
func advanceWatermarks(ctx context.Context, db *warehouse.DB, sum *Summary) error {
	type mark struct{ Table, Watermark string }
	var marks []mark
	for _, e := range sum.Extracted {
		if e.WatermarkTo != "" {
			marks = append(marks, mark{e.Table, e.WatermarkTo})
		}
	}
	if len(marks) == 0 {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if _, err := warehouse.RunScript(ctx, tx, "ops/advance_watermarks.sql", map[string]any{
		"Marks": marks, "RunID": sum.RunID, "AsOf": sum.AsOf.Format(time.DateOnly)}); err != nil {
		return fmt.Errorf("advance watermarks: %w", err)
	}
	return tx.Commit()
}

func loadJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	stats, err := etl.Load(ctx, r.db, r.env.LakeDir(), r.sum.AsOf, r.sum.RunID)
	if err != nil {
		return 0, 0, 0, err
	}
	r.sum.Loaded = stats
	var read, loaded, rejected int64
	for _, s := range stats {
		read, loaded, rejected = read+s.Read, loaded+s.Loaded, rejected+s.Rejected
	}
	return read, loaded, rejected, nil
}

// martsJob rebuilds fact_customer_month (marts.CustomerMonth): incrementally unless the config
// or the run asks for a full rebuild.
func martsJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	full := r.env.FullMarts || !r.env.Config.Marts.Incremental
	b, err := marts.CustomerMonth(ctx, r.db, r.sum.AsOf, r.env.Config.Marts.ChunkCustomers, full, r.sum.RunID, r.env.Log)
	if err == nil {
		r.env.Log.Info("fact_customer_month built", "run_id", r.sum.RunID, "mode", b.Mode, "customers_rebuilt", b.Customers, "rows", b.Rows)
	}
	return 0, b.Rows, 0, err
}

func lakeJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	if !r.env.Config.Warehouse.ParquetCopy {
		return 0, 0, 0, nil
	}
	return 0, 0, 0, r.db.PublishSnapshot(ctx, r.env.LakeDir(), r.sum.RunID, r.sum.AsOf.Format(time.DateOnly))
}
