// Command serve benchmarks `crmwh serve`: a typical star-join aggregate through the SQL endpoint
// (pgx over loopback TCP, as an analyst's client) against the same query in-process (DuckDB on the
// same snapshot catalog, no wire), and the web UI's pages and downloads.
//
// It builds (or reuses) a published warehouse of -customers demo customers under -dir, starts
// the real server in this process on free loopback ports, and times each operation -repeat
// times after a warm-up, alternating the endpoint and in-process runs; medians are reported, as
// the machine is shared and noisy. It ends with name=value lines.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/jobs"
	"github.com/crmwh/crmwh/serve"
	"github.com/crmwh/crmwh/warehouse"
)

// The star join an analyst would run: revenue, orders and customers by region, category and
// month over a year.
const starJoin = `SELECT c.region, p.category, d.year, d.month, count(DISTINCT f.order_id) AS orders,
    count(DISTINCT f.customer_key) AS customers, sum(f.net_amount) AS revenue, sum(f.margin_amount) AS margin
FROM fact_sales f
JOIN dim_customer c USING (customer_key)
JOIN dim_product p USING (product_key)
JOIN dim_date d USING (date_key)
WHERE d.year = 2025 AND f.order_status = 'completed'
GROUP BY ALL ORDER BY ALL`

// A point lookup: what the wire adds to a query that takes DuckDB next to nothing.
const point = `SELECT customer_id, rfm_segment_label, clv, churn_risk FROM scores.customer_scores WHERE customer_id = $1`

func main() {
	customers := flag.Int("customers", 200000, "demo customers")
	work := flag.String("dir", "bench/out", "work directory (the warehouse is kept and reused)")
	repeat := flag.Int("repeat", 15, "timed runs of each operation")
	flag.Parse()
	if err := run(*customers, *work, max(3, *repeat)); err != nil {
		fmt.Fprintln(os.Stderr, "bench/serve:", err)
		os.Exit(1)
	}
}

