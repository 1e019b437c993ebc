package etl_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/crmwh/crmwh/etl"
	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/internal/pgtest"
	"github.com/crmwh/crmwh/warehouse"
)

var (
	pgDay1  = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	pgDay2  = pgDay1.AddDate(0, 0, 14)
	pgQuiet = slog.New(slog.NewTextHandler(io.Discard, nil))
)

func genExport(t *testing.T, end time.Time) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "export")
	if _, err := demodata.Generate(context.Background(), demodata.Options{Customers: 300, Seed: 11,
		Start: pgDay1.AddDate(0, 0, -720), End: end, Dir: dir}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// starPrint fingerprints the star schema without run ids.
func starPrint(t *testing.T, db *warehouse.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, st := range warehouse.StarTables {
		var n int64
		var sum string
		q := fmt.Sprintf(`SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM (SELECT COLUMNS(c -> c NOT LIKE '%%run_id') FROM %s) AS t`, st.Name)
		if err := db.QueryRow(q).Scan(&n, &sum); err != nil {
			t.Fatalf("%s: %v", st.Name, err)
		}
		out[st.Name] = fmt.Sprintf("%d rows, %s", n, sum)
	}
	return out
}

func openWarehouse(t *testing.T) *warehouse.DB {
	t.Helper()
	db, err := warehouse.Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"), warehouse.Options{MemoryLimit: "512MB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func load(t *testing.T, db *warehouse.DB, lake string, day time.Time, run string) {
	t.Helper()
	if _, err := etl.Load(context.Background(), db, lake, day, run); err != nil {
		t.Fatal(err)
	}
}

// The warehouse built from PostgreSQL, fully and then incrementally, equals the one built from
// the same seed's CSV exports; the incremental extract takes exactly the changed rows; a
// connection lost mid-extract leaves no partial partition and the re-run succeeds.
func TestPostgresSource(t *testing.T) {
	ctx := context.Background()
	srv := pgtest.Start(t)
	dsn := srv.Database(t, "shop")
	csv1, csv2 := genExport(t, pgDay1), genExport(t, pgDay2)
	if _, err := etl.FillPostgres(ctx, dsn, csv1, pgDay1, false); err != nil {
		t.Fatal(err)
	}
	src := etl.PostgresSource{DSN: dsn}

	pgLake, csvLake := t.TempDir(), t.TempDir()
	pgDB, csvDB := openWarehouse(t), openWarehouse(t)
	ex1, err := etl.ExtractPostgres(ctx, src, pgLake, pgDay1, nil, pgQuiet)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := etl.ExtractCSV(ctx, csv1, csvLake, pgDay1, etl.CSVOptions{}, pgQuiet); err != nil {
		t.Fatal(err)
	}
	load(t, pgDB, pgLake, pgDay1, "pg1")
	load(t, csvDB, csvLake, pgDay1, "csv1")
	compare := func(stage string) {
		a, b := starPrint(t, pgDB), starPrint(t, csvDB)
		for table, want := range b {
			if a[table] != want {
				t.Errorf("%s: %s from PostgreSQL is %s, from CSV %s", stage, table, a[table], want)
			}
		}
	}
	compare("full extract")

	// A later day's changes: inserts and updates; the incremental extract takes exactly them.
	changed, err := etl.FillPostgres(ctx, dsn, csv2, pgDay2, true)
	if err != nil {
		t.Fatal(err)
	}
	last := map[string]string{}
	for _, e := range ex1 {
		last[e.Table] = e.WatermarkTo
	}
	ex2, err := etl.ExtractPostgres(ctx, src, pgLake, pgDay2, last, pgQuiet)
	if err != nil {
		t.Fatal(err)
	}
	total := int64(0)
	for _, e := range ex2 {
		if e.Rows != changed[e.Table] {
			t.Errorf("incremental %s: %d rows extracted, %d changed", e.Table, e.Rows, changed[e.Table])
		}
		total += e.Rows
	}
	if total == 0 {
		t.Fatal("the later export changed nothing")
	}
	if _, err := etl.ExtractCSV(ctx, csv2, csvLake, pgDay2, etl.CSVOptions{}, pgQuiet); err != nil {
		t.Fatal(err)
	}
	load(t, pgDB, pgLake, pgDay2, "pg2")
	load(t, csvDB, csvLake, pgDay2, "csv2")
	compare("incremental extract")

	// A lost connection mid-extract: the extract fails, leaves no partial partition, and the
	// re-run extracts everything. A lock held on order_items makes the extract wait there, so
	// that its connection is killed mid-way every time.
	day3 := pgDay2.AddDate(0, 0, 1)
	locker, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close(ctx)
	lockTx, err := locker.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockTx.Exec(ctx, "LOCK TABLE order_items IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	// The watcher has its own connection: a transaction sees pg_stat_activity as of its start.
	watcher, err := pgx.Connect(ctx, srv.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer watcher.Close(ctx)
	killed := make(chan error, 1)
	go func() {
		defer lockTx.Rollback(ctx) //nolint:errcheck // releases the lock
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			var n int
			if err := watcher.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
				WHERE datname = 'shop' AND wait_event_type = 'Lock'`).Scan(&n); err != nil {
				killed <- err
				return
			}
			if n > 0 {
				killed <- nil
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		killed <- errors.New("the extract never waited on the locked table")
	}()
	lake3 := t.TempDir()
	_, err = etl.ExtractPostgres(ctx, etl.PostgresSource{DSN: dsn}, lake3, day3, nil, pgQuiet)
	if kerr := <-killed; kerr != nil {
		t.Fatal(kerr)
	}
	if err == nil {
		t.Fatal("the extract succeeded although its connection was killed")
	}
	t.Logf("killed mid-extract: %v", err)
	tmps, _ := filepath.Glob(filepath.Join(lake3, "raw", "*", "*.tmp"))
	if len(tmps) != 0 {
		t.Errorf("partial partitions left: %v", tmps)
	}
	parts, _ := filepath.Glob(filepath.Join(lake3, "raw", "*", "load_date=*"))
	for _, p := range parts {
		if _, err := os.Stat(filepath.Join(p, "_source.json")); err != nil || strings.HasSuffix(p, ".tmp") {
			t.Errorf("partition %s is incomplete", p)
		}
	}
	ex3, err := etl.ExtractPostgres(ctx, etl.PostgresSource{DSN: dsn}, lake3, day3, nil, pgQuiet)
	if err != nil {
		t.Fatalf("the re-run failed: %v", err)
	}
	if len(ex3) != len(etl.Contract) {
		t.Errorf("the re-run extracted %d tables", len(ex3))
	}
}

// Schema drift: a new column is reported and ignored; a missing contract column is an error
// naming table and column.
func TestPostgresSchemaDrift(t *testing.T) {
	ctx := context.Background()
	srv := pgtest.Start(t)
	dsn := srv.Database(t, "drift")
	if _, err := etl.FillPostgres(ctx, dsn, genExport(t, pgDay1), pgDay1, false); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "ALTER TABLE customers ADD COLUMN loyalty_tier text"); err != nil {
		t.Fatal(err)
	}
	ex, err := etl.ExtractPostgres(ctx, etl.PostgresSource{DSN: dsn}, t.TempDir(), pgDay1, nil, pgQuiet)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ex {
		if e.Table == "customers" && (len(e.IgnoredColumns) != 1 || e.IgnoredColumns[0] != "loyalty_tier") {
			t.Errorf("customers: ignored %v, want [loyalty_tier]", e.IgnoredColumns)
		}
	}
	if _, err := conn.Exec(ctx, "ALTER TABLE orders DROP COLUMN channel"); err != nil {
		t.Fatal(err)
	}
	_, err = etl.ExtractPostgres(ctx, etl.PostgresSource{DSN: dsn}, t.TempDir(), pgDay1, nil, pgQuiet)
	if err == nil || !strings.Contains(err.Error(), "table public.orders has no column channel") {
		t.Errorf("missing column: %v", err)
	}
}

// The demo database takes an export with planted dirty values: what fits no type becomes NULL.
func TestPostgresFillDirty(t *testing.T) {
	ctx := context.Background()
	srv := pgtest.Start(t)
	dsn := srv.Database(t, "dirty")
	dir := filepath.Join(t.TempDir(), "export")
	m, err := demodata.Generate(ctx, demodata.Options{Customers: 300, Seed: 2, End: pgDay1, DirtyRate: 0.05, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	n, err := etl.FillPostgres(ctx, dsn, dir, pgDay1, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range etl.Contract {
		if n[tb.Name] != m.Tables[tb.Name].Rows {
			t.Errorf("%s: %d rows in PostgreSQL, %d in the export", tb.Name, n[tb.Name], m.Tables[tb.Name].Rows)
		}
	}
}
