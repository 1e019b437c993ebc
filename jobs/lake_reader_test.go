package jobs

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/crmwh/crmwh/warehouse"
)

// readerTable is what hyparquet (jobs/testdata/parquet-reader) says of one published table.
type readerTable struct {
	Rows    int64
	Columns map[string]struct {
		Values int64
		Sum    float64
	}
	Types map[string]struct {
		Type      string
		Converted *string
		Logical   map[string]any
		Precision *int
	}
	Folders []string
}

// lakeReader reads every table of the published snapshot (and the masked copy) with hyparquet,
// an implementation of Parquet of its own, and compares the rows, each column's non-null values
// and the sums of its numbers and dates with DuckDB's reading of the same files; every column is
// of a type Spark, Trino and Dask read, and partition folders are named as Hive names them.
func lakeReader(t *testing.T, env *Env) {
	t.Helper()
	reader, _ := filepath.Abs("testdata/parquet-reader")
	if _, err := os.Stat(filepath.Join(reader, "node_modules", "hyparquet")); err != nil {
		t.Fatal("hyparquet is missing from jobs/testdata/parquet-reader (`make test` installs it with npm)")
	}
	man, snap, err := warehouse.CurrentSnapshot(env.LakeDir())
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string]string{} // table: its directory
	for table := range man.Tables {
		dirs[table] = filepath.Join(snap, filepath.FromSlash(strings.ReplaceAll(table, ".", "/")))
	}
	dirs["masked dim_customer"] = filepath.Join(snap, warehouse.MaskedDir, "dim_customer")
	var args []string
	for _, d := range dirs {
		args = append(args, d)
	}
	cmd := exec.Command("node", append([]string{"reader.mjs"}, args...)...)
	cmd.Dir = reader
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node reader.mjs: %v", err)
	}
	var got map[string]readerTable
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	partition := regexp.MustCompile(`^[a-z_]+=(\d{4}-\d{2}|__HIVE_DEFAULT_PARTITION__)$`)
	for table, dir := range dirs {
		r, ok := got[dir]
		if !ok {
			t.Errorf("%s: not read", table)
			continue
		}
		if n, ok := man.Tables[table]; ok && r.Rows != n {
			t.Errorf("%s: hyparquet read %d rows, the manifest says %d", table, r.Rows, n)
		}
		glob := filepath.Join(dir, "**", "*.parquet")
		var cols []struct{ name, typ string }
		rows, err := db.Query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning = false))", glob)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c struct{ name, typ string }
			if err := rows.Scan(&c.name, &c.typ); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, c)
		}
		rows.Close()
		var exprs []string
		for _, c := range cols {
			q := `"` + c.name + `"`
			sum := "0"
			switch {
			case c.typ == "DATE" || strings.HasPrefix(c.typ, "TIMESTAMP"):
				sum = "sum(epoch(" + q + "))"
			case c.typ == "BOOLEAN" || c.typ == "VARCHAR" || strings.Contains(c.typ, "[]") || c.typ == "JSON":
			default:
				sum = "sum(" + q + "::DOUBLE)"
			}
			exprs = append(exprs, "count("+q+")", "coalesce("+sum+", 0)")
		}
		vals, ptrs := warehouse.ScanTargets(1 + len(exprs))
		if err := db.QueryRow(fmt.Sprintf("SELECT count(*), %s FROM read_parquet(?, hive_partitioning = false)", strings.Join(exprs, ", ")), glob).Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if n := toFloat(vals[0]); int64(n) != r.Rows {
			t.Errorf("%s: DuckDB reads %v rows, hyparquet %d", table, n, r.Rows)
		}
		if len(r.Columns) != len(cols) && r.Rows > 0 {
			t.Errorf("%s: hyparquet sees %d columns, DuckDB %d", table, len(r.Columns), len(cols))
		}
		for i, c := range cols {
			h := r.Columns[c.name]
			n, s := toFloat(vals[1+2*i]), toFloat(vals[2+2*i])
			if int64(n) != h.Values {
				t.Errorf("%s.%s: %d values by hyparquet, %v by DuckDB", table, c.name, h.Values, n)
			}
			if math.Abs(s-h.Sum) > 1e-9*math.Max(1, math.Abs(s)) {
				t.Errorf("%s.%s: sum %v by hyparquet, %v by DuckDB", table, c.name, h.Sum, s)
			}
		}
		for name, ty := range r.Types {
			unit, _ := ty.Logical["unit"].(string)
			signed, hasSigned := ty.Logical["isSigned"].(bool)
			switch {
			case ty.Type == "INT96", ty.Logical["type"] == "UUID", unit == "NANOS",
				ty.Precision != nil && *ty.Precision > 38, hasSigned && !signed:
				t.Errorf("%s.%s: Parquet type %+v, which Spark, Trino or Dask do not all read", table, name, ty)
			}
		}
		for _, f := range r.Folders {
			if !partition.MatchString(f) {
				t.Errorf("%s: partition folder %q is not as Hive names one", table, f)
			}
		}
	}
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	case int32:
		return float64(x)
	case nil:
		return 0
	}
	var f float64
	fmt.Sscan(fmt.Sprint(v), &f)
	return f
}
