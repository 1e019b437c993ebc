package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/crmwh/crmwh/internal/pgtest"
)

// The PostgreSQL path end to end: generate into a real server, run from it with the shipped
// config (DSN from the environment), apply a later day, run incrementally.
func TestPostgresPipeline(t *testing.T) {
	srv := pgtest.Start(t)
	dsn := srv.Database(t, "shop")
	t.Setenv("CRMWH_PG_DSN", dsn)
	data := t.TempDir()
	cfg, err := filepath.Abs("../../configs/postgres.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := crmwh(t, "--data", data, "generate", "--customers", "200", "--end", "2026-06-30", "--start", "2024-07-01",
		"--dirty-rate", "0", "--out", filepath.Join(data, "day1"), "--postgres", dsn)
	if err != nil || !strings.Contains(out, "postgres_rows=") {
		t.Fatalf("generate --postgres: %v\n%s", err, out)
	}
	out, err = crmwh(t, "--config", cfg, "--data", data, "sources", "check", "--as-of", "2026-06-30")
	if err != nil || !strings.Contains(out, "source_ok=true") || !strings.Contains(out, "rows_rejected=0") {
		t.Fatalf("sources check: %v\n%s", err, out)
	}
	out, err = crmwh(t, "--config", cfg, "--data", data, "run", "--as-of", "2026-06-30")
	if err != nil || !strings.Contains(out, "status=succeeded") {
		t.Fatalf("run from PostgreSQL: %v\n%s", err, out)
	}
	first := regexp.MustCompile(`rows_read=(\d+)`).FindStringSubmatch(out)
	out, err = crmwh(t, "--data", data, "generate", "--customers", "200", "--end", "2026-07-14", "--start", "2024-07-01",
		"--dirty-rate", "0", "--out", filepath.Join(data, "day2"), "--postgres", dsn, "--update")
	if err != nil {
		t.Fatalf("generate --update: %v\n%s", err, out)
	}
	changed := regexp.MustCompile(`postgres_rows=(\d+)`).FindStringSubmatch(out)
	out, err = crmwh(t, "--config", cfg, "--data", data, "run", "--as-of", "2026-07-14")
	if err != nil || !strings.Contains(out, "status=succeeded") {
		t.Fatalf("incremental run: %v\n%s", err, out)
	}
	second := regexp.MustCompile(`rows_read=(\d+)`).FindStringSubmatch(out)
	if first == nil || second == nil || changed == nil || second[1] != changed[1] || second[1] == first[1] {
		t.Errorf("the incremental run read %v rows; %v changed; the first run read %v", second, changed, first)
	}
	out, err = crmwh(t, "--data", data, "sql", "--format", "csv", "SELECT count(*) AS n, max(as_of) AS as_of FROM ops.source_watermarks")
	if err != nil || !strings.HasPrefix(out, "n,as_of\n10,2026-07-14") {
		t.Errorf("watermarks: %q (%v)", out, err)
	}
	// An unreachable database is a clear error.
	t.Setenv("CRMWH_PG_DSN", "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if _, err := crmwh(t, "--config", cfg, "--data", t.TempDir(), "sources", "check"); err == nil || !strings.Contains(err.Error(), "connect to PostgreSQL") {
		t.Errorf("unreachable database: %v", err)
	}
	// A missing DSN variable is a clear error.
	os.Unsetenv("CRMWH_PG_DSN")
	if _, err := crmwh(t, "--config", cfg, "--data", data, "run"); err == nil || !strings.Contains(err.Error(), "CRMWH_PG_DSN is not set") {
		t.Errorf("without the DSN variable: %v", err)
	}
}

// The invoice-line example maps its sample onto the contract: the expected rows load, the
// filtered ones are gone, and the bad values are rejected with their reasons.
func TestInvoiceExample(t *testing.T) {
	examples, err := filepath.Abs("../../configs/examples")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("CRMWH_EXAMPLES", examples)
	data := t.TempDir()
	cfg := filepath.Join(examples, "invoices.yaml")
	out, err := crmwh(t, "--config", cfg, "--data", data, "run", "extract", "load", "marts", "--as-of", "2010-12-01")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	golden(t, "invoices_load.txt", regexp.MustCompile(`(?s)Load:.*?total[^\n]*\n`).FindString(out))
	// sources check reports the same without loading anything.
	check, err := crmwh(t, "--config", cfg, "--data", t.TempDir(), "sources", "check", "--as-of", "2010-12-01")
	if err != nil || !strings.Contains(check, "rows_read=60\nrows_rejected=3\n") || !strings.Contains(check, "unparsable_date") {
		t.Errorf("sources check: %v\n%s", err, check)
	}
	// ... and the data checks of the trial load.
	if !regexp.MustCompile(`(?m)^sales lines are unique +fact_sales +error +pass +0`).MatchString(check) {
		t.Errorf("sources check lacks the data checks of the trial load:\n%s", check)
	}
	out, err = crmwh(t, "--data", data, "sql", "--format", "csv",
		"SELECT source_table, reason, detail FROM ops.etl_rejects ORDER BY ALL")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "invoices_rejects.csv", out)
	out, err = crmwh(t, "--data", data, "sql", "--format", "csv",
		"SELECT count(DISTINCT order_id) AS orders, count(*) AS lines, sum(quantity) AS units, sum(net_amount) AS revenue FROM fact_sales")
	// computed independently from the sample: 21 kept lines of 9 invoices, 275 units, 722.47
	if err != nil || out != "orders,lines,units,revenue\n9,21,275,722.47\n" {
		t.Errorf("fact_sales: %q (%v)", out, err)
	}
}
