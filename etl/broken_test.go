package etl_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmwh/crmwh/etl"
	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/warehouse"
)

// brokenLines are the ways one physical line of an export breaks, each with the reason it
// must be rejected for; every one is planted after the line's first comma.
var brokenLines = []struct {
	name, reason string
	plant        func(rest string) string
}{
	{"unclosed quote", etl.ReasonUnterminatedQuote, func(rest string) string { return `"` + rest }},
	{"invalid UTF-8", etl.ReasonInvalidEncoding, func(rest string) string { return "\xff\xfe" + rest }},
	{"wrong field count", etl.ReasonMalformedRow, func(rest string) string { return rest + ",extra" }},
	{"huge field", etl.ReasonFieldTooLong, func(rest string) string { return strings.Repeat("x", 2<<20) + rest }},
}

// One broken line in any table of a real-sized export costs that line, and the rows that
// reference the row it held (counted here from the clean files with encoding/csv), nothing
// else: rows read = physical data lines = loaded + rejected.
func TestBrokenLineCostsThatLine(t *testing.T) {
	ctx := context.Background()
	clean := t.TempDir()
	if _, err := demodata.Generate(ctx, demodata.Options{Customers: 300, Seed: 5, End: pgDay1, Dir: clean}); err != nil {
		t.Fatal(err)
	}
	files := map[string][]string{} // table -> physical lines, header first
	for _, tb := range etl.Contract {
		b, err := os.ReadFile(filepath.Join(clean, tb.Name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		files[tb.Name] = strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	tables := etl.Contract
	if testing.Short() {
		tables = []etl.Table{*etl.TableByName("customers"), *etl.TableByName("order_items")}
	}
	for _, tb := range tables {
		lines := files[tb.Name]
		n := len(lines) - 1
		if n < 3 {
			t.Fatalf("%s has %d data lines; the test needs lines after the broken one", tb.Name, n)
		}
		k := n / 2 // the data line to break (1 = the line after the header)
		for strings.HasPrefix(lines[k][strings.Index(lines[k], ",")+1:], `"`) {
			k++
		}
		lost := dependants(t, files, tb.Name, lines[0], lines[k])
		for _, kind := range brokenLines {
			t.Run(tb.Name+"/"+kind.name, func(t *testing.T) {
				src := t.TempDir()
				for name, ls := range files {
					out := append([]string(nil), ls...)
					if name == tb.Name {
						i := strings.Index(out[k], ",")
						out[k] = out[k][:i+1] + kind.plant(out[k][i+1:])
					}
					if err := os.WriteFile(filepath.Join(src, name+".csv"), []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				lake := t.TempDir()
				ex, err := etl.ExtractCSV(ctx, src, lake, pgDay1, etl.CSVOptions{}, pgQuiet)
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range ex {
					if want := int64(len(files[x.Table]) - 1); x.Rows != want || x.Lines != want {
						t.Errorf("%s: extracted %d rows from %d lines; the file has %d data lines", x.Table, x.Rows, x.Lines, want)
					}
				}
				db, stats := loadLake(t, lake)
				for _, s := range stats {
					want := lost[s.Source]
					if s.Source == tb.Name {
						want = 1
					}
					if s.Read != int64(len(files[s.Source])-1) || s.Read != s.Loaded+s.Rejected || s.Rejected != int64(want) {
						t.Errorf("%s: read %d, loaded %d, rejected %d; want %d rejected of %d lines", s.Source, s.Read, s.Loaded, s.Rejected, want, len(files[s.Source])-1)
					}
				}
				var reason, detail string
				var line int64
				if err := db.QueryRow("SELECT reason, detail, source_row FROM ops.etl_rejects WHERE source_table = ?", tb.Name).Scan(&reason, &detail, &line); err != nil {
					t.Fatal(err)
				}
				if reason != kind.reason || line != int64(k) || len(detail) > 200 {
					t.Errorf("rejected line %d as %s (%d bytes of detail: %.200s); want line %d as %s", line, reason, len(detail), detail, k, kind.reason)
				}
				var others int
				if err := db.QueryRow("SELECT count(*) FROM ops.etl_rejects WHERE source_table <> ? AND reason <> 'unknown_reference'", tb.Name).Scan(&others); err != nil || others != 0 {
					t.Errorf("%d rejects of other tables for another reason than the lost reference (%v)", others, err)
				}
			})
		}
	}
}

// dependants counts, per table, the rows that reference the row on line (directly or through
// another dependant), from the clean files.
func dependants(t *testing.T, files map[string][]string, table, header, line string) map[string]int {
	t.Helper()
	parse := func(s string) []string {
		r, err := csv.NewReader(strings.NewReader(s)).Read()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	out := map[string]int{}
	type row struct {
		table  string
		fields map[string]string
	}
	record := func(table, header, line string) row {
		h, f := parse(header), parse(line)
		m := map[string]string{}
		for i := range h {
			m[strings.TrimSpace(h[i])] = f[i]
		}
		return row{table, m}
	}
	queue := []row{record(table, header, line)}
	seen := map[string]bool{}
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		for _, child := range etl.Contract {
			for _, ref := range child.Refs {
				if ref.Table != parent.table {
					continue
				}
				ls := files[child.Name]
				for i, l := range ls[1:] {
					r := record(child.Name, ls[0], l)
					id := fmt.Sprint(child.Name, i)
					if r.fields[ref.Column] == parent.fields[ref.TargetColumn()] && r.fields[ref.Column] != "" && !seen[id] {
						seen[id] = true
						out[child.Name]++
						queue = append(queue, r)
					}
				}
			}
		}
	}
	return out
}

// A UTF-8 byte-order mark, CRLF line ends and quoted line breaks are data, not errors.
func TestCSVDialectLoads(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	dir := t.TempDir()
	if _, err := demodata.Generate(ctx, demodata.Options{Customers: 30, Seed: 5, End: pgDay1, Dir: dir}); err != nil {
		t.Fatal(err)
	}
	extra := 0
	for _, tb := range etl.Contract {
		b, err := os.ReadFile(filepath.Join(dir, tb.Name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if tb.Name == "customers" {
			// Every customer's name gains a quoted line break.
			ls := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			for i := 1; i < len(ls); i++ {
				c := strings.Index(ls[i], ",")
				d := c + 1 + strings.Index(ls[i][c+1:], ",")
				ls[i] = ls[i][:c+1] + `"` + strings.ReplaceAll(ls[i][c+1:d], `"`, "") + "\nline two\"" + ls[i][d:]
				extra++
			}
			b = []byte(strings.Join(ls, "\n") + "\n")
		}
		b = append([]byte("\ufeff"), bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))...)
		if err := os.WriteFile(filepath.Join(src, tb.Name+".csv"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lake := t.TempDir()
	ex, err := etl.ExtractCSV(ctx, src, lake, pgDay1, etl.CSVOptions{}, pgQuiet)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ex {
		if x.Table == "customers" && x.Lines != x.Rows+int64(extra) {
			t.Errorf("customers: %d rows from %d lines, want %d more lines than rows", x.Rows, x.Lines, extra)
		}
	}
	db, stats := loadLake(t, lake)
	for _, s := range stats {
		if s.Rejected != 0 {
			t.Errorf("%s: %d rejected", s.Source, s.Rejected)
		}
	}
	var bad int
	var sample string
	if err := db.QueryRow(`SELECT count(*) FILTER (WHERE NOT ends_with(name, e'\nline two') OR contains(name, e'\r')), any_value(name) FROM dim_customer`).Scan(&bad, &sample); err != nil || bad != 0 {
		t.Errorf("%d customer names lost their line break or kept a CR, e.g. %q (%v)", bad, sample, err)
	}
}

// loadLake loads the landing zone's partitions of pgDay1 into a new warehouse.
func loadLake(t *testing.T, lake string) (*warehouse.DB, []etl.LoadStats) {
	t.Helper()
	db, err := warehouse.Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"), warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	stats, err := etl.Load(context.Background(), db, lake, pgDay1, "run-1")
	if err != nil {
		t.Fatal(err)
	}
	return db, stats
}
