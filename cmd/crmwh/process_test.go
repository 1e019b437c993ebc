package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/jobs"
	"github.com/crmwh/crmwh/warehouse"
)

// The tests here run crmwh as a separate process, as the scheduler and cron would.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds crmwh once for the package's tests.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "crmwh-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "crmwh")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// smallData generates a small export and a config pointing at it; it returns the data dir and
// the config path.
func smallData(t *testing.T, customers int, extra string) (string, string) {
	t.Helper()
	data := t.TempDir()
	src := filepath.Join(data, "src")
	if _, err := demodata.Generate(context.Background(), demodata.Options{Customers: customers, Seed: 5,
		End: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), DirtyRate: 0.01, Dir: src}); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(data, "crmwh.yaml")
	body := "source:\n  dir: src\nwarehouse:\n  memory_limit: 1GB\nmining:\n  churn:\n    min_leaf: 5\n  cluster:\n    k: 3\n" + extra
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return data, cfg
}

// One run at a time: while another process holds the lock, run fails saying who holds it, and
// --wait waits for it.
func TestRunLock(t *testing.T) {
	bin := binary(t)
	data, cfg := smallData(t, 100, "")
	lock, err := jobs.Acquire(context.Background(), data, false)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--config", cfg, "--data", data, "run", "--as-of", "2026-06-30").CombinedOutput()
	if err == nil || !strings.Contains(string(out), fmt.Sprintf("holds the run lock: pid %d", os.Getpid())) {
		t.Fatalf("a second run: %v\n%s", err, out)
	}
	waiting := exec.Command(bin, "--config", cfg, "--data", data, "run", "--as-of", "2026-06-30", "--wait")
	var buf strings.Builder
	waiting.Stdout, waiting.Stderr = &buf, &buf
	if err := waiting.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}
	if err := waiting.Wait(); err != nil || !strings.Contains(buf.String(), "status=succeeded") {
		t.Fatalf("run --wait: %v\n%s", err, buf.String())
	}
	// A backfill over three days from the command line: three runs, each published.
	out, err = exec.Command(bin, "--config", cfg, "--data", data, "run", "--from", "2026-06-28", "--to", "2026-06-30").CombinedOutput()
	if err != nil || strings.Count(string(out), "status=succeeded") != 3 {
		t.Fatalf("backfill: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "--config", cfg, "--data", data, "runs").CombinedOutput()
	if err != nil || strings.Count(string(out), "succeeded") < 4 {
		t.Errorf("runs: %v\n%s", err, out)
	}
}

// The scheduler fires an @every 2s schedule and stops cleanly on SIGTERM.
func TestSchedulerFiresAndStops(t *testing.T) {
	bin := binary(t)
	data, cfg := smallData(t, 100, "schedules:\n  - name: test\n    cron: \"@every 2s\"\n    as_of: today\n")
	cmd := exec.Command(bin, "--config", cfg, "--data", data, "--log-format", "json", "--log-level", "info", "scheduler", "--grace", "20s")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var log []string
	deadline := time.After(90 * time.Second)
	finished := false
	for !finished {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the scheduler ended early:\n%s", strings.Join(log, "\n"))
			}
			log = append(log, l)
			finished = strings.Contains(l, "scheduler: run finished")
		case <-deadline:
			cmd.Process.Kill()
			t.Fatalf("no run finished within 90 s:\n%s", strings.Join(log, "\n"))
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		for l := range lines {
			log = append(log, l)
		}
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the scheduler exited with %v", err)
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the scheduler did not stop within 60 s of SIGTERM")
	}
	all := strings.Join(log, "\n")
	if !strings.Contains(all, "scheduler: stopped") {
		t.Errorf("no clean stop in the log:\n%s", all)
	}
	db, err := warehouse.Open(context.Background(), filepath.Join(data, warehouse.FileName), warehouse.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var running int
	if err := db.QueryRow("SELECT count(*) FROM ops.job_runs WHERE status = 'running'").Scan(&running); err != nil || running != 0 {
		t.Errorf("%d jobs left running after the stop (%v)", running, err)
	}
}

// fingerprint is every table's row count and an order-independent checksum of its content,
// without run ids (they differ between runs by design) and without the run history.
func fingerprint(t *testing.T, path string) map[string]string {
	t.Helper()
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT schema_name || '.' || table_name FROM duckdb_tables()
		WHERE NOT temporary AND schema_name <> 'ops' AND table_name <> 'model_runs' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	tables = append(tables, "ops.etl_rejects")
	fp := map[string]string{}
	for _, name := range tables {
		var n int64
		var sum string
		q := fmt.Sprintf(`SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR
			FROM (SELECT COLUMNS(c -> c NOT LIKE '%%run_id') FROM %s) AS t`, name)
		if err := db.QueryRow(q).Scan(&n, &sum); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fp[name] = fmt.Sprintf("%d rows, %s", n, sum)
	}
	return fp
}

// checkSnapshot reads the published snapshot as a reader would and reports what is wrong with
// it: every table must have its manifest's rows, and the scores must be the manifest's run.
func checkSnapshot(lake string) (bool, string) {
	man, dir, err := warehouse.CurrentSnapshot(lake)
	if err != nil {
		return false, "" // nothing published yet
	}
	db, err := sql.Open("duckdb", filepath.Join(dir, warehouse.CatalogFile)+"?access_mode=read_only")
	if err != nil {
		return true, "open catalog: " + err.Error()
	}
	defer db.Close()
	for table, want := range man.Tables {
		var n int64
		if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			if _, statErr := os.Stat(dir); statErr != nil {
				return false, "" // pruned while reading: a newer snapshot replaced it
			}
			return true, fmt.Sprintf("%s: %v", table, err)
		}
		if n != want {
			return true, fmt.Sprintf("%s has %d rows, its manifest %d", table, n, want)
		}
	}
	var other int64
	if err := db.QueryRow("SELECT count(*) FROM scores.customer_scores WHERE run_id <> ?", man.RunID).Scan(&other); err != nil || other != 0 {
		return true, fmt.Sprintf("customer_scores of another run than the snapshot's: %d rows (%v)", other, err)
	}
	return true, ""
}

