package serve

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/crmwh/crmwh/configs"
)

func TestPgCompat(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT * FROM fact_sales WHERE x = 'pg_catalog.pg_class'", "SELECT * FROM fact_sales WHERE x = 'pg_catalog.pg_class'"},
		{"SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relname OPERATOR(pg_catalog.~) '^(fact_sales)$' COLLATE pg_catalog.default",
			"SELECT c.relname FROM pg_class c WHERE c.relname ~ '.*(?:^(fact_sales)$).*'"},
		// PostgreSQL's ~ finds a match anywhere; DuckDB's must match the whole string.
		{"SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE n.nspname !~ '^pg_' AND n.nspname ~~ 'm%'",
			"SELECT n.nspname FROM pg_namespace n WHERE n.nspname !~ '.*(?:^pg_).*' AND n.nspname ~~ 'm%'"},
		// reg* casts of names are looked up; shown ones print the name.
		{"SELECT 1 FROM pg_catalog.pg_description d WHERE d.classoid = 'pg_class'::regclass AND d.objoid = $1::regclass",
			"SELECT 1 FROM pg_description d WHERE d.classoid = pg_regclass('pg_class') AND d.objoid = pg_regclass($1)"},
		{"SELECT conrelid::pg_catalog.regclass AS ontable, a.attrelid::regclass::text FROM pg_catalog.pg_constraint",
			"SELECT pg_regclass_name(conrelid) AS ontable, pg_regclass_name(a.attrelid) FROM pg_constraint"},
		{"SELECT typinput='pg_catalog.array_in'::regproc, 'int4'::regtype FROM pg_catalog.pg_type",
			"SELECT typinput=pg_regproc('pg_catalog.array_in'), pg_regtype('int4') FROM pg_type"},
		{"SELECT (information_schema._pg_expandarray(i.indkey)).n, json_build_object('a', 1) FROM pg_catalog.pg_index i",
			"SELECT (_pg_expandarray(i.indkey)).n, json_object('a', 1) FROM pg_index i"},
		{"SELECT pg_catalog.format_type(a.atttypid, a.atttypmod), 'it''s pg_catalog.x' FROM pg_catalog.pg_attribute a WHERE a.attrelid = '42'::pg_catalog.oid",
			"SELECT format_type(a.atttypid, a.atttypmod), 'it''s pg_catalog.x' FROM pg_attribute a WHERE a.attrelid = '42'::BIGINT"},
		{"SELECT stxrelid::pg_catalog.regclass FROM pg_catalog.pg_statistic_ext", "SELECT pg_regclass(stxrelid) FROM pg_statistic_ext"},
		{"SELECT (a + b)::regclass FROM pg_catalog.pg_class", "SELECT (a + b)::BIGINT FROM pg_class"},
		{"SHOW server_version_num", "SELECT '150000' AS \"server_version_num\""},
		{"SELECT 'unterminated pg_catalog.", "SELECT 'unterminated pg_catalog."},
	} {
		if got := pgCompat(tc.in); got != tc.want {
			t.Errorf("pgCompat(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestSplitLiterals(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"a", []string{"a"}},
		{"a 'b' c", []string{"a ", "'b'", " c"}},
		{"'x''y' z", []string{"", "'x''y'", " z"}},
		{"a 'open", nil},
	} {
		got := splitLiterals(tc.in)
		if len(got) != len(tc.want) {
			t.Errorf("splitLiterals(%q) = %q, want %q", tc.in, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("splitLiterals(%q) = %q, want %q", tc.in, got, tc.want)
				break
			}
		}
	}
}

func TestNamedListsAreChecked(t *testing.T) {
	cfg, err := configs.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(t.TempDir(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatalf("the default lists: %v", err)
	}
	cfg.Serve.Lists = append(cfg.Serve.Lists, configs.List{Name: "odd", Filters: map[string]string{"colour": "red"}})
	if _, err := New(t.TempDir(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil || !strings.Contains(err.Error(), `serve.lists "odd": unknown filter "colour"`) {
		t.Errorf("a list with an unknown filter: %v", err)
	}
}
