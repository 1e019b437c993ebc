package serve_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/csv"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/xuri/excelize/v2"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/jobs"
	"github.com/crmwh/crmwh/serve"
	"github.com/crmwh/crmwh/warehouse"
)

// The fixture: a demo warehouse of 1,000 customers run and published once, three users, and a
// server on free loopback ports.
var fx struct {
	env      *jobs.Env
	asOf     time.Time
	srv      *serve.Server
	pgAddr   string
	webURL   string
	setupErr error
}

var users = map[string][2]string{ // name: role, password
	"ann":  {serve.RoleAnalyst, "analyst-password"},
	"root": {serve.RoleAdmin, "admin-password"},
	"mia":  {serve.RoleMarketing, "marketing-password"},
}

func TestMain(m *testing.M) {
	stop, err := setup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve tests: setup:", err)
		os.Exit(1)
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

func setup() (func(), error) {
	tmp, err := os.MkdirTemp("", "crmwh-serve-")
	if err != nil {
		return nil, err
	}
	cfg, err := configs.Default()
	if err != nil {
		return nil, err
	}
	src := filepath.Join(tmp, "src")
	fx.asOf = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	if _, err := demodata.Generate(context.Background(), demodata.Options{Customers: 1000, Seed: 7,
		Start: fx.asOf.AddDate(-3, 0, 0), End: fx.asOf.AddDate(0, 0, 1), Dir: src}); err != nil {
		return nil, err
	}
	cfg.Source.Dir = src
	cfg.Warehouse.MemoryLimit = "1GB"
	cfg.Mining.Churn.MinLeaf = 20
	cfg.Serve.MemoryLimit = "512MB"
	cfg.Serve.Refresh = configs.Duration(time.Hour) // the tests refresh by hand
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	fx.env = &jobs.Env{Config: cfg, DataDir: filepath.Join(tmp, "data"), Log: log}
	// A month earlier first, so that the score history has two dates to compare.
	for _, d := range []time.Time{fx.asOf.AddDate(0, 0, -30), fx.asOf} {
		if _, err := jobs.Run(context.Background(), fx.env, d, nil); err != nil {
			return nil, err
		}
	}
	access := serve.NewAccess(fx.env.DataDir)
	for name, u := range users {
		if err := access.AddUser(context.Background(), name, u[0], u[1]); err != nil {
			return nil, err
		}
	}
	pg, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	web, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	fx.pgAddr, fx.webURL = pg.Addr().String(), "http://"+web.Addr().String()
	if fx.srv, err = serve.New(fx.env.DataDir, cfg, log); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fx.srv.Serve(ctx, pg, web) }()
	return func() {
		cancel()
		<-done
		os.RemoveAll(tmp)
	}, nil
}

func dsn(user, password string) string {
	host, port, _ := net.SplitHostPort(fx.pgAddr)
	return fmt.Sprintf("postgres://%s:%s@%s:%s/crmwh?sslmode=disable", url.PathEscape(user), url.PathEscape(password), host, port)
}

