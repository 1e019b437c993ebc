package serve_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/lib/pq"

	"github.com/crmwh/crmwh/serve"
	"github.com/crmwh/crmwh/warehouse"
)

// What the catalog must say of the published snapshot, worked out here from DuckDB's own
// description of it (the in-process catalog), independently of the endpoint's pg_compat.sql.
type wantColumn struct {
	schema, table, name string
	position            int
	duckType            string
	precision, scale    int
	comment             string
}

type wantTable struct {
	schema, name, comment string
}

func snapshotCatalog(t *testing.T) ([]wantTable, []wantColumn) {
	t.Helper()
	db := inProcess(t)
	var tables []wantTable
	rows, err := db.Query(`SELECT schema_name, view_name, coalesce(comment, '') FROM duckdb_views()
		WHERE NOT internal AND NOT temporary ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var w wantTable
		if err := rows.Scan(&w.schema, &w.name, &w.comment); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, w)
	}
	rows.Close()
	var cols []wantColumn
	rows, err = db.Query(`SELECT c.schema_name, c.table_name, c.column_name, c.column_index, c.data_type,
			coalesce(c.numeric_precision, 0), coalesce(c.numeric_scale, 0), coalesce(c.comment, '')
		FROM duckdb_columns() AS c JOIN duckdb_views() AS v ON v.view_oid = c.table_oid
		WHERE NOT v.internal AND NOT v.temporary ORDER BY 1, 2, 4`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var w wantColumn
		if err := rows.Scan(&w.schema, &w.table, &w.name, &w.position, &w.duckType, &w.precision, &w.scale, &w.comment); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, w)
	}
	rows.Close()
	if len(tables) < 30 || len(cols) < 300 {
		t.Fatalf("the snapshot has %d tables and %d columns: too few to be the published one", len(tables), len(cols))
	}
	return tables, cols
}

// jdbcType is the java.sql.Types code and pgjdbc type name a DuckDB column must reach a JDBC
// client with: PostgreSQL's type for the values the endpoint sends.
func jdbcType(duckType string) (int, string) {
	switch {
	case strings.HasPrefix(duckType, "DECIMAL("), duckType == "HUGEINT", duckType == "UBIGINT":
		return 2, "numeric" // NUMERIC
	}
	switch duckType {
	case "BIGINT", "UINTEGER":
		return -5, "int8"
	case "INTEGER", "USMALLINT":
		return 4, "int4"
	case "SMALLINT", "TINYINT", "UTINYINT":
		return 5, "int2"
	case "BOOLEAN":
		return -7, "bool" // pgjdbc reports bool as BIT
	case "DOUBLE":
		return 8, "float8"
	case "FLOAT":
		return 7, "float4"
	case "DATE":
		return 91, "date"
	case "TIMESTAMP":
		return 93, "timestamp"
	case "TIMESTAMP WITH TIME ZONE":
		return 93, "timestamptz"
	}
	return 12, "text" // VARCHAR, and lists and structs sent as text
}

// foreignKeys are the star schema's references by its naming rule (a column named as a
// dimension's surrogate key), each checked against the data: every non-NULL value is a key of
// the dimension, and the dimension's key is unique.
func foreignKeys(t *testing.T, cols []wantColumn) (pks map[string]string, fks []string) {
	t.Helper()
	db := inProcess(t)
	pks = map[string]string{}
	dimOf := map[string]string{}
	for _, s := range warehouse.StarTables {
		if s.Key != "" {
			pks[s.Name] = s.Key
			dimOf[s.Key] = s.Name
			var n, distinct int64
			if err := db.QueryRow(fmt.Sprintf("SELECT count(*), count(DISTINCT %s) FROM %s", s.Key, s.Name)).Scan(&n, &distinct); err != nil {
				t.Fatal(err)
			}
			if n != distinct || n == 0 {
				t.Errorf("%s.%s: %d rows, %d distinct keys: not a primary key", s.Name, s.Key, n, distinct)
			}
		}
	}
	for _, c := range cols {
		dim, ok := dimOf[c.name]
		if !ok || c.schema != "main" || c.table == dim || !strings.HasPrefix(c.table, "dim_") && !strings.HasPrefix(c.table, "fact_") {
			continue
		}
		fks = append(fks, fmt.Sprintf("%s.%s -> %s.%s", c.table, c.name, dim, c.name))
		var orphans int64
		q := fmt.Sprintf("SELECT count(*) FROM %s AS f WHERE f.%s IS NOT NULL AND f.%[2]s NOT IN (SELECT %[2]s FROM %s)", c.table, c.name, dim)
		if err := db.QueryRow(q).Scan(&orphans); err != nil {
			t.Fatal(err)
		}
		if orphans != 0 {
			t.Errorf("%s.%s: %d values without a row in %s", c.table, c.name, orphans, dim)
		}
	}
	sort.Strings(fks)
	return pks, fks
}

// rssKB samples this process's resident memory (the server runs in it).
func rssKB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	m := regexp.MustCompile(`VmRSS:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return n
}

// peakRSS runs fn and returns how far above its level before fn this process's memory rose.
// The server runs in the test's process, whose heap is large from the fixture: the garbage
// collector is made to keep up, so that the figure is what the server holds, not the garbage
// Go's pacing lets grow with the heap.
func peakRSS(fn func()) int64 {
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	debug.FreeOSMemory()
	base := rssKB()
	var peak atomic.Int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			if v := rssKB(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	return peak.Load() - base
}

// The wide rows of the fetch-size reads: 1,000,000 of about 510 bytes, 510 MB if held at once.
const (
	bigQuery = "SELECT i, repeat('x', 500) || i AS pad FROM range(1000000) AS t(i)"
	bigRows  = 1000000
	bigSum   = 499999500000
	// A materialized result of bigQuery takes more than 500 MB; a streamed one, the batch.
	bigMaxKB = 200 << 10
)

// pgjdbc (Debian libpostgresql-jdbc-java, what DBeaver, Metabase and DataGrip use) calls the
// DatabaseMetaData methods a BI tool calls on connect; every answer is checked against the
// snapshot. Then a prepared star join, and 1,000,000 wide rows read with setFetchSize(10000)
// in a transaction while the server's memory stays bounded.
func TestJDBC(t *testing.T) {
	jar := "/usr/share/java/postgresql.jar"
	if _, err := os.Stat(jar); err != nil {
		t.Fatal("pgjdbc is missing (Debian libpostgresql-jdbc-java; `make test` installs it)")
	}
	classes := t.TempDir()
	if out, err := exec.Command("javac", "-d", classes, "testdata/jdbc/MetaData.java").CombinedOutput(); err != nil {
		t.Fatalf("javac (Debian default-jdk-headless; `make test` installs it): %v\n%s", err, out)
	}
	host, port, _ := net.SplitHostPort(fx.pgAddr)
	url := fmt.Sprintf("jdbc:postgresql://%s:%s/crmwh?sslmode=disable&prepareThreshold=1", host, port)
	java := func(args ...string) []byte {
		cmd := exec.Command("java", append([]string{"-cp", jar + string(os.PathListSeparator) + classes, "MetaData", url, "ann", users["ann"][1]}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("java MetaData %s: %v\n%s", args[0], err, tail(out))
		}
		return out
	}
	out := java("metadata")
	var fetched []byte
	grew := peakRSS(func() { fetched = java("fetch", bigQuery) })
	got := map[string][][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)+string(fetched)), "\n") {
		f := strings.Split(line, "\t")
		got[f[0]] = append(got[f[0]], f[1:])
	}
	tables, cols := snapshotCatalog(t)

	if p := got["product"]; len(p) != 2 || p[0][0] != "PostgreSQL" {
		t.Errorf("product %q", p)
	}
	var schemas []string
	for _, s := range got["schema"] {
		schemas = append(schemas, s[0])
	}
	for _, want := range []string{"main", "ops", "scores"} {
		if !slicesContains(schemas, want) {
			t.Errorf("getSchemas %v lacks %s", schemas, want)
		}
	}

	var wantTables, gotTables []string
	for _, w := range tables {
		wantTables = append(wantTables, strings.Join([]string{w.schema, w.name, "TABLE", orNull(w.comment)}, "|"))
	}
	for _, g := range got["table"] {
		gotTables = append(gotTables, strings.Join(g, "|"))
	}
	sort.Strings(gotTables)
	if strings.Join(gotTables, "\n") != strings.Join(wantTables, "\n") {
		t.Errorf("getTables:\n%s\nwant (every published table, with its description):\n%s", strings.Join(gotTables, "\n"), strings.Join(wantTables, "\n"))
	}

	var wantCols, gotCols []string
	for _, c := range cols {
		code, name := jdbcType(c.duckType)
		size, digits := -1, 0
		if code == 2 && strings.HasPrefix(c.duckType, "DECIMAL(") {
			size, digits = c.precision, c.scale
		}
		wantCols = append(wantCols, fmt.Sprintf("%s|%s|%s|%d|%d|%s|%d|%d|%s", c.schema, c.table, c.name, c.position, code, name, size, digits, orNull(c.comment)))
	}
	for _, g := range got["column"] {
		// schema, table, name, position, type, type name, size, digits, nullable, remarks
		size, digits := g[6], g[7]
		if g[4] != "2" || g[5] != "numeric" {
			// pgjdbc's sizes and digits of other types are its own fixed numbers, not the catalog's
			size, digits = "-1", "0"
		}
		gotCols = append(gotCols, strings.Join([]string{g[0], g[1], g[2], g[3], g[4], g[5], size, digits, g[9]}, "|"))
	}
	sort.Strings(gotCols)
	sort.Strings(wantCols)
	if d := firstDiff(gotCols, wantCols); d != "" {
		t.Errorf("getColumns (%d columns, want %d): %s", len(gotCols), len(wantCols), d)
	}
	var numeric int
	for _, g := range got["column"] {
		if g[2] == "net_amount" && g[1] == "fact_sales" && (g[4] != "2" || g[6] != "18" || g[7] != "2") {
			t.Errorf("fact_sales.net_amount: %q, want NUMERIC(18,2)", g)
		}
		if g[4] == "2" {
			numeric++
		}
	}
	if numeric < 10 {
		t.Errorf("only %d NUMERIC columns", numeric)
	}

	pks, fks := foreignKeys(t, cols)
	var gotPK []string
	for _, g := range got["pk"] {
		gotPK = append(gotPK, g[1]+"."+g[2]+" "+g[3]+" "+g[4])
	}
	var wantPK []string
	for table, key := range pks {
		wantPK = append(wantPK, table+"."+key+" 1 "+table+"_pkey")
	}
	sort.Strings(gotPK)
	sort.Strings(wantPK)
	if strings.Join(gotPK, ", ") != strings.Join(wantPK, ", ") {
		t.Errorf("getPrimaryKeys: %v, want %v", gotPK, wantPK)
	}
	var gotFK []string
	for _, g := range got["fk"] {
		gotFK = append(gotFK, fmt.Sprintf("%s.%s -> %s.%s", g[1], g[2], g[4], g[5]))
	}
	sort.Strings(gotFK)
	if strings.Join(gotFK, "\n") != strings.Join(fks, "\n") || len(fks) < 15 {
		t.Errorf("getImportedKeys:\n%s\nwant:\n%s", strings.Join(gotFK, "\n"), strings.Join(fks, "\n"))
	}
	if len(got["index"]) != len(pks) {
		t.Errorf("getIndexInfo: %q, want the %d primary keys", got["index"], len(pks))
	}
	types := map[string]bool{}
	for _, g := range got["type"] {
		types[g[0]] = true
	}
	for _, want := range []string{"int8", "int4", "numeric", "text", "timestamp", "date", "bool", "float8"} {
		if !types[want] {
			t.Errorf("getTypeInfo lacks %s (%d types)", want, len(got["type"]))
		}
	}
	if f := got["functions"]; len(f) != 1 || f[0][0] == "0" {
		t.Errorf("getFunctions: %q", f)
	}

	// The prepared star join, both runs, equals the query in-process.
	rows, err := inProcess(t).Query(`SELECT s.region, count(*), sum(f.net_amount)::VARCHAR FROM fact_sales f
		JOIN dim_store s ON s.store_key = f.store_key JOIN dim_date d ON d.date_key = f.date_key
		WHERE d.year >= 2000 GROUP BY s.region ORDER BY s.region`)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for rows.Next() {
		var region sql.NullString
		var n int64
		var net string
		if err := rows.Scan(&region, &n, &net); err != nil {
			t.Fatal(err)
		}
		r := `\N`
		if region.Valid {
			r = region.String
		}
		want = append(want, fmt.Sprintf("%s|%d|%s", r, n, net))
	}
	rows.Close()
	for run := range 2 {
		var g []string
		for _, j := range got["join"] {
			if j[0] == strconv.Itoa(run) {
				g = append(g, strings.Join(j[1:], "|"))
			}
		}
		if strings.Join(g, ",") != strings.Join(want, ",") {
			t.Errorf("prepared star join, run %d: %v, want %v", run, g, want)
		}
	}

	f := got["fetch"]
	if len(f) != 1 || f[0][0] != strconv.Itoa(bigRows) || f[0][1] != strconv.Itoa(bigSum) {
		t.Fatalf("fetch-size read: %q, want %d rows summing to %d", f, bigRows, bigSum)
	}
	if grew > bigMaxKB {
		t.Errorf("the server's memory grew by %d MB during the fetch-size read of %d rows of 510 bytes: not streamed", grew>>10, bigRows)
	}
	if tm := got["timing"]; len(tm) == 1 {
		t.Logf("pgjdbc: getTables + getColumns of %s tables and %s columns in %s ms; %d rows by fetch size 10,000 in %s ms (first batch after %s ms), server memory +%d MB",
			tm[0][2], tm[0][3], tm[0][1], bigRows, f[0][3], f[0][2], grew>>10)
	}
}

func orNull(s string) string {
	if s == "" {
		return `\N`
	}
	return strings.ReplaceAll(s, "\n", " ")
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// firstDiff names the first line where got and want differ ("" when equal).
func firstDiff(got, want []string) string {
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("line %d: got %q, want %q", i+1, g, w)
		}
	}
	return ""
}

