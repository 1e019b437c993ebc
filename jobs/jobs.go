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

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/etl"
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
}

// LakeDir is the data lake under the data directory.
func (e *Env) LakeDir() string { return filepath.Join(e.DataDir, "lake") }

// WarehousePath is the DuckDB file under the data directory.
func (e *Env) WarehousePath() string { return filepath.Join(e.DataDir, warehouse.FileName) }

// OpenWarehouse opens the warehouse for writing with the configured limits.
func (e *Env) OpenWarehouse(ctx context.Context) (*warehouse.DB, error) {
	return warehouse.Open(ctx, e.WarehousePath(), warehouse.Options{
		MemoryLimit: e.Config.Warehouse.MemoryLimit,
		Threads:     e.Config.Warehouse.Threads,
		TempDir:     filepath.Join(e.DataDir, "tmp"),
	})
}

// JobResult is one job's outcome in a run.
type JobResult struct {
	Job                     string
	Status                  string // succeeded, failed or skipped
	Started, Ended          time.Time
	Read, Written, Rejected int64
	Err                     error
}

// Summary is a run's outcome: its jobs and what extraction and loading did.
type Summary struct {
	RunID     string
	AsOf      time.Time
	Jobs      []JobResult
	Extracted []etl.Extracted
	Loaded    []etl.LoadStats
}

// Nightly is the default sequence of jobs, in order.
var Nightly = []string{"extract", "load", "marts", "rfm", "abc", "clv", "lifecycle", "cluster", "churn", "assoc", "publish", "lake"}

type job func(ctx context.Context, r *runState) (read, written, rejected int64, err error)

var registry = map[string]job{
	"extract":   extractJob,
	"load":      loadJob,
	"marts":     martsJob,
	"rfm":       rfmJob,
	"abc":       abcJob,
	"clv":       clvJob,
	"lifecycle": lifecycleJob,
	"cluster":   clusterJob,
	"churn":     churnJob,
	"assoc":     assocJob,
	"publish":   publishJob,
	"lake":      lakeJob,
}

type runState struct {
	env    *Env
	db     *warehouse.DB
	sum    *Summary
	mining *sql.Conn // the mining input of the run, built by the first mining job
}

// Run runs the named jobs (all of Nightly when none are named) in Nightly's order for asOf. A
// failed job stops the run; the jobs after it are recorded as skipped.
func Run(ctx context.Context, env *Env, asOf time.Time, names []string) (*Summary, error) {
	if len(names) == 0 {
		names = Nightly
	}
	for _, n := range names {
		if _, ok := registry[n]; !ok {
			return nil, fmt.Errorf("unknown job %q (jobs: %s)", n, strings.Join(Nightly, ", "))
		}
	}
	db, err := env.OpenWarehouse(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Close()

	sum := &Summary{RunID: NewRunID(), AsOf: asOf}
	st := &runState{env: env, db: db, sum: sum}
	defer st.close()
	// The history is written even when the run is cancelled: that is when it matters most.
	hist := context.WithoutCancel(ctx)
	var failed error
	for _, name := range Nightly {
		if !slices.Contains(names, name) {
			continue
		}
		res := JobResult{Job: name, Started: time.Now().UTC()}
		if failed != nil {
			res.Status, res.Ended = "skipped", res.Started
			sum.Jobs = append(sum.Jobs, res)
			if err := record(hist, db, sum, res); err != nil {
				return sum, errors.Join(failed, err)
			}
			continue
		}
		if err := record(hist, db, sum, JobResult{Job: name, Status: "running", Started: res.Started}); err != nil {
			return sum, err
		}
		env.Log.Info("job started", "run_id", sum.RunID, "job", name, "as_of", asOf.Format(time.DateOnly))
		if env.OnJob != nil {
			env.OnJob(name, nil)
		}
		res.Read, res.Written, res.Rejected, res.Err = registry[name](ctx, st)
		res.Ended = time.Now().UTC()
		res.Status = "succeeded"
		if res.Err != nil {
			res.Status = "failed"
			failed = fmt.Errorf("job %s: %w", name, res.Err)
			env.Log.Error("job failed", "run_id", sum.RunID, "job", name, "error", res.Err)
		} else {
			env.Log.Info("job succeeded", "run_id", sum.RunID, "job", name, "seconds", res.Ended.Sub(res.Started).Seconds())
		}
		sum.Jobs = append(sum.Jobs, res)
		if env.OnJob != nil {
			env.OnJob(name, &res)
		}
		if err := record(hist, db, sum, res); err != nil {
			return sum, errors.Join(failed, err)
		}
	}
	return sum, failed
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
	_, err := db.ExecContext(ctx, `DELETE FROM ops.job_runs WHERE run_id = ? AND job = ?`, sum.RunID, r.Job)
	if err == nil {
		_, err = db.ExecContext(ctx, `INSERT INTO ops.job_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sum.RunID, r.Job, sum.AsOf, r.Status, r.Started, ended, r.Read, r.Written, r.Rejected, errText)
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
	src := configs.Resolve(r.env.DataDir, r.env.Config.Source.Dir)
	if _, err := os.Stat(src); err != nil {
		return 0, 0, 0, fmt.Errorf("source directory: %w (generate demo data with `crmwh generate`, or set source.dir)", err)
	}
	ex, err := etl.ExtractCSV(ctx, src, r.env.LakeDir(), r.sum.AsOf, r.env.Log)
	if err != nil {
		return 0, 0, 0, err
	}
	r.sum.Extracted = ex
	var rows int64
	for _, e := range ex {
		rows += e.Rows
	}
	return rows, rows, 0, nil
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

// martsJob rebuilds fact_customer_month in one transaction, in chunks of customers so that memory
// stays bounded at any scale.
func martsJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, 0, err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	var customers int64
	if err := tx.QueryRowContext(ctx, "SELECT count(DISTINCT customer_id) FROM dim_customer").Scan(&customers); err != nil {
		return 0, 0, 0, err
	}
	chunks := max(1, (customers+int64(r.env.Config.Marts.ChunkCustomers)-1)/int64(r.env.Config.Marts.ChunkCustomers))
	for _, v := range []string{
		"SET VARIABLE as_of = DATE " + warehouse.Quote(r.sum.AsOf.Format(time.DateOnly)),
		fmt.Sprintf("SET VARIABLE chunks = %d", chunks),
	} {
		if _, err := tx.ExecContext(ctx, v); err != nil {
			return 0, 0, 0, err
		}
	}
	if _, err := warehouse.RunScript(ctx, tx, "marts/customer_month_prepare.sql", nil); err != nil {
		return 0, 0, 0, err
	}
	var written int64
	for c := int64(0); c < chunks; c++ {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("SET VARIABLE chunk = %d", c)); err != nil {
			return 0, 0, 0, err
		}
		n, err := warehouse.RunScript(ctx, tx, "marts/customer_month_chunk.sql", nil)
		if err != nil {
			return 0, 0, 0, err
		}
		written += n.Inserted
		r.env.Log.Debug("fact_customer_month chunk", "chunk", c+1, "of", chunks, "rows", n.Inserted)
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, 0, fmt.Errorf("commit: %w", err)
	}
	return 0, written, 0, nil
}

func lakeJob(ctx context.Context, r *runState) (int64, int64, int64, error) {
	if !r.env.Config.Warehouse.ParquetCopy {
		return 0, 0, 0, nil
	}
	return 0, 0, 0, r.db.WriteParquetCopy(ctx, r.env.LakeDir())
}
