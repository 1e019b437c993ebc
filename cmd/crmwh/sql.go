package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/text/width"

	"github.com/crmwh/crmwh/jobs"
	"github.com/crmwh/crmwh/serve"
	"github.com/crmwh/crmwh/warehouse"
)

func newSQL(g *globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "sql [QUERY]",
		Short: "Query the warehouse (read-only); the query comes from the arguments or standard input",
		Long: `Runs a query on the warehouse, read-only (or, while a run holds it, on the last published
snapshot). The users and downloads of crmwh serve (data/access.duckdb) are attached as
"access" (the table access.ops.exports).`,
		Example: example("sql"),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			query := strings.Join(args, " ")
			if strings.TrimSpace(query) == "" {
				b, err := io.ReadAll(cmd.InOrStdin())
				if err != nil {
					return err
				}
				query = string(b)
			}
			if strings.TrimSpace(query) == "" {
				return fmt.Errorf("no query: pass one as an argument or on standard input")
			}
			db, err := openReader(cmd, env)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := serve.NewAccess(env.DataDir).Attach(cmd.Context(), db.DB, "access"); err != nil {
				return err
			}
			return runQuery(cmd.Context(), db, cmd.OutOrStdout(), query, format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, csv or json")
	return cmd
}

func newSchema(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "schema [TABLE]",
		Short: "The data dictionary: every table and column, described",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := g.env(cmd)
			if err != nil {
				return err
			}
			db, err := openReader(cmd, env)
			if err != nil {
				return err
			}
			defer db.Close()
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			return printSchema(cmd.Context(), db, cmd.OutOrStdout(), name)
		},
	}
}

// openReader opens the warehouse read-only; while a run holds it, the last published snapshot
// instead (said on standard error), which has the star schema, the scores and the run history.
func openReader(cmd *cobra.Command, env *jobs.Env) (*warehouse.DB, error) {
	db, man, err := env.OpenReader(cmd.Context())
	if man != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "A run is in progress; reading the last published snapshot (run %s, as of %s).\n", man.RunID, man.AsOf)
	}
	return db, err
}

func printSchema(ctx context.Context, db *warehouse.DB, w io.Writer, name string) error {
	q, err := warehouse.Render("schema/dictionary.sql", nil)
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, q, name)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	defer rows.Close()
	var cur string
	var t *table
	flush := func() {
		if t != nil {
			t.print(w)
			fmt.Fprintln(w)
		}
	}
	for rows.Next() {
		var schema, tbl, tcomment, col, typ, ccomment string
		if err := rows.Scan(&schema, &tbl, &tcomment, &col, &typ, &ccomment); err != nil {
			return err
		}
		full := tbl
		if schema != "main" {
			full = schema + "." + tbl
		}
		if full != cur {
			flush()
			cur = full
			fmt.Fprintf(w, "%s: %s\n", full, tcomment)
			t = &table{header: []string{"column", "type", "description"}, numeric: []bool{false, false, false}}
		}
		t.add(col, typ, ccomment)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if t == nil {
		return fmt.Errorf("schema: no table %q", name)
	}
	flush()
	return nil
}

// printQuery runs an embedded query file, rendered with data, and prints it as a table.
func printQuery(ctx context.Context, db warehouse.Querier, w io.Writer, file string, data any) error {
	q, err := warehouse.Render(file, data)
	if err != nil {
		return err
	}
	return runQuery(ctx, db, w, q, "table")
}

// runQuery prints a query's result as an aligned table, CSV or a JSON array of objects.
func runQuery(ctx context.Context, db warehouse.Querier, w io.Writer, query, format string) error {
	if format != "table" && format != "csv" && format != "json" {
		return fmt.Errorf("--format must be table, csv or json, not %q", format)
	}
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	cols, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	names := make([]string, len(cols))
	numeric := make([]bool, len(cols))
	for i, c := range cols {
		names[i] = c.Name()
		numeric[i] = warehouse.IsNumeric(c.DatabaseTypeName())
	}
	vals, ptrs := warehouse.ScanTargets(len(cols))

	var cw *csv.Writer
	var t *table
	switch format {
	case "csv":
		cw = csv.NewWriter(w)
		_ = cw.Write(names)
	case "table":
		t = &table{header: names, numeric: numeric}
	case "json":
		fmt.Fprint(w, "[")
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		switch format {
		case "csv", "table":
			rec := make([]string, len(vals))
			for i, v := range vals {
				rec[i] = warehouse.Text(v, cols[i].DatabaseTypeName())
			}
			if cw != nil {
				_ = cw.Write(rec) // the writer keeps its first error for Flush
			} else {
				t.add(rec...)
			}
		case "json":
			if n > 0 {
				fmt.Fprint(w, ",")
			}
			fmt.Fprint(w, "\n  {")
			for i, v := range vals {
				if i > 0 {
					fmt.Fprint(w, ", ")
				}
				k, _ := json.Marshal(names[i])
				b, err := json.Marshal(warehouse.JSONValue(v, cols[i].DatabaseTypeName()))
				if err != nil {
					return fmt.Errorf("column %s: %w", names[i], err)
				}
				fmt.Fprintf(w, "%s: %s", k, b)
			}
			fmt.Fprint(w, "}")
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("query: %w", err)
	}
	switch format {
	case "csv":
		cw.Flush()
		return cw.Error()
	case "table":
		t.print(w)
		plural := "s"
		if n == 1 {
			plural = ""
		}
		fmt.Fprintf(w, "(%d row%s)\n", n, plural)
	case "json":
		fmt.Fprintln(w, "\n]")
	}
	return nil
}

// table is an aligned text table; numeric columns align right.
type table struct {
	header  []string
	numeric []bool
	rows    [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) print(w io.Writer) {
	width := make([]int, len(t.header))
	for i, h := range t.header {
		width[i] = displayWidth(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			width[i] = max(width[i], displayWidth(c))
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		for i, c := range cells {
			if i > 0 {
				b.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[i]-displayWidth(c))
			if t.numeric[i] {
				b.WriteString(pad + c)
			} else if i < len(cells)-1 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(t.header)
	sep := make([]string, len(width))
	for i, n := range width {
		sep[i] = strings.Repeat("-", n)
	}
	line(sep)
	for _, r := range t.rows {
		line(r)
	}
}

// displayWidth is the columns a string takes on a terminal: wide East Asian characters (the
// Chinese segment labels) take two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// num is n with thousands separators, for the CLI's summaries.
func num(n int64) string { return warehouse.Thousands(n) }