func tail(b []byte) string {
	if len(b) > 4000 {
		return "..." + string(b[len(b)-4000:])
	}
	return string(b)
}

// SQLAlchemy (Debian python3-sqlalchemy), which Superset and pandas.read_sql go through: its
// dialect parses the server version, binds a parameter, and its inspector lists schemas,
// tables, columns with types and comments, primary and foreign keys; pandas.read_sql of a star join.
func TestSQLAlchemyInspect(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import sqlalchemy, pandas").Run(); err != nil {
		t.Fatal("python3-sqlalchemy or python3-pandas is missing (`make test` installs them)")
	}
	host, port, _ := net.SplitHostPort(fx.pgAddr)
	script := `
import sys, json, sqlalchemy as sa, pandas as pd
e = sa.create_engine("postgresql+psycopg2://ann:%s@%s:%s/crmwh" % (sys.argv[3], sys.argv[1], sys.argv[2]))
i = sa.inspect(e)
out = {"schemas": i.get_schema_names(), "tables": [], "columns": [], "pks": [], "fks": []}
for s in ["main", "scores", "ops"]:
    for t in i.get_table_names(schema=s):
        out["tables"].append([s, t, i.get_table_comment(t, schema=s)["text"] or ""])
        for c in i.get_columns(t, schema=s):
            out["columns"].append([s, t, c["name"], str(c["type"]), c.get("comment") or ""])
        pk = i.get_pk_constraint(t, schema=s)
        if pk["constrained_columns"]:
            out["pks"].append([t, pk["constrained_columns"], pk["name"]])
        for f in i.get_foreign_keys(t, schema=s):
            out["fks"].append([t, f["constrained_columns"], f["referred_table"], f["referred_columns"]])
with e.connect() as c:
    n, = c.execute(sa.text("SELECT count(*) FROM fact_sales WHERE order_status = :s"), {"s": "completed"}).one()
    out["bound"] = n
out["version"] = list(e.dialect.server_version_info)
df = pd.read_sql("SELECT s.region, count(*) AS n, sum(f.net_amount) AS net FROM fact_sales f JOIN dim_store s ON s.store_key = f.store_key WHERE s.region IS NOT NULL GROUP BY s.region ORDER BY s.region", e)
out["read_sql"] = [[r.region, int(r.n), str(r.net)] for r in df.itertuples()]
print(json.dumps(out))
`
	out, err := exec.Command(py, "-c", script, host, port, users["ann"][1]).CombinedOutput()
	if err != nil {
		t.Fatalf("sqlalchemy: %v\n%s", err, tail(out))
	}
	var got struct {
		Schemas []string
		Tables  [][]string
		Columns [][]string
		PKs     [][]any
		FKs     [][]any
		ReadSQL [][]any `json:"read_sql"`
		Bound   int64
		Version []int
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, tail(out))
	}
	var completed int64
	if err := inProcess(t).QueryRow("SELECT count(*) FROM fact_sales WHERE order_status = 'completed'").Scan(&completed); err != nil {
		t.Fatal(err)
	}
	if got.Bound != completed || fmt.Sprint(got.Version) != "[15 0]" {
		t.Errorf("a bound parameter's count %d (want %d), server version %v (want [15 0])", got.Bound, completed, got.Version)
	}
	tables, cols := snapshotCatalog(t)
	for _, want := range []string{"main", "ops", "scores"} {
		if !slicesContains(got.Schemas, want) {
			t.Errorf("schemas %v lack %s", got.Schemas, want)
		}
	}
	var wantT, gotT []string
	for _, w := range tables {
		wantT = append(wantT, w.schema+"|"+w.name+"|"+w.comment)
	}
	for _, g := range got.Tables {
		gotT = append(gotT, strings.Join(g, "|"))
	}
	sort.Strings(gotT)
	if d := firstDiff(gotT, wantT); d != "" {
		t.Errorf("tables: %s", d)
	}
	saType := func(c wantColumn) string {
		if strings.HasPrefix(c.duckType, "DECIMAL(") {
			return fmt.Sprintf("NUMERIC(%d, %d)", c.precision, c.scale)
		}
		switch _, name := jdbcType(c.duckType); name {
		case "int8":
			return "BIGINT"
		case "int4":
			return "INTEGER"
		case "int2":
			return "SMALLINT"
		case "bool":
			return "BOOLEAN"
		case "float8":
			return "DOUBLE_PRECISION"
		case "float4":
			return "REAL"
		case "date":
			return "DATE"
		case "timestamp":
			return "TIMESTAMP"
		case "timestamptz":
			return "TIMESTAMP WITH TIME ZONE"
		case "numeric":
			return "NUMERIC"
		}
		return "TEXT"
	}
	var wantC, gotC []string
	for _, c := range cols {
		wantC = append(wantC, strings.Join([]string{c.schema, c.table, c.name, saType(c), c.comment}, "|"))
	}
	for _, g := range got.Columns {
		gotC = append(gotC, strings.Join(g, "|"))
	}
	sort.Strings(wantC)
	sort.Strings(gotC)
	if d := firstDiff(gotC, wantC); d != "" {
		t.Errorf("columns (%d, want %d): %s", len(gotC), len(wantC), d)
	}
	pks, fks := foreignKeys(t, cols)
	var gotPK, wantPK []string
	for _, p := range got.PKs {
		gotPK = append(gotPK, fmt.Sprint(p...))
	}
	for table, key := range pks {
		wantPK = append(wantPK, fmt.Sprint(table, []any{key}, table+"_pkey"))
	}
	sort.Strings(gotPK)
	sort.Strings(wantPK)
	if strings.Join(gotPK, "; ") != strings.Join(wantPK, "; ") {
		t.Errorf("primary keys %v, want %v", gotPK, wantPK)
	}
	var gotFK []string
	for _, f := range got.FKs {
		gotFK = append(gotFK, fmt.Sprintf("%s.%s -> %s.%s", f[0], f[1].([]any)[0], f[2], f[3].([]any)[0]))
	}
	sort.Strings(gotFK)
	if strings.Join(gotFK, "\n") != strings.Join(fks, "\n") {
		t.Errorf("foreign keys:\n%s\nwant:\n%s", strings.Join(gotFK, "\n"), strings.Join(fks, "\n"))
	}
	rows, err := inProcess(t).Query(`SELECT s.region, count(*), sum(f.net_amount)::VARCHAR FROM fact_sales f
		JOIN dim_store s ON s.store_key = f.store_key WHERE s.region IS NOT NULL GROUP BY s.region ORDER BY s.region`)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for rows.Next() {
		var r, net string
		var n int64
		if err := rows.Scan(&r, &n, &net); err != nil {
			t.Fatal(err)
		}
		want = append(want, fmt.Sprint(r, n, net))
	}
	rows.Close()
	var gotRS []string
	for _, r := range got.ReadSQL {
		gotRS = append(gotRS, fmt.Sprint(r[0], int64(r[1].(float64)), r[2]))
	}
	if strings.Join(gotRS, ";") != strings.Join(want, ";") || len(want) == 0 {
		t.Errorf("pandas.read_sql: %v, want %v", gotRS, want)
	}
}

