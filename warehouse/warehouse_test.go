package warehouse

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	tests := []struct {
		name   string
		script string
		want   []string
	}{
		{"two statements", "SELECT 1;\nSELECT 2;\n", []string{"SELECT 1", "SELECT 2"}},
		{"no final semicolon", "SELECT 1", []string{"SELECT 1"}},
		{"semicolon in a string", "SELECT 'a;b';", []string{"SELECT 'a;b'"}},
		{"escaped quote", "SELECT 'it''s; fine';", []string{"SELECT 'it''s; fine'"}},
		{"semicolon in an identifier", `SELECT 1 AS "x;y";`, []string{`SELECT 1 AS "x;y"`}},
		{"semicolon in a comment", "-- one; two\nSELECT 1;", []string{"-- one; two\nSELECT 1"}},
		{"comment-only chunks dropped", "SELECT 1;\n-- trailing note\n", []string{"SELECT 1"}},
		{"empty", "  \n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SplitStatements(tc.script); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFirstKeyword(t *testing.T) {
	for in, want := range map[string]string{
		"-- note\n  insert into t values (1)": "INSERT",
		"UPDATE t SET a = 1":                  "UPDATE",
		"(SELECT 1)":                          "(SELECT",
		"-- only a comment":                   "",
	} {
		if got := firstKeyword(in); got != want {
			t.Errorf("firstKeyword(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOpenMigratesAndCounts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	db, err := Open(ctx, path, Options{MemoryLimit: "256MB", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Every table and column of the DDL carries a description.
	var undocumented int
	if err := db.QueryRow(`SELECT count(*) FROM duckdb_columns() c JOIN duckdb_tables() t USING (database_name, schema_name, table_name)
		WHERE coalesce(c.comment, '') = '' OR coalesce(t.comment, '') = ''`).Scan(&undocumented); err != nil {
		t.Fatal(err)
	}
	if undocumented != 0 {
		t.Errorf("%d columns without a description", undocumented)
	}
	c, err := RunScript(ctx, db, "load/none_members.sql", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Inserted != 2 {
		t.Errorf("none_members inserted %d rows, want 2", c.Inserted)
	}
	if c, _ = RunScript(ctx, db, "load/none_members.sql", nil); c.Inserted != 0 {
		t.Errorf("none_members is not idempotent: %d rows the second time", c.Inserted)
	}
	db.Close()

	// Opening again is idempotent; read-only opens refuse to create a file.
	db, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "absent.duckdb"), Options{ReadOnly: true}); err == nil {
		t.Error("a read-only open of a missing warehouse succeeded")
	}
}

func TestRenderTemplate(t *testing.T) {
	got, err := Render("load/check_duplicates.sql", map[string]any{"Table": "x", "KeyColumns": []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"INSERT INTO rej_x", "FROM stg_x AS s", "GROUP BY a, b", "s.a = d.a AND s.b = d.b"} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered SQL lacks %q:\n%s", want, got)
		}
	}
	if _, err := Render("load/absent.sql", nil); err == nil {
		t.Error("rendering a missing file succeeded")
	}
}