func connect(t *testing.T, user string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), dsn(user, users[user][1]))
	if err != nil {
		t.Fatalf("connect as %s: %v", user, err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// inProcess opens the published clear catalog directly, the reference for the endpoint's answers.
func inProcess(t *testing.T) *sql.DB {
	t.Helper()
	_, dir, err := warehouse.CurrentSnapshot(filepath.Join(fx.env.DataDir, "lake"))
	if err != nil {
		t.Fatal(err)
	}
	// A copy of the catalog: DuckDB refuses a second, differently configured instance of the
	// same file in one process. Its views name the snapshot's Parquet files by absolute path.
	b, err := os.ReadFile(filepath.Join(dir, warehouse.CatalogFile))
	if err != nil {
		t.Fatal(err)
	}
	cat := filepath.Join(t.TempDir(), warehouse.CatalogFile)
	if err := os.WriteFile(cat, b, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", cat+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSignIn(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		user, password, want string
	}{
		{"ann", "analyst-password", ""},
		{"root", "admin-password", ""},
		{"ann", "wrong-password", `password authentication failed for user "ann"`},
		{"nobody", "analyst-password", `password authentication failed for user "nobody"`},
		{"ann", "", `password authentication failed`},
		{"mia", "marketing-password", "marketing role"},
	} {
		t.Run(tc.user+"/"+tc.password, func(t *testing.T) {
			c, err := pgx.Connect(ctx, dsn(tc.user, tc.password))
			if tc.want == "" {
				if err != nil {
					t.Fatalf("sign-in refused: %v", err)
				}
				var n int
				if err := c.QueryRow(ctx, "SELECT 1").Scan(&n); err != nil || n != 1 {
					t.Errorf("SELECT 1 = %d, %v", n, err)
				}
				c.Close(ctx)
				return
			}
			if err == nil {
				c.Close(ctx)
				t.Fatalf("signed in, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want %q", err, tc.want)
			}
		})
	}
}

// A typical star join: revenue by region and product category in one year.
const starJoin = `SELECT c.region, p.category, count(*) AS lines, sum(f.net_amount) AS revenue, min(d.date) AS first_day
FROM fact_sales f
JOIN dim_customer c USING (customer_key)
JOIN dim_product p USING (product_key)
JOIN dim_date d USING (date_key)
WHERE d.year = 2025 AND f.order_status = 'completed'
GROUP BY ALL ORDER BY revenue DESC, c.region, p.category`

func TestQueriesMatchInProcess(t *testing.T) {
	ctx := context.Background()
	conn := connect(t, "ann")
	ref := inProcess(t)

	type row struct {
		region, category string
		lines            int64
		revenue          string
		first            time.Time
	}
	var got, want []row
	rows, err := conn.Query(ctx, starJoin)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r row
		var rev pgtype.Numeric
		if err := rows.Scan(&r.region, &r.category, &r.lines, &rev, &r.first); err != nil {
			t.Fatal(err)
		}
		r.revenue = numericText(rev)
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// The types clients see: text, text, int8, numeric, date.
	var oids []uint32
	for _, f := range rows.FieldDescriptions() {
		oids = append(oids, f.DataTypeOID)
	}
	if wantOIDs := []uint32{pgtype.TextOID, pgtype.TextOID, pgtype.Int8OID, pgtype.NumericOID, pgtype.DateOID}; fmt.Sprint(oids) != fmt.Sprint(wantOIDs) {
		t.Errorf("column types %v, want %v", oids, wantOIDs)
	}
	refRows, err := ref.QueryContext(ctx, "SELECT region, category, lines, revenue::VARCHAR, first_day FROM ("+starJoin+")")
	if err != nil {
		t.Fatal(err)
	}
	for refRows.Next() {
		var r row
		if err := refRows.Scan(&r.region, &r.category, &r.lines, &r.revenue, &r.first); err != nil {
			t.Fatal(err)
		}
		want = append(want, r)
	}
	refRows.Close()
	if len(want) < 10 {
		t.Fatalf("the reference has %d rows; the fixture is too small", len(want))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("endpoint:\n%v\nin-process:\n%v", got, want)
	}

	// Parameters (pgx binds them in binary), and the other common types.
	var n int64
	var avg float64
	var consent bool
	var ts time.Time
	if err := conn.QueryRow(ctx, `SELECT count(*), avg(quantity)::DOUBLE, bool_or(true), max(order_ts)
		FROM fact_sales WHERE order_status = $1 AND quantity >= $2`, "completed", 2).Scan(&n, &avg, &consent, &ts); err != nil {
		t.Fatal(err)
	}
	var refN int64
	if err := ref.QueryRowContext(ctx, "SELECT count(*) FROM fact_sales WHERE order_status = 'completed' AND quantity >= 2").Scan(&refN); err != nil {
		t.Fatal(err)
	}
	if n != refN || n == 0 || avg < 2 || !consent || ts.IsZero() {
		t.Errorf("parameterized query: count %d (want %d), avg %v, bool %v, ts %v", n, refN, avg, consent, ts)
	}
	// Parameters in text format with unspecified types, as JDBC and libpq send them.
	res := conn.PgConn().ExecParams(ctx, "SELECT count(*) FROM fact_sales WHERE order_status = $1 AND quantity >= $2",
		[][]byte{[]byte("completed"), []byte("2")}, []uint32{0, 0}, []int16{0, 0}, []int16{0}).Read()
	if res.Err != nil || len(res.Rows) != 1 || string(res.Rows[0][0]) != fmt.Sprint(refN) {
		t.Errorf("text parameters: %v %q, want %d", res.Err, res.Rows, refN)
	}
}

func numericText(n pgtype.Numeric) string {
	if !n.Valid {
		return "NULL"
	}
	r := new(big.Rat).SetInt(n.Int)
	if n.Exp < 0 {
		r.Quo(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-n.Exp)), nil)))
	} else {
		r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n.Exp)), nil)))
	}
	return r.FloatString(2)
}