// psql's describing commands on the published catalog: \dn, \dt scores.*, \d+ of a fact with
// its foreign keys and comments, \d of a dimension with its key and what refers to it, \df.
func TestPsqlDescribe(t *testing.T) {
	for _, c := range []struct {
		cmd  string
		want []string
		not  []string
	}{
		{`\dn`, []string{" main ", " ops ", " scores "}, []string{"pg_catalog", "information_schema"}},
		{`\dt scores.*`, []string{" scores | customer_scores ", " scores | model_runs ", "rows)"}, []string{" main "}},
		{`\d+ fact_sales`, []string{`Table "main.fact_sales"`, "net_amount", "numeric(18,2)", "gross_amount * (1 - discount)",
			"Foreign-key constraints:", `"fact_sales_customer_key_fkey" FOREIGN KEY (customer_key) REFERENCES dim_customer(customer_key)`}, nil},
		{`\d dim_store`, []string{`"dim_store_pkey" PRIMARY KEY, btree (store_key)`, "not null", "Referenced by:",
			`TABLE "fact_sales" CONSTRAINT "fact_sales_store_key_fkey"`}, nil},
		{`\df`, []string{"scores_as_of", "customers_as_of"}, nil},
		{`\dt+`, []string{"fact_sales", " kB ", "Sales at order-line grain"}, []string{"KiB"}},
	} {
		out, err := psql(t, "ann", users["ann"][1], "-c", c.cmd)
		if err != nil {
			t.Errorf("psql %s: %v\n%s", c.cmd, err, out)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("psql %s lacks %q:\n%s", c.cmd, w, out)
			}
		}
		for _, n := range c.not {
			if strings.Contains(out, n) {
				t.Errorf("psql %s shows %q:\n%s", c.cmd, n, out)
			}
		}
	}
}