func run(customers int, work string, repeat int) error {
	ctx := context.Background()
	work, err := filepath.Abs(work)
	if err != nil {
		return err
	}
	data := filepath.Join(work, fmt.Sprintf("serve-%d", customers))
	cfg, err := configs.Default()
	if err != nil {
		return err
	}
	cfg.Source.Dir = filepath.Join(data, "demo")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	lake := filepath.Join(data, "lake")
	man, dir, err := warehouse.CurrentSnapshot(lake)
	if err != nil || man.Readers == nil {
		asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
		fmt.Printf("building a warehouse of %d customers in %s ...\n", customers, data)
		if _, err := demodata.Generate(ctx, demodata.Options{Customers: customers, Seed: 42, End: asOf, DirtyRate: 0.002, Dir: cfg.Source.Dir}); err != nil {
			return err
		}
		if _, err := jobs.Run(ctx, &jobs.Env{Config: cfg, DataDir: data, Log: quiet}, asOf, nil); err != nil {
			return err
		}
		if man, dir, err = warehouse.CurrentSnapshot(lake); err != nil {
			return err
		}
	}
	fmt.Printf("snapshot %s: %d customers, %d sales lines\n\n", man.RunID, man.Tables["dim_customer"], man.Tables["fact_sales"])

	access := serve.NewAccess(data)
	if err := access.AddUser(ctx, "bench-analyst", serve.RoleAnalyst, "bench-password"); err != nil {
		return err
	}
	if err := access.AddUser(ctx, "bench-marketing", serve.RoleMarketing, "bench-password"); err != nil {
		return err
	}
	pg, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	webL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv, err := serve.New(data, cfg, quiet)
	if err != nil {
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(sctx, pg, webL) }()
	defer func() {
		stop()
		if err := <-served; err != nil {
			fmt.Fprintln(os.Stderr, "bench/serve: the server:", err)
		}
	}()

	// In-process: DuckDB on a copy of the clear catalog (one process may not open the same file
	// twice with different settings); its views read the same Parquet files.
	b, err := os.ReadFile(filepath.Join(dir, warehouse.CatalogFile))
	if err != nil {
		return err
	}
	cat := filepath.Join(work, "serve-bench-catalog.duckdb")
	if err := os.WriteFile(cat, b, 0o644); err != nil {
		return err
	}
	defer os.Remove(cat)
	local, err := sql.Open("duckdb", cat+"?access_mode=read_only")
	if err != nil {
		return err
	}
	defer local.Close()

	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://bench-analyst:bench-password@%s/crmwh?sslmode=disable", pg.Addr()))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)

	var endpoint, inproc, pointWire, pointLocal []float64
	var rowsWire, rowsLocal int
	for i := -1; i < repeat; i++ { // i = -1: warm-up
		t0 := time.Now()
		n, err := countPgx(ctx, conn, starJoin)
		if err != nil {
			return fmt.Errorf("endpoint: %w", err)
		}
		d := time.Since(t0).Seconds()
		t0 = time.Now()
		m, err := countSQL(ctx, local, starJoin)
		if err != nil {
			return fmt.Errorf("in-process: %w", err)
		}
		dl := time.Since(t0).Seconds()
		id := fmt.Sprint(1 + i*997%customers)
		t0 = time.Now()
		if _, err := countPgx(ctx, conn, point, id); err != nil {
			return err
		}
		pw := time.Since(t0).Seconds()
		t0 = time.Now()
		if _, err := countSQL(ctx, local, point, id); err != nil {
			return err
		}
		pl := time.Since(t0).Seconds()
		if i >= 0 {
			endpoint, inproc, pointWire, pointLocal = append(endpoint, d), append(inproc, dl), append(pointWire, pw), append(pointLocal, pl)
		}
		rowsWire, rowsLocal = n, m
	}
	if rowsWire != rowsLocal {
		return fmt.Errorf("the endpoint returned %d rows, in-process %d", rowsWire, rowsLocal)
	}
	e, l := median(endpoint), median(inproc)
	pw, pl := median(pointWire), median(pointLocal)
	fmt.Printf("star join (%d rows), median of %d: endpoint %.1f ms, in-process %.1f ms: %.2fx\n", rowsWire, repeat, 1000*e, 1000*l, e/l)
	fmt.Printf("point lookup, median of %d: endpoint %.2f ms, in-process %.2f ms\n\n", repeat, 1000*pw, 1000*pl)

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 5 * time.Minute}
	base := "http://" + webL.Addr().String()
	res, err := client.PostForm(base+"/login", url.Values{"name": {"bench-marketing"}, "password": {"bench-password"}})
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("sign-in: %s", res.Status)
	}
	pages := []struct{ name, path string }{
		{"dashboard", "/"},
		{"list builder", "/lists"},
		{"named list", "/lists?list=vip-churn-risk"},
		{"count and chart", "/lists/summary?churn_risk=high&region=East"},
		{"CSV, named list", "/export?format=csv&list=vip-churn-risk"},
		{"Excel, named list", "/export?format=xlsx&list=vip-churn-risk"},
		{"CSV, all consenting", "/export?format=csv"},
	}
	fmt.Printf("%-22s %10s %12s\n", "page", "median ms", "bytes")
	var kv []string
	for _, p := range pages {
		var times []float64
		var size int64
		for i := -1; i < repeat/3+2; i++ {
			t0 := time.Now()
			res, err := client.Get(base + p.path)
			if err != nil {
				return err
			}
			size, err = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if err != nil {
				return err
			}
			if res.StatusCode != http.StatusOK {
				return fmt.Errorf("%s: %s", p.path, res.Status)
			}
			if i >= 0 {
				times = append(times, time.Since(t0).Seconds())
			}
		}
		fmt.Printf("%-22s %10.1f %12d\n", p.name, 1000*median(times), size)
		kv = append(kv, fmt.Sprintf("page_ms{%s}=%.1f", p.path, 1000*median(times)))
	}
	fmt.Printf("\ncustomers=%d\nstar_join_endpoint_ms=%.1f\nstar_join_in_process_ms=%.1f\nstar_join_ratio=%.3f\npoint_endpoint_ms=%.2f\npoint_in_process_ms=%.2f\n",
		customers, 1000*e, 1000*l, e/l, 1000*pw, 1000*pl)
	for _, s := range kv {
		fmt.Println(s)
	}
	return nil
}

func countPgx(ctx context.Context, c *pgx.Conn, q string, args ...any) (int, error) {
	rows, err := c.Query(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		if _, err := rows.Values(); err != nil {
			return 0, err
		}
		n++
	}
	return n, rows.Err()
}

func countSQL(ctx context.Context, db *sql.DB, q string, args ...any) (int, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	_, ptrs := warehouse.ScanTargets(len(cols))
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, err
		}
		n++
	}
	return n, rows.Err()
}

func median(x []float64) float64 {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	return s[len(s)/2]
}