// Crash safety: SIGKILL at random moments, then a re-run; the warehouse ends as an uninterrupted
// run leaves it, every time, and a reader polling the published snapshot never sees a mix.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: 20 killed runs, about 40 s")
	}
	bin := binary(t)
	data, cfg := smallData(t, 150, "jobs:\n  retries: 0\n")
	run := func(dir string) *exec.Cmd {
		return exec.Command(bin, "--config", cfg, "--data", dir, "run", "--as-of", "2026-06-30")
	}
	// The uninterrupted run, in a directory of its own.
	ref := filepath.Join(t.TempDir(), "ref")
	if err := os.MkdirAll(ref, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(data, "src"), filepath.Join(ref, "src")); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	if out, err := run(ref).CombinedOutput(); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	full := time.Since(t0)
	want := fingerprint(t, filepath.Join(ref, warehouse.FileName))

	// A reader polls the published snapshot throughout.
	stop := make(chan struct{})
	var mu sync.Mutex
	var problems []string
	reads := 0
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(30 * time.Millisecond):
			}
			ok, problem := checkSnapshot(filepath.Join(data, "lake"))
			mu.Lock()
			if ok {
				reads++
			}
			if problem != "" {
				problems = append(problems, problem)
			}
			mu.Unlock()
		}
	}()

	rng := rand.New(rand.NewPCG(7, 7))
	for trial := range 20 {
		cmd := run(data)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.Int64N(int64(full)))
		time.Sleep(delay)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		if out, err := run(data).CombinedOutput(); err != nil {
			t.Fatalf("trial %d (killed after %s): the re-run failed: %v\n%s", trial, delay, err, out)
		}
		got := fingerprint(t, filepath.Join(data, warehouse.FileName))
		for table, w := range want {
			if got[table] != w {
				t.Errorf("trial %d (killed after %s): %s is %s, want %s", trial, delay, table, got[table], w)
			}
		}
		if len(got) != len(want) {
			t.Errorf("trial %d: %d tables, want %d", trial, len(got), len(want))
		}
	}
	close(stop)
	wg.Wait()
	if len(problems) > 0 {
		t.Errorf("the reader saw a partial publish %d times, first: %s", len(problems), problems[0])
	}
	if reads == 0 {
		t.Error("the reader never read a published snapshot")
	}
	t.Logf("full run %s; the reader checked %d published snapshots", full, reads)
	// The interrupted runs are recorded as failed, none left running.
	db, err := warehouse.Open(context.Background(), filepath.Join(data, warehouse.FileName), warehouse.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var running, interrupted int
	if err := db.QueryRow(`SELECT count(*) FILTER (WHERE status = 'running'), count(*) FILTER (WHERE error LIKE 'interrupted%')
		FROM ops.job_runs`).Scan(&running, &interrupted); err != nil {
		t.Fatal(err)
	}
	if running != 0 {
		t.Errorf("%d jobs left running", running)
	}
	t.Logf("%d interrupted jobs recorded as failed", interrupted)
}