// psycopg 3 (Debian python3-psycopg): a query with a parameter, and a named (server-side)
// cursor reading the 1,000,000 wide rows in batches of 10,000 while the server's memory stays
// bounded; psycopg2's named cursor the same way, in smaller batches.
func TestPsycopgCursors(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import psycopg, psycopg2").Run(); err != nil {
		t.Fatal("python3-psycopg or python3-psycopg2 is missing (`make test` installs them)")
	}
	host, port, _ := net.SplitHostPort(fx.pgAddr)
	script := `
import sys, time, psycopg, psycopg2
host, port, pw, query, driver = sys.argv[1:]
if driver == "psycopg":
    c = psycopg.connect(host=host, port=int(port), user="ann", password=pw, dbname="crmwh", sslmode="disable")
    n, s = c.execute("SELECT count(*), sum(net_amount) FROM fact_sales WHERE quantity > %s", [1]).fetchone()
    print("query", n, s)
    itersize = 10000
else:
    c = psycopg2.connect(host=host, port=int(port), user="ann", password=pw, dbname="crmwh", sslmode="disable")
    itersize = 2000
t0 = time.time()
cur = c.cursor(name="big")
cur.itersize = itersize
cur.execute(query)
n = s = 0
for row in cur:
    n += 1
    s += row[0]
cur.close()
c.commit()
print("cursor", n, s, round((time.time() - t0) * 1000))
c.close()
`
	var want string
	var n int64
	var sum string
	if err := inProcess(t).QueryRow("SELECT count(*), sum(net_amount)::VARCHAR FROM fact_sales WHERE quantity > 1").Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	want = fmt.Sprintf("query %d %s", n, sum)
	for _, driver := range []string{"psycopg", "psycopg2"} {
		var out []byte
		var err error
		grew := peakRSS(func() {
			out, err = exec.Command(py, "-c", script, host, port, users["ann"][1], bigQuery, driver).CombinedOutput()
		})
		if err != nil {
			t.Errorf("%s: %v\n%s", driver, err, tail(out))
			continue
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if driver == "psycopg" && lines[0] != want {
			t.Errorf("psycopg: %q, want %q", lines[0], want)
		}
		f := strings.Fields(lines[len(lines)-1])
		if len(f) != 4 || f[1] != strconv.Itoa(bigRows) || f[2] != strconv.Itoa(bigSum) {
			t.Errorf("%s named cursor: %q, want %d rows summing to %d", driver, lines[len(lines)-1], bigRows, bigSum)
			continue
		}
		if grew > bigMaxKB {
			t.Errorf("%s: the server's memory grew by %d MB during the named cursor's read: not streamed", driver, grew>>10)
		}
		t.Logf("%s named cursor: %d rows in %s ms, server memory +%d MB", driver, bigRows, f[3], grew>>10)
	}
}

