package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A corrected export replaces a landing partition only when asked, and the run says so (with
// its data checks that warned).
func TestReplaceExport(t *testing.T) {
	data, cfg := smallData(t, 60, "checks:\n  custom:\n    - {name: single items, kind: range, table: fact_sales, column: quantity, max: 1, severity: warn, key: order_id}\n")
	run := func(args ...string) (string, error) {
		return crmwh(t, append([]string{"--config", cfg, "--data", data, "run", "checks", "--as-of", "2026-06-30"}, args...)...)
	}
	if out, err := run(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	orders := filepath.Join(data, "src", "orders.csv")
	b, err := os.ReadFile(orders)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	// The corrected export drops the last order (its lines are then rejected as unknown).
	if err := os.WriteFile(orders, []byte(strings.Join(lines[:len(lines)-1], "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run(); err == nil || !strings.Contains(err.Error(), "--replace-export") {
		t.Fatalf("a different export for the same date: %v\n%s", err, out)
	}
	if out, err := run("--replace-export"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err := crmwh(t, "--data", data, "sql", "--format", "csv", "SELECT run_id, source_table FROM ops.replaced_exports")
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(out), "\n")
	if len(rows) != 2 || !strings.HasSuffix(rows[1], ",orders") {
		t.Fatalf("ops.replaced_exports:\n%s", out)
	}
	runID := strings.Split(rows[1], ",")[0]
	out, err = crmwh(t, "--data", data, "runs", runID)
	if err != nil || !strings.Contains(out, "export replaced") || !strings.Contains(out, "check warn: single items") {
		t.Errorf("crmwh runs %s does not tell of the replaced export (%v):\n%s", runID, err, out)
	}
}