// TestServeDuringRuns runs `crmwh serve` and, in another process, two nightly runs: the SQL
// endpoint answers throughout, switches to each new snapshot, and neither process waits for
// the other.
func TestServeDuringRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the binary and runs two nightly runs beside the server")
	}
	bin := binary(t)
	data, cfg := smallData(t, 1500, "serve:\n  refresh: 200ms\n")
	if out, err := exec.Command(bin, "--config", cfg, "--data", data, "run", "--as-of", "2026-06-28").CombinedOutput(); err != nil {
		t.Fatalf("first run: %v\n%s", err, out)
	}
	add := exec.Command(bin, "--config", cfg, "--data", data, "user", "add", "ann", "--role", "analyst", "--password-stdin")
	add.Stdin = strings.NewReader("analyst-pass\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	pgPort, webPort := freePort(t), freePort(t)
	srv := exec.Command(bin, "--config", cfg, "--data", data, "serve",
		"--pg-addr", fmt.Sprintf("127.0.0.1:%d", pgPort), "--http-addr", fmt.Sprintf("127.0.0.1:%d", webPort))
	var srvOut strings.Builder
	srv.Stdout, srv.Stderr = &srvOut, &srvOut
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		if err := srv.Wait(); err != nil {
			t.Errorf("serve after SIGTERM: %v\n%s", err, srvOut.String())
		}
	}()
	ctx := context.Background()
	dsn := fmt.Sprintf("postgres://ann:analyst-pass@127.0.0.1:%d/crmwh?sslmode=disable", pgPort)
	var conn *pgx.Conn
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var err error
		if conn, err = pgx.Connect(ctx, dsn); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve does not answer: %v\n%s", err, srvOut.String())
		}
	}
	defer conn.Close(ctx)

	runs := make(chan error, 1)
	go func() {
		for _, day := range []string{"2026-06-29", "2026-06-30"} {
			if out, err := exec.Command(bin, "--config", cfg, "--data", data, "run", "--as-of", day).CombinedOutput(); err != nil {
				runs <- fmt.Errorf("run %s: %v\n%s", day, err, out)
				return
			}
		}
		runs <- nil
	}()
	seen := map[string]bool{}
	queries := 0
	for done := false; !done; {
		select {
		case err := <-runs:
			if err != nil {
				t.Fatal(err)
			}
			done = true
		default:
		}
		var asOf time.Time
		var n int64
		if err := conn.QueryRow(ctx, `SELECT max(s.as_of), count(*) FROM scores.customer_scores s
			JOIN dim_customer c ON c.customer_key = s.customer_key`).Scan(&asOf, &n); err != nil {
			t.Fatalf("query %d during the runs: %v\n%s", queries+1, err, srvOut.String())
		}
		seen[asOf.Format(time.DateOnly)] = true
		queries++
	}
	// The last snapshot is picked up within the refresh interval.
	for deadline := time.Now().Add(10 * time.Second); !seen["2026-06-30"] && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var asOf time.Time
		if err := conn.QueryRow(ctx, "SELECT max(as_of) FROM scores.customer_scores").Scan(&asOf); err != nil {
			t.Fatal(err)
		}
		seen[asOf.Format(time.DateOnly)] = true
	}
	if !seen["2026-06-28"] || !seen["2026-06-30"] {
		t.Errorf("as-of dates served: %v, want 2026-06-28 through 2026-06-30", seen)
	}
	t.Logf("%d queries answered during two runs; as-of dates seen: %v", queries, seen)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