// SQL cursors as psql users write them: declared in a transaction, fetched and moved forward,
// listed in pg_cursors, closed by CLOSE or by the end of the transaction.
func TestSQLCursors(t *testing.T) {
	out, err := psql(t, "ann", users["ann"][1], "-At",
		"-c", "BEGIN",
		"-c", "DECLARE c CURSOR FOR SELECT i FROM range(10) AS t(i)",
		"-c", "DECLARE h CURSOR WITH HOLD FOR SELECT i FROM range(3) AS t(i)",
		"-c", "FETCH 3 FROM c",
		"-c", "MOVE 2 c",
		"-c", "FETCH FORWARD 2 FROM c",
		"-c", "FETCH ALL IN c",
		"-c", "FETCH c",
		"-c", "SELECT name FROM pg_cursors ORDER BY name",
		"-c", "CLOSE c",
		"-c", "COMMIT",
		"-c", "SELECT count(*) FROM pg_cursors",
		"-c", "FETCH ALL h",
		"-c", "CLOSE ALL",
		"-c", "SELECT count(*) FROM pg_cursors")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := "BEGIN\nDECLARE CURSOR\nDECLARE CURSOR\n0\n1\n2\nMOVE 2\n5\n6\n7\n8\n9\nc\nh\nCLOSE CURSOR\nCOMMIT\n1\n0\n1\n2\nCLOSE CURSOR\n0"
	if got := strings.TrimSpace(out); got != want {
		t.Errorf("psql cursors:\n%s\nwant:\n%s", got, want)
	}
	for _, bad := range []struct {
		sql  []string
		want string
	}{
		{[]string{"FETCH c"}, `cursor "c" does not exist`},
		{[]string{"DECLARE s SCROLL CURSOR FOR SELECT 1"}, "SCROLL cursors are not supported"},
		{[]string{"DECLARE c CURSOR FOR SELECT 1", "FETCH BACKWARD 1 FROM c"}, "read forward only"},
		{[]string{"DECLARE c CURSOR FOR SELECT 1", "DECLARE c CURSOR FOR SELECT 2"}, `cursor "c" already exists`},
		{[]string{"DECLARE c CURSOR FOR SELECT * FROM no_such_table"}, "no_such_table"},
	} {
		args := []string{"-c", "BEGIN"}
		for _, q := range bad.sql {
			args = append(args, "-c", q)
		}
		out, err := psql(t, "ann", users["ann"][1], args...)
		if err == nil || !strings.Contains(out, bad.want) {
			t.Errorf("psql %q: %v %s, want an error saying %q", bad.sql, err, out, bad.want)
		}
	}
}

