package main

import (
	"encoding/csv"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/crmwh/crmwh/etl/demodata"
)

// A monthly backfill records a history; report migration compares any two of its dates, and for
// consecutive dates gives what the publish kept in scores.segment_migration.
func TestReportMigration(t *testing.T) {
	data := t.TempDir()
	if out, err := crmwh(t, "--data", data, "generate", "--customers", "300", "--end", "2026-06-30"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err := crmwh(t, "--data", data, "run", "--from", "2026-03-15", "--to", "2026-06-30", "--every", "month")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if n := strings.Count(out, "publish    succeeded"); n != 4 {
		t.Fatalf("%d publishes, want 4 (March to June month ends):\n%s", n, out)
	}
	read := func(args ...string) [][]string {
		t.Helper()
		out, err := crmwh(t, append([]string{"--data", data}, args...)...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return recs[1:]
	}
	total := func(recs [][]string, skip string, col int) int {
		n := 0
		for _, r := range recs {
			if r[col] != skip {
				c, _ := strconv.Atoi(r[5])
				n += c
			}
		}
		return n
	}
	// Any two dates: rows add up to the customers at --from, columns to those at --to.
	m := read("report", "migration", "--by", "churn_risk", "--from", "2026-03-31", "--to", "2026-06-30", "--format", "csv")
	known := read("sql", "--format", "csv", "SELECT (SELECT count(*) FROM scores_as_of(DATE '2026-03-31')), (SELECT count(*) FROM scores_as_of(DATE '2026-06-30'))")
	if got := strconv.Itoa(total(m, "(new)", 3)); got != known[0][0] {
		t.Errorf("rows add up to %s, customers at 2026-03-31: %s", got, known[0][0])
	}
	if got := strconv.Itoa(total(m, "(gone)", 4)); got != known[0][1] {
		t.Errorf("columns add up to %s, customers at 2026-06-30: %s", got, known[0][1])
	}
	// Consecutive dates: the same as the publish kept.
	m = read("report", "migration", "--by", "clv_quadrant", "--from", "2026-05-31", "--to", "2026-06-30", "--format", "csv")
	kept := read("sql", "--format", "csv", `SELECT dimension, from_as_of, to_as_of, from_value, to_value, customers, clv
		FROM scores.segment_migration WHERE dimension = 'clv_quadrant' AND to_as_of = DATE '2026-06-30' ORDER BY from_value, to_value`)
	if len(m) == 0 || len(m) != len(kept) {
		t.Fatalf("report has %d rows, the publish kept %d", len(m), len(kept))
	}
	for i := range m {
		if strings.Join(m[i], ",") != strings.Join(kept[i], ",") {
			t.Errorf("row %d: report %v, kept %v", i, m[i], kept[i])
		}
	}
	// Clear refusals.
	for _, args := range [][]string{
		{"report", "migration", "--by", "favourite_colour", "--from", "2026-05-31", "--to", "2026-06-30"},
		{"report", "migration", "--by", "abc_class", "--from", "2026-06-30", "--to", "2026-05-31"},
		{"report", "migration", "--by", "abc_class", "--from", "May", "--to", "2026-05-31"},
		{"run", "--from", "2026-02-01", "--to", "2026-02-27", "--every", "month"},
		{"run", "--from", "2026-02-01", "--to", "2026-02-27", "--every", "fortnight"},
	} {
		if out, err := crmwh(t, append([]string{"--data", data}, args...)...); err == nil {
			t.Errorf("%v was accepted:\n%s", args, out)
		}
	}
}

// generate --satisfaction-drop-from plants the drift and records it in the manifest.
func TestGenerateDrift(t *testing.T) {
	data := t.TempDir()
	if out, err := crmwh(t, "--data", data, "generate", "--customers", "50", "--end", "2026-06-30", "--satisfaction-drop-from", "2026-04-01"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	m, err := demodata.ReadManifest(filepath.Join(data, "demo"))
	if err != nil {
		t.Fatal(err)
	}
	if m.SatisfactionDropFrom != "2026-04-01" {
		t.Errorf("manifest records the drift from %q", m.SatisfactionDropFrom)
	}
	if out, err := crmwh(t, "--data", t.TempDir(), "generate", "--customers", "50", "--satisfaction-drop-from", "April"); err == nil {
		t.Errorf("a bad date was accepted:\n%s", out)
	}
}
