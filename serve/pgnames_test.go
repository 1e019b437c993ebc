package serve_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Result columns the query does not name are named as PostgreSQL names them, in the simple and
// the extended protocol; version() and SHOW answer in PostgreSQL's form, as drivers parse them.
func TestPostgresNames(t *testing.T) {
	ctx := context.Background()
	c := connect(t, "ann")
	const q = `SELECT count(*), sum(net_amount), 1 + 1, quantity, f.order_status, quantity::INTEGER, count(*) AS n,
		CASE WHEN quantity > 1 THEN 1 END FROM fact_sales AS f WHERE quantity > $1 GROUP BY quantity, f.order_status`
	want := "count sum ?column? quantity order_status quantity n case"
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeExec, pgx.QueryExecModeCacheStatement} {
		rows, err := c.Query(ctx, q, mode, 0)
		if err != nil {
			t.Fatalf("%v: %v", mode, err)
		}
		var names []string
		for _, f := range rows.FieldDescriptions() {
			names = append(names, f.Name)
		}
		rows.Close()
		if got := strings.Join(names, " "); got != want {
			t.Errorf("%v: columns %q, want %q", mode, got, want)
		}
	}
	// A star keeps the table's names; an alias is kept.
	rows, err := c.Query(ctx, "SELECT *, count(*) OVER () AS total FROM dim_store LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range rows.FieldDescriptions() {
		names = append(names, f.Name)
	}
	rows.Close()
	if got := strings.Join(names, " "); got != "store_key store_id name city region total" {
		t.Errorf("star columns %q", got)
	}
	for query, pattern := range map[string]string{
		"SELECT version()":                  `^PostgreSQL 15\.0 on \S+, crmwh `,
		"SHOW server_version":               `^15\.0$`,
		"SHOW transaction isolation level":  `^read committed$`,
		"show standard_conforming_strings;": `^on$`,
	} {
		var v string
		if err := c.QueryRow(ctx, query, pgx.QueryExecModeSimpleProtocol).Scan(&v); err != nil || !regexp.MustCompile(pattern).MatchString(v) {
			t.Errorf("%s: %q (%v), want %s", query, v, err, pattern)
		}
	}
}

// pgbench in the three protocols, with a parameter and unnamed result columns: no failure.
func TestPgbench(t *testing.T) {
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
	if len(bins) == 0 {
		t.Fatal("no pgbench (install the Debian package postgresql; `make test` does)")
	}
	script := filepath.Join(t.TempDir(), "q.sql")
	if err := os.WriteFile(script, []byte("\\set c random(1, 5)\nSELECT count(*), sum(net_amount) FROM fact_sales WHERE quantity > :c;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(fx.pgAddr)
	for _, mode := range []string{"simple", "extended", "prepared"} {
		cmd := exec.Command(bins[len(bins)-1], "-h", host, "-p", port, "-U", "ann", "-n", "-M", mode, "-c", "32", "-j", "2", "-T", "3", "-f", script, "crmwh")
		cmd.Env = append(os.Environ(), "PGPASSWORD="+users["ann"][1])
		out, err := cmd.CombinedOutput()
		m := regexp.MustCompile(`number of transactions actually processed: (\d+)`).FindSubmatch(out)
		if err != nil || m == nil || string(m[1]) == "0" || !strings.Contains(string(out), "number of failed transactions: 0 ") {
			t.Errorf("pgbench -M %s: %v\n%s", mode, err, out)
			continue
		}
		t.Logf("pgbench -M %s, 32 clients, 3 s: %s transactions, none failed", mode, m[1])
	}
}