// node-postgres (npm pg) and pg-cursor: the tables and a table's column types from the catalog,
// a query with a parameter and unnamed columns, and the 1,000,000 wide rows read with a cursor
// 10,000 at a time.
func TestNodePostgres(t *testing.T) {
	dir, _ := filepath.Abs("testdata/node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "pg-cursor")); err != nil {
		t.Fatal("node-postgres is missing from serve/testdata/node (`make test` installs it with npm)")
	}
	host, port, _ := net.SplitHostPort(fx.pgAddr)
	var out []byte
	var err error
	grew := peakRSS(func() {
		cmd := exec.Command("node", "client.js", host, port, "ann", bigQuery)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PGPASSWORD="+users["ann"][1])
		out, err = cmd.CombinedOutput()
	})
	if err != nil {
		t.Fatalf("node client.js: %v\n%s", err, tail(out))
	}
	var got struct {
		Tables  []string
		Columns []string
		Sum     []any
		Cursor  struct{ Rows, Sum, Batches, Ms int64 }
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, tail(out))
	}
	tables, cols := snapshotCatalog(t)
	if len(got.Tables) != len(tables) {
		t.Errorf("node-postgres listed %d tables, want %d", len(got.Tables), len(tables))
	}
	var want []string
	for _, c := range cols {
		if c.schema == "main" && c.table == "fact_sales" {
			typ := map[string]string{"int8": "bigint", "int4": "integer", "text": "text", "timestamp": "timestamp without time zone"}
			_, name := jdbcType(c.duckType)
			tn := typ[name]
			if strings.HasPrefix(c.duckType, "DECIMAL(") {
				tn = fmt.Sprintf("numeric(%d,%d)", c.precision, c.scale)
			}
			want = append(want, c.name+" "+tn)
		}
	}
	if strings.Join(got.Columns, ", ") != strings.Join(want, ", ") {
		t.Errorf("fact_sales columns %v, want %v", got.Columns, want)
	}
	var n int64
	var sum string
	if err := inProcess(t).QueryRow("SELECT count(*), sum(net_amount)::VARCHAR FROM fact_sales WHERE quantity > 1").Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.Sum...) != fmt.Sprint(strconv.FormatInt(n, 10), sum, []any{"count", "sum"}) {
		t.Errorf("query with a parameter: %v, want %d %s [count sum]", got.Sum, n, sum)
	}
	if got.Cursor.Rows != bigRows || got.Cursor.Sum != bigSum || got.Cursor.Batches != bigRows/10000 {
		t.Errorf("pg-cursor: %+v, want %d rows summing to %d in %d batches", got.Cursor, bigRows, int64(bigSum), bigRows/10000)
	}
	if grew > bigMaxKB {
		t.Errorf("the server's memory grew by %d MB during pg-cursor's read: not streamed", grew>>10)
	}
	t.Logf("pg-cursor: %d rows in %d batches in %d ms, server memory +%d MB", got.Cursor.Rows, got.Cursor.Batches, got.Cursor.Ms, grew>>10)
}

