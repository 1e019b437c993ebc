package main

import (
	"bytes"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/duckdb/duckdb-go/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// crmwh runs the CLI in-process and returns its standard output.
func crmwh(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestCLI(t *testing.T) {
	data := t.TempDir()
	out, err := crmwh(t, "--data", data, "generate", "--customers", "300", "--end", "2026-06-30", "--dirty-rate", "0.01")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "customers=300\n") {
		t.Errorf("generate output lacks customers=300:\n%s", out)
	}

	out, err = crmwh(t, "--data", data, "run", "--as-of", "2026-06-30")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"extract  succeeded", "load     succeeded", "marts    succeeded", "lake     succeeded",
		"rows read = loaded + rejected", "rows_rejected=", "seconds="} {
		if !strings.Contains(out, want) {
			t.Errorf("run output lacks %q:\n%s", want, out)
		}
	}

	query := "SELECT 1 AS n, 'a, b' AS s, CAST(2.5 AS DECIMAL(5, 2)) AS d, DATE '2026-01-02' AS day, TIMESTAMP '2026-01-02 03:04:05' AS ts, NULL AS x, [1, 2] AS l UNION ALL SELECT 22, 'c', 10, NULL, NULL, 3.25, NULL ORDER BY n"
	for _, format := range []string{"table", "csv", "json"} {
		out, err := crmwh(t, "--data", data, "sql", "--format", format, query)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "sql."+format, out)
	}

	out, err = crmwh(t, "--data", data, "schema", "dim_channel")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "schema_dim_channel.txt", out)
	if out, err = crmwh(t, "--data", data, "schema"); err != nil || !strings.Contains(out, "ops.etl_rejects:") || !strings.Contains(out, "fact_customer_month:") {
		t.Errorf("schema lacks tables (%v):\n%.400s", err, out)
	}

	errs := []struct {
		args []string
		want string
	}{
		{[]string{"run", "--as-of", "yesterday"}, `--as-of: "yesterday" is not a date`},
		{[]string{"run", "bogus"}, `unknown job "bogus"`},
		{[]string{"sql", "SELECT * FROM nope"}, "nope does not exist"},
		{[]string{"sql", "--format", "xml", "SELECT 1"}, "--format must be table, csv or json"},
		{[]string{"schema", "nope"}, `no table "nope"`},
		{[]string{"--config", filepath.Join(data, "absent.yaml"), "run"}, "no such file"},
		{[]string{"--log-format", "yaml", "run"}, "--log-format must be text or json"},
	}
	for _, e := range errs {
		if _, err := crmwh(t, append([]string{"--data", data}, e.args...)...); err == nil || !strings.Contains(err.Error(), e.want) {
			t.Errorf("crmwh %v: error %v, want one containing %q", e.args, err, e.want)
		}
	}
	if _, err := crmwh(t, "--data", t.TempDir(), "sql", "SELECT 1"); err == nil || !strings.Contains(err.Error(), "crmwh run") {
		t.Errorf("sql without a warehouse: %v", err)
	}
}

func TestDemo(t *testing.T) {
	data := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "small.yaml")
	if err := os.WriteFile(cfg, []byte("generate:\n  customers: 400\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := crmwh(t, "--config", cfg, "--data", data, "demo")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"Generating demo data: 400 customers", "Rows per table", "fact_sales", "ops.etl_rejects",
		"Rejected rows by reason", "Finished in", "Try:", "customers=400\n", "order_lines="} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	// A second demo reuses the data and changes nothing.
	out, err = crmwh(t, "--config", cfg, "--data", data, "demo")
	if err != nil || !strings.Contains(out, "Using the demo data") {
		t.Fatalf("second demo: %v\n%s", err, out)
	}
}

func TestNum(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", -1234567: "-1,234,567", 37305614: "37,305,614"} {
		if got := num(n); got != want {
			t.Errorf("num(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDecimalText(t *testing.T) {
	tests := []struct {
		value int64
		scale uint8
		want  string
	}{
		{250, 2, "2.50"}, {1000, 2, "10.00"}, {-5, 2, "-0.05"}, {0, 2, "0.00"}, {7, 0, "7"}, {12345, 4, "1.2345"},
	}
	for _, tc := range tests {
		if got := decimalText(duckdb.Decimal{Width: 18, Scale: tc.scale, Value: big.NewInt(tc.value)}); got != tc.want {
			t.Errorf("decimalText(%d, scale %d) = %q, want %q", tc.value, tc.scale, got, tc.want)
		}
	}
}