// snapshotState lists every file of the data directory but access.duckdb with its size and
// modification time: a refused statement must change none of them.
func snapshotState(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(fx.env.DataDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(filepath.Base(p), serve.AccessFile) {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %d %d\n", p, fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestForbiddenStatements(t *testing.T) {
	ctx := context.Background()
	conn := connect(t, "root") // even an admin cannot write
	_, snapDir, err := warehouse.CurrentSnapshot(filepath.Join(fx.env.DataDir, "lake"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	before := snapshotState(t)
	for _, tc := range []struct{ stmt, want string }{
		{"CREATE TABLE x (a INTEGER)", "CREATE statements are not allowed"},
		{"CREATE TEMP TABLE x AS SELECT 1", "CREATE statements are not allowed"},
		{"CREATE VIEW v AS SELECT 1", "CREATE statements are not allowed"},
		{"INSERT INTO dim_store VALUES ('s', 'n', 'c', 'r')", "INSERT statements are not allowed"},
		{"UPDATE dim_customer SET name = 'x'", "UPDATE statements are not allowed"},
		{"DELETE FROM fact_sales", "DELETE statements are not allowed"},
		{"DROP VIEW fact_sales", "DROP statements are not allowed"},
		{"ALTER VIEW fact_sales RENAME TO f", "ALTER statements are not allowed"},
		{"COPY fact_sales TO '" + out + "/sales.csv'", "Permission Error"},
		{"COPY (SELECT * FROM dim_customer) TO '" + out + "/c.parquet' (FORMAT parquet)", "Permission Error"},
		{"COPY dim_store FROM '/etc/passwd'", "COPY statements are not allowed"},
		{"EXPORT DATABASE '" + out + "/db'", "Permission Error"},
		{"ATTACH '" + out + "/x.duckdb' AS x", "ATTACH statements are not allowed"},
		{"DETACH catalog", "DETACH statements are not allowed"},
		{"INSTALL httpfs", "INSTALL/LOAD statements are not allowed"},
		{"LOAD httpfs", "INSTALL/LOAD statements are not allowed"},
		{"SET threads = 1", "SET of engine options is not allowed"},
		{"SET enable_external_access = true", "SET of engine options is not allowed"},
		{"RESET lock_configuration", "SET of engine options is not allowed"},
		{"PRAGMA enable_profiling", "not allowed"},
		{"CHECKPOINT", "not allowed"},
		{"SELECT * FROM read_csv('/etc/passwd')", "Permission Error"},
		{"SELECT * FROM read_text('/etc/hostname')", "Permission Error"},
		{"SELECT * FROM glob('/etc/*')", "Permission Error"},
		{"SELECT * FROM read_parquet('" + filepath.Join(filepath.Dir(snapDir), "..", "..", "warehouse.duckdb") + "')", "Permission Error"},
	} {
		t.Run(tc.stmt, func(t *testing.T) {
			rows, err := conn.Query(ctx, tc.stmt)
			if err == nil {
				for rows.Next() {
				}
				rows.Close()
				err = rows.Err()
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
	if after := snapshotState(t); after != before {
		t.Errorf("refused statements changed the data directory:\nbefore\n%s\nafter\n%s", before, after)
	}
	if entries, _ := os.ReadDir(out); len(entries) > 0 {
		t.Errorf("refused statements wrote %d files", len(entries))
	}
	// The connection is still usable afterwards.
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM dim_store").Scan(&n); err != nil || n == 0 {
		t.Errorf("after the refusals: %d stores, %v", n, err)
	}
	// Client housekeeping statements are answered: transactions and session settings.
	for _, st := range []string{"BEGIN", "SET application_name = 'report'", "SET DateStyle = 'ISO'", "COMMIT", "ROLLBACK"} {
		if _, err := conn.Exec(ctx, st); err != nil {
			t.Errorf("%s: %v", st, err)
		}
	}
}

// TestLockedInDuckDB checks the second line of defence on the reader itself, bypassing the
// endpoint's statement filter: DuckDB refuses configuration changes, file access and writes.
func TestLockedInDuckDB(t *testing.T) {
	snap, release, err := fx.srv.Readers.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx := context.Background()
	for _, kind := range []string{serve.ReaderClear, serve.ReaderMasked} {
		db := snap.DB(kind)
		for _, tc := range []struct{ stmt, want string }{
			{"SET enable_external_access = true", "configuration has been locked"},
			{"SET threads = 1", "configuration has been locked"},
			{"SET lock_configuration = false", "configuration has been locked"},
			{"CREATE TABLE x (a INTEGER)", "read-only"},
			{"SELECT * FROM read_csv('/etc/passwd')", "Permission Error"},
			{"ATTACH '/tmp/crmwh-never.duckdb'", "Permission Error"},
			{"LOAD httpfs", "disabled"},
		} {
			if _, err := db.ExecContext(ctx, tc.stmt); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s reader, %s: %v, want %q", kind, tc.stmt, err, tc.want)
			}
		}
	}
}

func TestMasking(t *testing.T) {
	ctx := context.Background()
	ref := inProcess(t)
	var id, name, phone, email string
	if err := ref.QueryRowContext(ctx, "SELECT customer_id, name, phone, email FROM dim_customer WHERE phone IS NOT NULL AND email IS NOT NULL ORDER BY customer_key LIMIT 1").Scan(&id, &name, &phone, &email); err != nil {
		t.Fatal(err)
	}
	q := "SELECT name, phone, email FROM dim_customer WHERE customer_id = $1 ORDER BY customer_key LIMIT 1"
	var gn, gp, ge string
	if err := connect(t, "root").QueryRow(ctx, q, id).Scan(&gn, &gp, &ge); err != nil {
		t.Fatal(err)
	}
	if gn != name || gp != phone || ge != email {
		t.Errorf("admin sees %q %q %q, want the clear %q %q %q", gn, gp, ge, name, phone, email)
	}
	analyst := connect(t, "ann")
	if err := analyst.QueryRow(ctx, q, id).Scan(&gn, &gp, &ge); err != nil {
		t.Fatal(err)
	}
	wantName := name[:1] + "***"
	wantPhone := strings.Repeat("*", len(phone)-4) + phone[len(phone)-4:]
	wantEmail := email[:1] + "***@" + email[strings.Index(email, "@")+1:]
	if gn != wantName || gp != wantPhone || ge != wantEmail {
		t.Errorf("analyst sees %q %q %q, want %q %q %q", gn, gp, ge, wantName, wantPhone, wantEmail)
	}
	// No clear value anywhere in what the analyst can reach, and the clear file is out of reach.
	var leaks int
	if err := analyst.QueryRow(ctx, "SELECT count(*) FROM dim_customer WHERE name = $1 OR phone = $2 OR email = $3", name, phone, email).Scan(&leaks); err != nil || leaks != 0 {
		t.Errorf("analyst finds %d rows with the clear values (%v)", leaks, err)
	}
	_, dir, err := warehouse.CurrentSnapshot(filepath.Join(fx.env.DataDir, "lake"))
	if err != nil {
		t.Fatal(err)
	}
	clearFile := filepath.Join(dir, "dim_customer", "dim_customer.parquet")
	for _, path := range []string{clearFile, filepath.Join(dir, "masked") + "/../dim_customer/dim_customer.parquet",
		filepath.Join(dir, "fact_sales") + "/../dim_customer/*.parquet"} {
		_, err = analyst.Exec(ctx, "SELECT count(*) FROM read_parquet('"+path+"')")
		if err == nil || !strings.Contains(err.Error(), "Permission Error") {
			t.Errorf("analyst reading %s: %v, want a permission error", path, err)
		}
	}
	var n int
	if err := connect(t, "root").QueryRow(ctx, "SELECT count(*) FROM read_parquet('"+clearFile+"')").Scan(&n); err != nil || n == 0 {
		t.Errorf("admin reading the clear Parquet file: %d rows, %v", n, err)
	}
	// Counts and joins are the same either way: masking keeps keys.
	var a, b int64
	if err := analyst.QueryRow(ctx, "SELECT count(DISTINCT customer_id) FROM dim_customer JOIN fact_sales USING (customer_key)").Scan(&a); err != nil {
		t.Fatal(err)
	}
	if err := ref.QueryRowContext(ctx, "SELECT count(DISTINCT customer_id) FROM dim_customer JOIN fact_sales USING (customer_key)").Scan(&b); err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("buyers through the masked catalog %d, clear %d", a, b)
	}
}

func TestStatementTimeout(t *testing.T) {
	pg, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ep := &serve.SQLEndpoint{Readers: fx.srv.SQL.Readers, Access: fx.srv.SQL.Access, Timeout: 300 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ep.Serve(ctx, pg) }()
	defer func() { cancel(); <-done }()
	c, err := pgx.Connect(context.Background(), strings.Replace(dsn("ann", users["ann"][1]), fx.pgAddr, pg.Addr().String(), 1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	t0 := time.Now()
	var n int64
	err = c.QueryRow(context.Background(), "SELECT count(*) FROM range(1000000) a, range(1000000) b WHERE a.range * 7 % 13 = b.range % 11").Scan(&n)
	if err == nil || !strings.Contains(err.Error(), "statement timeout") {
		t.Fatalf("a long query: %v, want a statement timeout", err)
	}
	if d := time.Since(t0); d > 10*time.Second {
		t.Errorf("the timeout took %v to act", d)
	}
	if err := c.QueryRow(context.Background(), "SELECT count(*) FROM dim_store").Scan(&n); err != nil {
		t.Errorf("after a timeout: %v", err)
	}
	// A cursor's statements too: the long query times out at its DECLARE or its first FETCH.
	t0 = time.Now()
	_, err = c.Exec(context.Background(), "BEGIN")
	if err == nil {
		_, err = c.Exec(context.Background(), "DECLARE slow CURSOR FOR SELECT count(*) FROM range(1000000) a, range(1000000) b WHERE a.range * 7 % 13 = b.range % 11")
	}
	if err == nil {
		err = c.QueryRow(context.Background(), "FETCH 1 FROM slow").Scan(&n)
	}
	if err == nil || !strings.Contains(err.Error(), "statement timeout") {
		t.Errorf("a long cursor: %v, want a statement timeout", err)
	}
	if d := time.Since(t0); d > 10*time.Second {
		t.Errorf("the cursor's timeout took %v to act", d)
	}
	if _, err := c.Exec(context.Background(), "ROLLBACK"); err != nil {
		t.Errorf("ROLLBACK after a cursor's timeout: %v", err)
	}
	if err := c.QueryRow(context.Background(), "SELECT count(*) FROM dim_store").Scan(&n); err != nil {
		t.Errorf("after a cursor's timeout: %v", err)
	}
}

func psqlBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("psql"); err == nil {
		return p
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/psql")
	if len(matches) == 0 {
		t.Fatal("no psql (install the Debian package postgresql; `make test` does)")
	}
	return matches[len(matches)-1]
}

func psql(t *testing.T, user, password string, args ...string) (string, error) {
	t.Helper()
	return psqlAt(t, fx.pgAddr, user, password, args...)
}

func psqlAt(t *testing.T, addr, user, password string, args ...string) (string, error) {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(psqlBinary(t), append([]string{"-X", "-h", host, "-p", port, "-U", user, "-d", "crmwh", "-v", "ON_ERROR_STOP=1"}, args...)...)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+password, "PGCONNECT_TIMEOUT=10")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestPsql(t *testing.T) {
	out, err := psql(t, "ann", users["ann"][1], "-c", `\dt`)
	if err != nil {
		t.Fatalf("\\dt: %v\n%s", err, out)
	}
	for _, table := range append([]string{"customer_scores", "job_runs"}, starNames()...) {
		if !strings.Contains(out, " "+table+" ") {
			t.Errorf("\\dt lacks %s:\n%s", table, out)
		}
	}
	out, err = psql(t, "ann", users["ann"][1], "-c", `\d fact_sales`)
	if err != nil {
		t.Fatalf("\\d fact_sales: %v\n%s", err, out)
	}
	for _, want := range []string{`Table "main.fact_sales"`, "net_amount", "numeric(18,2)", "order_ts", "timestamp"} {
		if !strings.Contains(out, want) {
			t.Errorf("\\d fact_sales lacks %q:\n%s", want, out)
		}
	}
	out, err = psql(t, "ann", users["ann"][1], "-c", `\d scores.customer_scores`)
	if err != nil || !strings.Contains(out, "churn_probability") {
		t.Errorf("\\d scores.customer_scores: %v\n%s", err, out)
	}
	out, err = psql(t, "ann", users["ann"][1], "-At", "-c", "SELECT count(*) FROM dim_store")
	if err != nil || strings.TrimSpace(out) == "0" {
		t.Errorf("a query through psql: %v %q", err, out)
	}
	out, err = psql(t, "ann", "not-the-password", "-c", "SELECT 1")
	if err == nil || !strings.Contains(out, "password authentication failed") {
		t.Errorf("psql with a wrong password: %v\n%s", err, out)
	}
	out, err = psql(t, "ann", users["ann"][1], "-c", "DROP VIEW fact_sales")
	if err == nil || !strings.Contains(out, "DROP statements are not allowed") {
		t.Errorf("psql DROP: %v\n%s", err, out)
	}
}

func starNames() []string {
	var names []string
	for _, s := range warehouse.StarTables {
		names = append(names, s.Name)
	}
	return names
}

func TestPsycopg2(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import psycopg2").Run(); err != nil {
		t.Fatal("python3-psycopg2 is missing (`make test` installs it)")
	}
	host, port, _ := net.SplitHostPort(fx.pgAddr)
	script := `
import sys, psycopg2
conn = psycopg2.connect(host=sys.argv[1], port=int(sys.argv[2]), user="ann", password=sys.argv[3], dbname="crmwh")
cur = conn.cursor()
cur.execute("SELECT count(*), sum(net_amount) FROM fact_sales WHERE order_status = %s", ("completed",))
n, total = cur.fetchone()
cur.execute("SELECT max(as_of) FROM scores.customer_scores")
print(n, total, cur.fetchone()[0].isoformat())
conn.rollback()
conn.close()
`
	out, err := exec.Command(py, "-c", script, host, port, users["ann"][1]).CombinedOutput()
	if err != nil {
		t.Fatalf("psycopg2: %v\n%s", err, out)
	}
	var n int64
	var total string
	if err := inProcess(t).QueryRow("SELECT count(*), sum(net_amount)::VARCHAR FROM fact_sales WHERE order_status = 'completed'").Scan(&n, &total); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d %s %s\n", n, total, fx.asOf.Format(time.DateOnly)); string(out) != want {
		t.Errorf("psycopg2 printed %q, want %q", out, want)
	}
}

// TestQueriesDuringRun publishes the next day while clients query without pause: no query
// fails, and after the switch they see the new as-of date. The run and the server share no
// file: the run writes warehouse.duckdb and a new snapshot, the server reads the current one.
func TestQueriesDuringRun(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: a second nightly run of the fixture")
	}
	ctx := context.Background()
	var ok, failed atomic.Int64
	var firstErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, user := range []string{"ann", "root"} {
		conn := connect(t, user)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var n int64
				if err := conn.QueryRow(ctx, "SELECT count(*) FROM fact_sales JOIN dim_customer USING (customer_key)").Scan(&n); err != nil || n == 0 {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprint(err))
					continue
				}
				ok.Add(1)
			}
		}()
	}
	next := fx.asOf.AddDate(0, 0, 1)
	_, err := jobs.Run(ctx, fx.env, next, nil)
	if err == nil {
		err = fx.srv.Readers.Refresh(ctx) // what the server's watcher does every few seconds
	}
	time.Sleep(200 * time.Millisecond) // queries on the new snapshot too
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if failed.Load() > 0 || ok.Load() < 10 {
		t.Errorf("%d queries failed (first: %v), %d succeeded during the run", failed.Load(), firstErr.Load(), ok.Load())
	}
	var asOf time.Time
	if err := connect(t, "ann").QueryRow(ctx, "SELECT max(as_of) FROM scores.customer_scores").Scan(&asOf); err != nil || !asOf.Equal(next) {
		t.Errorf("after the run the endpoint serves as-of %v (%v), want %v", asOf, err, next)
	}
	t.Logf("%d queries during the run, none failed", ok.Load())
}

// web is a signed-in browser-less client of the web UI.
func web(t *testing.T, user string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	res, err := c.PostForm(fx.webURL+"/login", url.Values{"name": {user}, "password": {users[user][1]}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/" {
		t.Fatalf("sign-in as %s: %s at %s", user, res.Status, res.Request.URL)
	}
	return c
}

func get(t *testing.T, c *http.Client, path string) (*http.Response, []byte) {
	t.Helper()
	res, err := c.Get(fx.webURL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// downloadCSV gets a CSV download, which must succeed, and parses it.
func downloadCSV(t *testing.T, c *http.Client, path string) [][]string {
	t.Helper()
	res, body := get(t, c, path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s %s", path, res.Status, body)
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestWebRefusesStrangers(t *testing.T) {
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/", "/lists", "/lists?list=vip-churn-risk", "/lists/summary?churn_risk=high", "/customers?q=1", "/customers/1", "/customers/audit", "/report", "/service",
		"/export?format=csv", "/export?format=xlsx&list=vip-churn-risk", "/export?format=csv&churn_risk=high"} {
		res, body := get(t, noRedirect, path)
		if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without sign-in: %s", path, res.Status)
		}
		if bytes.Contains(body, []byte("@example.com")) || bytes.Contains(body, []byte("customer_id")) {
			t.Errorf("%s without sign-in leaks data", path)
		}
	}
	// A forged cookie is no session.
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(fx.webURL)
	jar.SetCookies(u, []*http.Cookie{{Name: "crmwh_session", Value: strings.Repeat("ab", 32)}})
	res, _ := get(t, &http.Client{Jar: jar, CheckRedirect: noRedirect.CheckRedirect}, "/export?format=csv")
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a forged session cookie: %s", res.Status)
	}
	// Wrong passwords and analysts do not get in.
	for _, tc := range []struct{ user, password string }{{"mia", "wrong"}, {"ann", users["ann"][1]}} {
		res, err := noRedirect.PostForm(fx.webURL+"/login", url.Values{"name": {tc.user}, "password": {tc.password}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized || len(res.Cookies()) > 0 {
			t.Errorf("sign-in %s/%s: %s, cookies %v", tc.user, tc.password, res.Status, res.Cookies())
		}
	}
}

// expectedList reads a list from the published snapshot directly: consenting customers
// matching the filters, best CLV first.
func expectedList(t *testing.T, where string) [][]string {
	t.Helper()
	rows, err := inProcess(t).Query(`SELECT s.customer_id, c.email FROM scores.customer_scores s
		JOIN dim_customer c ON c.customer_id = s.customer_id AND c.is_current
		WHERE c.marketing_consent AND ` + where + ` ORDER BY s.clv DESC NULLS LAST, s.customer_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		var id string
		var email sql.NullString
		if err := rows.Scan(&id, &email); err != nil {
			t.Fatal(err)
		}
		out = append(out, []string{id, email.String})
	}
	return out
}

func TestWebDownloads(t *testing.T) {
	c := web(t, "mia")
	before, err := serve.NewAccess(fx.env.DataDir).RecentExports(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, query, where string
	}{
		{"named list", "list=vip-churn-risk", "s.clv_quadrant = 'vip' AND s.churn_risk = 'high'"},
		{"filters", "churn_risk=high&region=East", "s.churn_risk = 'high' AND c.region = 'East'"},
		{"product", "recommended_product=P0011", "EXISTS (SELECT 1 FROM scores.recommendations r WHERE r.customer_id = s.customer_id AND r.product_id = 'P0011')"},
		{"contacted in a campaign", "contacted_in=CMP021", `s.customer_id IN (SELECT d.customer_id FROM fact_campaign_contact f JOIN dim_campaign k USING (campaign_key)
			JOIN dim_customer d USING (customer_key) WHERE k.campaign_id = 'CMP021' AND f.contact_group = 'treatment')`},
		{"control group of a campaign", "control_of=CMP021", `s.customer_id IN (SELECT d.customer_id FROM fact_campaign_contact f JOIN dim_campaign k USING (campaign_key)
			JOIN dim_customer d USING (customer_key) WHERE k.campaign_id = 'CMP021' AND f.contact_group = 'control')`},
		{"everyone", "", "true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := expectedList(t, tc.where)
			recs := downloadCSV(t, c, "/export?format=csv&"+tc.query)
			if got := idsEmails(recs); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("CSV has %d customers, the snapshot %d:\n%v\n%v", len(got), len(want), head(got), head(want))
			}
			res, body := get(t, c, "/export?format=xlsx&"+tc.query)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %s", res.Status, body)
			}
			f, err := excelize.OpenReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			xrows, err := f.GetRows("Sheet1")
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			if got := idsEmails(xrows); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("Excel has %d customers, the snapshot %d", len(got), len(want))
			}
			// The summary the page shows counts the same customers.
			res, body = get(t, c, "/lists/summary?format=json&"+tc.query)
			if res.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(fmt.Sprintf(`"consenting":%d,`, len(want)))) {
				t.Errorf("summary %s: %s, want %d consenting", res.Status, body, len(want))
			}
		})
	}
	after, err := serve.NewAccess(fx.env.DataDir).RecentExports(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(after)-len(before) != 12 {
		t.Fatalf("%d downloads recorded, want 12", len(after)-len(before))
	}
	last := after[0]
	if last.User != "mia" || last.Via != "web" || last.Format != "xlsx" || last.Filters != "{}" || last.RunID == "" {
		t.Errorf("last download recorded as %+v", last)
	}
	named := after[11]
	if named.List != "vip-churn-risk" || named.Format != "csv" || !strings.Contains(named.Filters, `"churn_risk":"high"`) {
		t.Errorf("the named list's download recorded as %+v", named)
	}
	// Bad requests are refused with a reason, and never widened to "no filter": an unparsable
	// query string, a filter given twice, and for every filter a value the snapshot does not hold.
	bad := []string{"format=pdf", "format=csv&colour=red", "format=csv&list=nope", "format=csv&cluster=x",
		"format=csv&cluster=1;DROP", "format=csv&churn_risk=high;x=1", "format=csv&region=%zz",
		"format=csv&churn_risk=high&churn_risk=low", "format=csv&decline_warning=maybe",
		"format=csv&control=0.1", "format=csv&campaign=CMP9&control=abc", "format=csv&campaign=CMP9&control=1.5", "format=csv&campaign=CMP9&control=0.1&seed=x"}
	for _, f := range serve.Filters {
		if f.Key != "decline_warning" {
			bad = append(bad, "format=csv&"+f.Key+"=no-such-value", "format=csv&list=vip-churn-risk&"+f.Key+"=no-such-value")
		}
	}
	for _, q := range bad {
		for _, path := range []string{"/export?", "/lists/summary?", "/lists?"} {
			if (q == "format=pdf" || strings.Contains(q, "control=")) && path != "/export?" {
				continue // the page has no format, and only a download holds out a control group
			}
			if res, body := get(t, c, path+q); res.StatusCode != http.StatusBadRequest || len(body) == 0 {
				t.Errorf("%s%s: %s %.200s", path, q, res.Status, body)
			}
		}
	}
	// A campaign list holding out a control group: the file lacks a fifth of the list, the same
	// fifth for the same seed.
	want := expectedList(t, "s.churn_risk = 'high'")
	var files [2][][]string
	for i := range files {
		files[i] = idsEmails(downloadCSV(t, c, "/export?format=csv&churn_risk=high&campaign=CMP950&control=0.2&seed=3"))
	}
	if held := len(want) - len(files[0]); held != int(float64(len(want))*0.2+0.5) || fmt.Sprint(files[0]) != fmt.Sprint(files[1]) {
		t.Errorf("control 0.2 of %d customers: %d and %d in the files", len(want), len(files[0]), len(files[1]))
	}
	after, err = serve.NewAccess(fx.env.DataDir).RecentExports(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"campaign=NOPE", "campaign=CMP021;x", "colour=red"} {
		if res, body := get(t, c, "/campaigns?"+q); res.StatusCode != http.StatusBadRequest {
			t.Errorf("/campaigns?%s: %s %.200s", q, res.Status, body)
		}
	}
	if res, body := get(t, c, "/campaigns?campaign=CMP021"); res.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("Who CMP021 moved")) {
		t.Errorf("/campaigns?campaign=CMP021: %s", res.Status)
	}
	final, err := serve.NewAccess(fx.env.DataDir).RecentExports(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(final) != len(after) {
		t.Errorf("refused requests recorded %d downloads", len(final)-len(after))
	}
}

func idsEmails(recs [][]string) [][]string {
	if len(recs) == 0 {
		return nil
	}
	id, email := -1, -1
	for i, h := range recs[0] {
		switch h {
		case "customer_id":
			id = i
		case "email":
			email = i
		}
	}
	var out [][]string
	for _, r := range recs[1:] {
		out = append(out, []string{r[id], r[email]})
	}
	return out
}

func head(x [][]string) [][]string { return x[:min(len(x), 3)] }

func TestWebPages(t *testing.T) {
	c := web(t, "root")
	res, body := get(t, c, "/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("dashboard: %s", res.Status)
	}
	var customers, buyers int64
	var sat float64
	if err := inProcess(t).QueryRow(`SELECT count(*), count(*) FILTER (WHERE frequency > 0),
		(SELECT avg(satisfaction) FROM fact_survey WHERE survey_ts > (SELECT max(as_of) FROM scores.customer_scores) - INTERVAL 1 YEAR)
		FROM scores.customer_scores`).Scan(&customers, &buyers, &sat); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{fmt.Sprintf(`id="kpi-customers">%s<`, commas(customers)), fmt.Sprintf("%s have bought", commas(buyers)),
		"Churn rate", "Repeat purchase rate", fmt.Sprintf(`id="kpi-satisfaction">%.2f<`, sat), "Revenue by RFM segment", "Customers by lifecycle stage", "Customers by churn risk", `<svg class="chart"`, "Last run", "lifecycle"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	res, body = get(t, c, "/lists?list=vip-churn-risk")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("lists: %s", res.Status)
	}
	for _, want := range []string{`<select name="churn_risk">`, `<option value="high" selected>`, `id="download-csv"`, "VIPs at high churn risk"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("lists page lacks %q", want)
		}
	}
	res, body = get(t, c, "/metrics")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("metrics: %s", res.Status)
	}
	for _, want := range []string{`crmwh_job_runs_total{job="load",status="succeeded"}`, "crmwh_job_last_duration_seconds{job=",
		"crmwh_job_last_success_timestamp_seconds{job=", `crmwh_table_rows{table="fact_sales"}`, "crmwh_sql_queries_total",
		"crmwh_snapshot_published_timestamp_seconds", `crmwh_data_check_failing_rows{check="sales lines are unique",status="pass"} 0`} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func commas(n int64) string {
	s := fmt.Sprint(n)
	var parts []string
	for len(s) > 3 {
		parts = append([]string{s[len(s)-3:]}, parts...)
		s = s[:len(s)-3]
	}
	return strings.Join(append([]string{s}, parts...), ",")
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	a := serve.NewAccess(t.TempDir())
	if _, ok, err := a.Authenticate(ctx, "x", "whatever-pass"); ok || err != nil {
		t.Errorf("no users yet: %v %v", ok, err)
	}
	for _, tc := range []struct{ name, role, password, want string }{
		{"bob", "analyst", "short", "at least 8"},
		{"bob", "boss", "long-enough", "role"},
		{"bad name", "analyst", "long-enough", "user name"},
		{"bob", "analyst", "long-enough", ""},
		{"bob", "admin", "another-pass", ""}, // replaces role and password
	} {
		err := a.AddUser(ctx, tc.name, tc.role, tc.password)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("add %s/%s: %v, want %q", tc.name, tc.role, err, tc.want)
		}
	}
	if role, ok, err := a.Authenticate(ctx, "bob", "another-pass"); !ok || role != "admin" || err != nil {
		t.Errorf("bob with the new password: %q %v %v", role, ok, err)
	}
	if _, ok, _ := a.Authenticate(ctx, "bob", "long-enough"); ok {
		t.Error("the old password still works")
	}
	// Only a bcrypt hash is stored.
	db, err := sql.Open("duckdb", a.Path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	var hash string
	if err := db.QueryRow("SELECT password_hash FROM ops.users WHERE name = 'bob'").Scan(&hash); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if !strings.HasPrefix(hash, "$2a$10$") || strings.Contains(hash, "another-pass") {
		t.Errorf("stored hash %q", hash)
	}
	// Five wrong passwords lock the name out, even with the right one; other names are not affected.
	if err := a.AddUser(ctx, "eve", "analyst", "eve-password"); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, ok, err := a.Authenticate(ctx, "eve", fmt.Sprintf("guess-%d", i)); ok || err != nil {
			t.Fatalf("guess %d: %v %v", i, ok, err)
		}
	}
	if _, ok, err := a.Authenticate(ctx, "eve", "eve-password"); ok || !errors.Is(err, serve.ErrTooManyFailures) {
		t.Errorf("the right password after five wrong ones: %v %v", ok, err)
	}
	if _, ok, err := a.Authenticate(ctx, "bob", "another-pass"); !ok || err != nil {
		t.Errorf("another user during eve's lock-out: %v %v", ok, err)
	}
	if err := a.RemoveUser(ctx, "eve"); err != nil {
		t.Fatal(err)
	}
	list, err := a.Users(ctx)
	if err != nil || len(list) != 1 || list[0].Name != "bob" {
		t.Errorf("users: %v %v", list, err)
	}
	if err := a.RemoveUser(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	if err := a.RemoveUser(ctx, "bob"); !errors.Is(err, serve.ErrNoUser) {
		t.Errorf("removing twice: %v", err)
	}
}

// TestCancel sends a cancel request (what psql's Ctrl-C and pgx's context cancellation send)
// while a long query runs: the query stops with the PostgreSQL message and the connection
// stays usable.
func TestCancel(t *testing.T) {
	ctx := context.Background()
	conn := connect(t, "root")
	go func() {
		time.Sleep(300 * time.Millisecond)
		if err := conn.PgConn().CancelRequest(context.Background()); err != nil {
			t.Errorf("cancel request: %v", err)
		}
	}()
	t0 := time.Now()
	var n int64
	err := conn.QueryRow(ctx, "SELECT count(*) FROM range(1000000) a, range(1000000) b WHERE a.range * 7 % 13 = b.range % 11").Scan(&n)
	if err == nil || !strings.Contains(err.Error(), "canceling statement due to user request") {
		t.Fatalf("a cancelled query: %v", err)
	}
	if d := time.Since(t0); d > 10*time.Second {
		t.Errorf("the cancel took %v to act", d)
	}
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM dim_store").Scan(&n); err != nil || n == 0 {
		t.Errorf("after the cancel: %d, %v", n, err)
	}
}

// TestTLS serves both the endpoint and the web UI with a certificate: sslmode=require and psql's
// default get an encrypted session, a client without TLS is refused, and the web UI answers HTTPS with a Secure session cookie. Its warehouse
// has empty fact tables, which must publish and serve as well.
func TestTLS(t *testing.T) {
	// A warehouse of its own: one process cannot open the fixture's snapshot a second time
	// with another configuration, and a second server would.
	cfg := *fx.env.Config
	data := t.TempDir()
	src := filepath.Join(data, "src")
	if _, err := demodata.Generate(context.Background(), demodata.Options{Customers: 300, Seed: 9, Start: fx.asOf.AddDate(-3, 0, 0), End: fx.asOf, Dir: src}); err != nil {
		t.Fatal(err)
	}
	// Without the optional surveys and campaign contacts: empty fact tables publish and serve.
	for _, f := range []string{"surveys.csv", "campaign_contacts.csv"} {
		if err := os.Remove(filepath.Join(src, f)); err != nil {
			t.Fatal(err)
		}
	}
	cfg.Source.Dir = src
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Jobs.Retries = 0
	if _, err := jobs.Run(context.Background(), &jobs.Env{Config: &cfg, DataDir: data, Log: quiet}, fx.asOf, nil); err != nil {
		t.Fatal(err)
	}
	for name, u := range users {
		if err := serve.NewAccess(data).AddUser(context.Background(), name, u[0], u[1]); err != nil {
			t.Fatal(err)
		}
	}
	writeSelfSigned(t, filepath.Join(data, "cert.pem"), filepath.Join(data, "key.pem"))
	cfg.Serve.TLSCert, cfg.Serve.TLSKey = "cert.pem", "key.pem" // relative to the data directory
	srv, err := serve.New(data, &cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	webL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, pg, webL) }()
	defer func() { cancel(); <-done }()

	c, err := pgx.Connect(context.Background(), fmt.Sprintf("postgres://ann:%s@%s/crmwh?sslmode=require", users["ann"][1], pg.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	if _, ok := c.PgConn().Conn().(*tls.Conn); !ok {
		t.Errorf("sslmode=require gave a %T", c.PgConn().Conn())
	}
	var n, surveys int64
	if err := c.QueryRow(context.Background(), "SELECT (SELECT count(*) FROM dim_store), (SELECT count(*) FROM fact_survey)").Scan(&n, &surveys); err != nil || n == 0 || surveys != 0 {
		t.Errorf("a query over TLS: %d stores, %d surveys, %v", n, surveys, err)
	}
	if c, err := pgx.Connect(context.Background(), fmt.Sprintf("postgres://ann:%s@%s/crmwh?sslmode=disable", users["ann"][1], pg.Addr())); err == nil {
		c.Close(context.Background())
		t.Error("a client without TLS got in")
	}
	out, err := psqlAt(t, pg.Addr().String(), "ann", users["ann"][1], "-At", "-c", "SELECT 1") // sslmode=prefer
	if err != nil || strings.TrimSpace(out) != "1" {
		t.Errorf("psql with its default sslmode: %v %q", err, out)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm("https://"+webL.Addr().String()+"/login", url.Values{"name": {"mia"}, "password": {users["mia"][1]}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) != 1 || !res.Cookies()[0].Secure || !res.Cookies()[0].HttpOnly {
		t.Errorf("HTTPS sign-in: %s, cookies %v", res.Status, res.Cookies())
	}
	cfg.Serve.TLSKey = ""
	if _, err := serve.New(data, &cfg, quiet); err == nil || !strings.Contains(err.Error(), "tls_cert and tls_key") {
		t.Errorf("a certificate without a key: %v", err)
	}
}

func writeSelfSigned(t *testing.T, certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "crmwh test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The care lists are named lists: each download holds the consenting customers on the list with
// the reason, as the snapshot has them; the tier and loyalty-type filters select as the scores
// say; a care list that does not exist is refused.
func TestCareListsAndTiers(t *testing.T) {
	c := web(t, "mia")
	db := inProcess(t)
	for _, list := range configs.CareLists {
		t.Run(list, func(t *testing.T) {
			want := expectedList(t, "EXISTS (SELECT 1 FROM scores.care_lists k WHERE k.customer_id = s.customer_id AND k.list = '"+list+"')")
			recs := downloadCSV(t, c, "/export?format=csv&list="+list)
			if got := idsEmails(recs); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s: %d customers, the snapshot %d", list, len(got), len(want))
			}
			col := slices.Index(recs[0], "care_reason")
			if col < 0 {
				t.Fatalf("%s: no care_reason column in %v", list, recs[0])
			}
			for _, r := range recs[1:] {
				var reason string
				if err := db.QueryRow("SELECT string_agg(reason, '; ' ORDER BY due_date) FROM scores.care_lists WHERE list = ? AND customer_id = ?", list, r[0]).Scan(&reason); err != nil {
					t.Fatal(err)
				}
				if r[col] != reason || reason == "" {
					t.Errorf("%s: customer %s's reason %q, the snapshot %q", list, r[0], r[col], reason)
				}
			}
			t.Logf("%s: %d consenting customers", list, len(want))
		})
	}
	for _, tc := range []struct{ query, where string }{
		{"tier=gold", "s.tier = 'gold'"},
		{"loyalty_type=spurious&tier=regular", "s.loyalty_type = 'spurious' AND s.tier = 'regular'"},
	} {
		want := expectedList(t, tc.where)
		recs := downloadCSV(t, c, "/export?format=csv&"+tc.query)
		if got := idsEmails(recs); len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %d customers, the snapshot %d", tc.query, len(got), len(want))
		}
	}
	if res, body := get(t, c, "/export?format=csv&care=anniversary"); res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "anniversaries") {
		t.Errorf("an unknown care list: %s %s", res.Status, body)
	}
}