// Go's lib/pq: sign-in, the catalog's tables and a star join with a parameter.
func TestLibPq(t *testing.T) {
	db, err := sql.Open("postgres", dsn("ann", users["ann"][1]))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables int
	if err := db.QueryRow(`SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = $1 AND n.nspname IN ('main', 'scores', 'ops')`, "r").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	want, _ := snapshotCatalog(t)
	if tables != len(want) {
		t.Errorf("lib/pq counted %d tables, want %d", tables, len(want))
	}
	const q = `SELECT c.region, count(*), sum(f.net_amount)::VARCHAR FROM fact_sales f JOIN dim_store c ON c.store_key = f.store_key
		WHERE f.quantity >= $1 AND c.region IS NOT NULL GROUP BY c.region ORDER BY c.region`
	rowsOf := func(db *sql.DB, arg any) []string {
		rows, err := db.Query(q, arg)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var r, s string
			var n int64
			if err := rows.Scan(&r, &n, &s); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(r, n, s))
		}
		return out
	}
	got, wantRows := rowsOf(db, 2), rowsOf(inProcess(t), 2)
	if strings.Join(got, ";") != strings.Join(wantRows, ";") || len(got) == 0 {
		t.Errorf("lib/pq star join %v, want %v", got, wantRows)
	}
}

// SCRAM-SHA-256 is the only sign-in the endpoint offers by default: each client signs in with
// the right password and is refused with a wrong one. A success between two failures keeps
// the name clear of the throttling.
func TestScramEveryClient(t *testing.T) {
	const user, password = "sam", "scram-password-1"
	if err := serve.NewAccess(fx.env.DataDir).AddUser(context.Background(), user, serve.RoleAnalyst, password); err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(fx.pgAddr)
	jar := "/usr/share/java/postgresql.jar"
	classes := t.TempDir()
	if out, err := exec.Command("javac", "-d", classes, "testdata/jdbc/MetaData.java").CombinedOutput(); err != nil {
		t.Fatalf("javac: %v\n%s", err, out)
	}
	node, _ := filepath.Abs("testdata/node")
	clients := map[string]func(pw string) (string, error){
		"psql": func(pw string) (string, error) { return psql(t, user, pw, "-Atc", "SELECT 1") },
		"pgx": func(pw string) (string, error) {
			c, err := pgx.Connect(context.Background(), dsn(user, pw))
			if err != nil {
				return "", err
			}
			defer c.Close(context.Background())
			return "1", nil
		},
		"lib/pq": func(pw string) (string, error) {
			db, err := sql.Open("postgres", dsn(user, pw))
			if err != nil {
				return "", err
			}
			defer db.Close()
			return "1", db.Ping()
		},
		"psycopg2": func(pw string) (string, error) {
			out, err := exec.Command("/usr/bin/python3", "-c", `import sys, psycopg2
psycopg2.connect(host=sys.argv[1], port=int(sys.argv[2]), user=sys.argv[3], password=sys.argv[4], dbname="crmwh", sslmode="disable").close()`,
				host, port, user, pw).CombinedOutput()
			return string(out), err
		},
		"psycopg": func(pw string) (string, error) {
			out, err := exec.Command("/usr/bin/python3", "-c", `import sys, psycopg
psycopg.connect(host=sys.argv[1], port=int(sys.argv[2]), user=sys.argv[3], password=sys.argv[4], dbname="crmwh", sslmode="disable").close()`,
				host, port, user, pw).CombinedOutput()
			return string(out), err
		},
		"pgjdbc": func(pw string) (string, error) {
			url := fmt.Sprintf("jdbc:postgresql://%s:%s/crmwh?sslmode=disable", host, port)
			out, err := exec.Command("java", "-cp", jar+string(os.PathListSeparator)+classes, "MetaData", url, user, pw, "connect").CombinedOutput()
			return string(out), err
		},
		"node-postgres": func(pw string) (string, error) {
			cmd := exec.Command("node", "-e", `const { Client } = require('pg');
const c = new Client({ host: process.argv[1], port: Number(process.argv[2]), user: process.argv[3], password: process.argv[4], database: 'crmwh' });
c.connect().then(() => c.end()).catch(e => { console.error(e.message); process.exit(1); });`, host, port, user, pw)
			cmd.Dir = node
			out, err := cmd.CombinedOutput()
			return string(out), err
		},
	}
	names := make([]string, 0, len(clients))
	for name := range clients {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		connect := clients[name]
		if out, err := connect(password); err != nil {
			t.Errorf("%s with the right password: %v\n%s", name, err, out)
		}
		out, err := connect("wrong-password")
		if err == nil || !strings.Contains(out+err.Error(), `password authentication failed for user "sam"`) {
			t.Errorf("%s with a wrong password: %v\n%s, want it refused", name, err, out)
		}
	}
	if out, err := clients["psql"](password); err != nil { // and the name is not throttled
		t.Errorf("psql after the refusals: %v\n%s", err, out)
	}
}

