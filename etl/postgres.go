package etl

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	sqlfiles "github.com/crmwh/crmwh/sql"
	"github.com/crmwh/crmwh/warehouse"
)

// PostgresSource says how to read the source contract from a PostgreSQL database.
type PostgresSource struct {
	DSN    string
	Schema string // where the contract's tables are; "public" when empty
	// Watermark is the column of each table that grows when a row is inserted or changed
	// (updated_at by default); "" for a table extracts it whole every time.
	Watermark map[string]string
}

func (p PostgresSource) schema() string {
	if p.Schema == "" {
		return "public"
	}
	return p.Schema
}

func (p PostgresSource) watermark(table string) string {
	if w, ok := p.Watermark[table]; ok {
		return w
	}
	return "updated_at"
}

// ExtractPostgres copies the contract's tables from PostgreSQL into the landing zone for
// loadDate: each table's rows whose watermark lies above last[table] (all rows when absent) and
// at most the table's highest watermark in the snapshot, streamed with COPY ... TO STDOUT into
// the Parquet partition (nothing is held in memory). All tables come from one consistent
// snapshot: a repeatable-read, read-only transaction exports it, and the workers (one per core,
// each on its own connection, as pg_dump -j does) read the tables in transactions set to that
// snapshot. A partition already there for the date is reused, so a re-run extracts nothing twice;
// a failure leaves no partial partition. The highest watermarks are in the result, for the caller
// to record once the run has succeeded.
func ExtractPostgres(ctx context.Context, src PostgresSource, lakeDir string, loadDate time.Time, last map[string]string, log *slog.Logger) ([]Extracted, error) {
	conn, err := pgx.Connect(ctx, src.DSN)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL snapshot: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read-only
	var snapshot string
	if err := tx.QueryRow(ctx, "SELECT pg_export_snapshot()").Scan(&snapshot); err != nil {
		return nil, fmt.Errorf("PostgreSQL snapshot: %w", err)
	}
	// DuckDB turns each table's CSV into Parquet.
	conv, err := warehouse.Open(ctx, "", warehouse.Options{MemoryLimit: "1GB"})
	if err != nil {
		return nil, err
	}
	defer conv.Close()
	size, err := pgTableSizes(ctx, tx, src.schema())
	if err != nil {
		return nil, err
	}
	order := largestFirst(size)
	out := make([]Extracted, len(Contract))
	next := make(chan int, len(Contract))
	for _, i := range order {
		next <- i
	}
	close(next)
	g, gctx := errgroup.WithContext(ctx)
	for range min(runtime.GOMAXPROCS(0), len(Contract)) {
		g.Go(func() error {
			wc, err := pgx.Connect(gctx, src.DSN)
			if err != nil {
				return fmt.Errorf("connect to PostgreSQL: %w", err)
			}
			defer wc.Close(context.WithoutCancel(gctx))
			wtx, err := wc.BeginTx(gctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
			if err != nil {
				return fmt.Errorf("PostgreSQL snapshot: %w", err)
			}
			defer wtx.Rollback(context.WithoutCancel(gctx)) //nolint:errcheck // read-only
			if _, err := wtx.Exec(gctx, "SET TRANSACTION SNAPSHOT "+quoteLiteral(snapshot)); err != nil {
				return fmt.Errorf("PostgreSQL snapshot: %w", err)
			}
			for i := range next {
				t := &Contract[i]
				e, err := extractPostgresTable(gctx, wtx, conv.DB, src, t, lakeDir, loadDate, last[t.Name])
				if err != nil {
					return fmt.Errorf("extract %s from PostgreSQL: %w", t.Name, err)
				}
				if len(e.IgnoredColumns) > 0 && !e.Reused {
					log.Warn("columns not in the source contract are ignored", "table", t.Name, "columns", e.IgnoredColumns)
				}
				out[i] = e
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// pgTableSizes is the size on disk of each of the contract's tables in schema, by name.
func pgTableSizes(ctx context.Context, tx pgx.Tx, schema string) (map[string]float64, error) {
	names := make([]string, len(Contract))
	for i, t := range Contract {
		names[i] = t.Name
	}
	rows, err := tx.Query(ctx, `SELECT c.relname, pg_relation_size(c.oid)::float8
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relname = ANY($2) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`, schema, names)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL table sizes: %w", err)
	}
	size := map[string]float64{}
	var name string
	var n float64
	if _, err := pgx.ForEachRow(rows, []any{&name, &n}, func() error { size[name] = n; return nil }); err != nil {
		return nil, fmt.Errorf("PostgreSQL table sizes: %w", err)
	}
	return size, nil
}

// Columns reads the columns of a table; none when it does not exist.
func pgColumns(ctx context.Context, tx pgx.Tx, schema, table string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`, schema, table)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func extractPostgresTable(ctx context.Context, tx pgx.Tx, conv *sql.DB, src PostgresSource, t *Table, lakeDir string, loadDate time.Time, last string) (Extracted, error) {
	dir := PartitionDir(lakeDir, t.Name, loadDate)
	// A partition of this date is this extract's, from a run that failed later: reuse it.
	prev, err := existingPartition(dir, t.Name, nil)
	if err != nil || prev != nil {
		return Extracted{Table: t.Name, SourceInfo: deref(prev), Reused: prev != nil}, err
	}
	cols, err := pgColumns(ctx, tx, src.schema(), t.Name)
	if err != nil {
		return Extracted{}, err
	}
	if len(cols) == 0 {
		if t.Required {
			return Extracted{}, fmt.Errorf("table %s.%s does not exist: the source contract requires it", src.schema(), t.Name)
		}
	}
	var ignored []string
	for _, c := range cols {
		if !slices.Contains(t.Columns, c) && c != src.watermark(t.Name) {
			ignored = append(ignored, c)
		}
	}
	if len(cols) > 0 {
		for _, c := range t.Columns {
			if !slices.Contains(cols, c) && !t.IsOptional(c) {
				return Extracted{}, fmt.Errorf("table %s.%s has no column %s, which the source contract requires", src.schema(), t.Name, c)
			}
		}
	}
	table := pgx.Identifier{src.schema(), t.Name}.Sanitize()
	wm := src.watermark(t.Name)
	var high *string
	if wm != "" && len(cols) > 0 {
		if !slices.Contains(cols, wm) {
			return Extracted{}, fmt.Errorf("table %s.%s has no watermark column %s", src.schema(), t.Name, wm)
		}
		if err := tx.QueryRow(ctx, fmt.Sprintf("SELECT max(%s)::text FROM %s", pgx.Identifier{wm}.Sanitize(), table)).Scan(&high); err != nil {
			return Extracted{}, err
		}
	}
	var query string
	if len(cols) == 0 {
		query = "" // an absent optional table loads as empty
	} else {
		sel := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			sel[i] = pgx.Identifier{c}.Sanitize() + "::text"
			if !slices.Contains(cols, c) {
				sel[i] = "NULL::text" // an optional column the source does not have
			}
		}
		query = "SELECT " + strings.Join(sel, ", ") + " FROM " + table
		var conds []string
		if wm != "" && last != "" {
			conds = append(conds, fmt.Sprintf("%s > %s", pgx.Identifier{wm}.Sanitize(), quoteLiteral(last)))
		}
		if wm != "" && high != nil {
			conds = append(conds, fmt.Sprintf("%s <= %s", pgx.Identifier{wm}.Sanitize(), quoteLiteral(*high)))
		}
		if len(conds) > 0 {
			query += " WHERE " + strings.Join(conds, " AND ")
		}
	}

	info := SourceInfo{Source: "postgres:" + src.schema() + "." + t.Name, ExtractedAt: time.Now().UTC(),
		Watermark: wm, WatermarkFrom: last}
	if high != nil {
		info.WatermarkTo = *high
	}
	info, err = land(dir, info, func(dst string, info *SourceInfo) error {
		var err error
		if query == "" {
			err = writeEmptyPartition(ctx, t, dst, info)
		} else {
			err = copyOut(ctx, tx, conv, t, query, dst, info)
		}
		info.IgnoredColumns = ignored // the table's extra columns, recorded in _source.json
		return err
	})
	if err != nil {
		return Extracted{}, err
	}
	return Extracted{Table: t.Name, SourceInfo: info}, nil
}

// copyOut writes the query's rows as CSV from COPY ... TO STDOUT to a file beside the partition
// (PostgreSQL's own speed, as psql \copy), then has DuckDB convert it to the partition's Parquet
// file on all cores and removes it: faster than parsing in Go, and memory stays bounded.
func copyOut(ctx context.Context, tx pgx.Tx, conv *sql.DB, t *Table, query, dst string, info *SourceInfo) error {
	csvPath := dst + ".csv"
	f, err := os.Create(csvPath)
	if err != nil {
		return err
	}
	defer os.Remove(csvPath)
	w := bufio.NewWriterSize(f, 1<<20)
	tag, err := tx.Conn().PgConn().CopyTo(ctx, w, "COPY ("+query+") TO STDOUT (FORMAT csv, HEADER)")
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("COPY from PostgreSQL: %w", err)
	}
	script, err := warehouse.Render("load/pg_landing.sql", map[string]any{"CSV": csvPath, "Dst": dst, "Columns": t.Columns})
	if err != nil {
		return err
	}
	if _, err := conv.ExecContext(ctx, script); err != nil {
		return fmt.Errorf("convert to Parquet: %w", err)
	}
	info.Rows = tag.RowsAffected()
	return nil
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// FillPostgres creates the demo operational schema in the database and fills it from the CSV
// export in csvDir. With update, it applies that (later) export as a day's changes instead: rows
// with new keys are inserted, rows whose values changed are updated, and both get updated_at =
// at (or, for customers and products, their own updated_at); other rows stay untouched.
func FillPostgres(ctx context.Context, dsn, csvDir string, at time.Time, update bool) (map[string]int64, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	ddl, err := sqlfiles.Files.ReadFile("postgres/schema.sql")
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, string(ddl)); err != nil {
		return nil, fmt.Errorf("create the demo schema: %w", err)
	}
	changed := map[string]int64{}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	stamp := at.UTC().Format("2006-01-02 15:04:05")
	for i := range Contract {
		t := &Contract[i]
		n, err := fillTable(ctx, tx, t, filepath.Join(csvDir, t.Name+".csv"), stamp, update)
		if err != nil {
			return nil, fmt.Errorf("fill %s: %w", t.Name, err)
		}
		changed[t.Name] = n
	}
	return changed, tx.Commit(ctx)
}

// pgType is how a contract column's text becomes its PostgreSQL type.
func pgType(col string) string {
	switch {
	case col == "birth_date" || col == "start_date" || col == "end_date":
		return "crmwh_try_date"
	case strings.HasSuffix(col, "_ts") || strings.HasSuffix(col, "_at"):
		return "crmwh_try_ts"
	case slices.Contains([]string{"list_price", "unit_cost", "cost", "unit_price", "discount", "expected_score", "perceived_score"}, col):
		return "crmwh_try_num"
	case col == "line_number" || col == "quantity":
		return "crmwh_try_int"
	case col == "marketing_consent" || col == "responded":
		return "crmwh_try_bool"
	}
	return ""
}

func fillTable(ctx context.Context, tx pgx.Tx, t *Table, csvPath, stamp string, update bool) (int64, error) {
	f, err := os.Open(csvPath)
	if errors.Is(err, os.ErrNotExist) && !t.Required {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	stage := "crmwh_stage_" + t.Name
	cols := make([]string, len(t.Columns))
	typed := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = pgx.Identifier{c}.Sanitize()
		typed[i] = "s." + cols[i]
		if fn := pgType(c); fn != "" {
			typed[i] = fn + "(s." + cols[i] + ")"
		}
	}
	if _, err := tx.Exec(ctx, fmt.Sprintf("CREATE TEMP TABLE %s (%s text) ON COMMIT DROP", stage, strings.Join(cols, " text, "))); err != nil {
		return 0, err
	}
	if _, err := tx.Conn().PgConn().CopyFrom(ctx, f, fmt.Sprintf("COPY %s FROM STDIN (FORMAT csv, HEADER)", stage)); err != nil {
		return 0, err
	}
	// updated_at: the contract's own (customers, products), else the time of the fill.
	allCols, allTyped := cols, typed
	if i := slices.Index(t.Columns, "updated_at"); i >= 0 {
		allTyped = slices.Clone(typed)
		allTyped[i] = "coalesce(crmwh_try_ts(s.updated_at), " + quoteLiteral(stamp) + "::timestamp)"
	} else {
		allCols = append(slices.Clone(cols), "updated_at")
		allTyped = append(slices.Clone(typed), quoteLiteral(stamp)+"::timestamp")
	}
	table := pgx.Identifier{t.Name}.Sanitize()
	if !update {
		if _, err := tx.Exec(ctx, "TRUNCATE "+table); err != nil {
			return 0, err
		}
		tag, err := tx.Exec(ctx, fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s AS s",
			table, strings.Join(allCols, ", "), strings.Join(allTyped, ", "), stage))
		return tag.RowsAffected(), err
	}
	// A day's changes: the rows of the later export that are new or differ, by key. Rows of
	// the export that repeat a key (planted duplicates) are compared one by one by their full text.
	// Keys are compared with = on both sides' text, NULL as a byte no key holds: PostgreSQL hashes
	// an equality, but can only run IS NOT DISTINCT FROM as a nested loop (quadratic in the rows).
	key := make([]string, len(t.Key))
	on := make([]string, len(t.Key))
	for i, k := range t.Key {
		key[i] = pgx.Identifier{k}.Sanitize()
		on[i] = fmt.Sprintf("coalesce(o.%s::text, chr(1)) = coalesce(s.%s, chr(1))", key[i], key[i])
	}
	sameRow := make([]string, len(t.Columns))
	for i, c := range cols {
		sameRow[i] = fmt.Sprintf("(%s) IS NOT DISTINCT FROM o.%s", typed[i], c)
	}
	upd, err := tx.Exec(ctx, fmt.Sprintf(`UPDATE %s AS o SET (%s) = (SELECT %s)
		FROM %s AS s WHERE %s AND NOT (%s)`,
		table, strings.Join(allCols, ", "), strings.Join(allTyped, ", "), stage,
		strings.Join(on, " AND "), strings.Join(sameRow, " AND ")))
	if err != nil {
		return 0, err
	}
	ins, err := tx.Exec(ctx, fmt.Sprintf(`INSERT INTO %s (%s) SELECT %s FROM %s AS s
		WHERE NOT EXISTS (SELECT 1 FROM %s AS o WHERE %s)`,
		table, strings.Join(allCols, ", "), strings.Join(allTyped, ", "), stage, table, strings.Join(on, " AND ")))
	if err != nil {
		return 0, err
	}
	return upd.RowsAffected() + ins.RowsAffected(), nil
}