// With serve.sql_auth: password the endpoint asks for the password in clear text, so users
// added before crmwh kept SCRAM verifiers can still sign in; under SCRAM such a user is told
// what to do.
func TestCleartextAndOldUsers(t *testing.T) {
	ctx := context.Background()
	const user, password = "olga", "old-user-password"
	access := serve.NewAccess(fx.env.DataDir)
	if err := access.AddUser(ctx, user, serve.RoleAnalyst, password); err != nil {
		t.Fatal(err)
	}
	// As an older crmwh left it: no verifier.
	db, err := sql.Open("duckdb", filepath.Join(fx.env.DataDir, serve.AccessFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE ops.users SET scram_verifier = NULL WHERE name = ?", user); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, err := psql(t, user, password, "-Atc", "SELECT 1")
	if err == nil || !strings.Contains(out, "set the password again with `crmwh user add olga --role analyst`") {
		t.Errorf("an old user under SCRAM: %v %s, want told to set the password again", err, out)
	}

	// The fixture's endpoint, switched as serve.sql_auth: password switches it.
	fx.srv.SQL.Cleartext = true
	defer func() { fx.srv.SQL.Cleartext = false }()
	if out, err := psql(t, user, password, "-Atc", "SELECT 1"); err != nil || strings.TrimSpace(out) != "1" {
		t.Fatalf("cleartext sign-in of an old user: %v\n%s", err, out)
	}
	if out, err := psql(t, user, "wrong-password", "-Atc", "SELECT 1"); err == nil || !strings.Contains(out, "password authentication failed") {
		t.Errorf("cleartext with a wrong password: %v %s", err, out)
	}
}

// information_schema in PostgreSQL's types (what Grafana, Redash and hand-written SQL read):
// every published table, and every column with its PostgreSQL data type, precision and scale.
func TestInformationSchema(t *testing.T) {
	ctx := context.Background()
	c := connect(t, "ann")
	tables, cols := snapshotCatalog(t)
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_type = 'BASE TABLE'").Scan(&n); err != nil || n != len(tables) {
		t.Errorf("information_schema.tables: %d (%v), want %d", n, err, len(tables))
	}
	rows, err := c.Query(ctx, `SELECT table_schema, table_name, column_name, ordinal_position, data_type,
		coalesce(numeric_precision, -1), coalesce(numeric_scale, -1) FROM information_schema.columns ORDER BY 1, 2, 4`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s, tb, col, typ string
		var pos, p, sc int64
		if err := rows.Scan(&s, &tb, &col, &pos, &typ, &p, &sc); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s.%s.%s %d %s %d %d", s, tb, col, pos, typ, p, sc))
	}
	rows.Close()
	pgName := map[string]string{"int8": "bigint", "int4": "integer", "int2": "smallint", "bool": "boolean", "float8": "double precision",
		"float4": "real", "date": "date", "timestamp": "timestamp without time zone", "timestamptz": "timestamp with time zone",
		"numeric": "numeric", "text": "text"}
	bits := map[string]int{"int8": 64, "int4": 32, "int2": 16, "float8": 53, "float4": 24}
	var want []string
	for _, w := range cols {
		_, name := jdbcType(w.duckType)
		p, sc := -1, -1
		if b, ok := bits[name]; ok {
			p = b
			if strings.HasPrefix(name, "int") {
				sc = 0
			}
		}
		if strings.HasPrefix(w.duckType, "DECIMAL(") {
			p, sc = w.precision, w.scale
		}
		want = append(want, fmt.Sprintf("%s.%s.%s %d %s %d %d", w.schema, w.table, w.name, w.position, pgName[name], p, sc))
	}
	if d := firstDiff(got, want); d != "" {
		t.Errorf("information_schema.columns (%d, want %d): %s", len(got), len(want), d)
	}
}
