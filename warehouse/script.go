package warehouse

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"text/template"
	"time"

	sqlfiles "github.com/crmwh/crmwh/sql"
)

// Execer is a connection, a transaction or a database.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Session is a connection or a transaction that scripts run on and queries read from: a job that
// builds temp tables on its connection before its transaction opens switches from one to the other.
type Session interface {
	Querier
	Execer
}

// DropOnExit runs the embedded script file (DROP TABLE IF EXISTS ..., rendered with data) on
// conn, for a defer: the tables a job builds on its connection go when it ends, done or failed,
// instead of staying on the pooled connection for the rest of the run. It runs even when ctx is
// cancelled; a failure is logged (the job's outcome stands).
func DropOnExit(ctx context.Context, conn *sql.Conn, file string, data any, log *slog.Logger) {
	if _, err := RunScript(context.WithoutCancel(ctx), conn, file, data); err != nil {
		log.WarnContext(ctx, "could not drop temp tables", "file", file, "err", err)
	}
}

// Counts are the rows a script's statements affected, by kind of statement.
type Counts struct {
	Inserted, Updated, Deleted int64
}

var (
	tmplMu    sync.Mutex
	tmplCache = map[string]*template.Template{}
)

// RunScript renders the embedded SQL file name as a text/template with data and executes its
// statements one by one, so that each statement's row count is known.
func RunScript(ctx context.Context, ex Execer, name string, data any) (Counts, error) {
	var c Counts
	text, err := Render(name, data)
	if err != nil {
		return c, err
	}
	for i, stmt := range SplitStatements(text) {
		t0 := time.Now()
		res, err := ex.ExecContext(ctx, stmt)
		slog.DebugContext(ctx, "sql statement", "file", name, "statement", i+1, "seconds", time.Since(t0).Seconds())
		if err != nil {
			return c, fmt.Errorf("%s: %w", name, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			continue // DDL reports no count
		}
		switch firstKeyword(stmt) {
		case "INSERT":
			c.Inserted += n
		case "UPDATE":
			c.Updated += n
		case "DELETE":
			c.Deleted += n
		}
	}
	return c, nil
}

// Render returns the embedded SQL file name rendered with data.
func Render(name string, data any) (string, error) {
	tmplMu.Lock()
	t, ok := tmplCache[name]
	if !ok {
		b, err := sqlfiles.Files.ReadFile(name)
		if err != nil {
			tmplMu.Unlock()
			return "", fmt.Errorf("sql file %s: %w", name, err)
		}
		t, err = template.New(name).Funcs(template.FuncMap{"join": strings.Join, "quote": Quote, "ident": Ident, "has": slices.Contains[[]string]}).Parse(string(b))
		if err != nil {
			tmplMu.Unlock()
			return "", fmt.Errorf("sql file %s: %w", name, err)
		}
		tmplCache[name] = t
	}
	tmplMu.Unlock()
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", fmt.Errorf("sql file %s: %w", name, err)
	}
	return buf.String(), nil
}

// SplitStatements splits a script at the semicolons that end statements, outside string
// literals, quoted identifiers and comments. Statements that hold only comments are dropped.
func SplitStatements(script string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		s := strings.TrimSpace(cur.String())
		if firstKeyword(s) != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	for i := 0; i < len(script); i++ {
		ch := script[i]
		switch {
		case ch == '\'' || ch == '"':
			j := i + 1
			for j < len(script) && script[j] != ch {
				j++
			}
			cur.WriteString(script[i:min(j+1, len(script))])
			i = j
		case ch == '-' && i+1 < len(script) && script[i+1] == '-':
			j := strings.IndexByte(script[i:], '\n')
			if j < 0 {
				j = len(script) - i
			}
			cur.WriteString(script[i : i+j])
			i += j - 1
		case ch == ';':
			flush()
		default:
			cur.WriteByte(ch)
		}
	}
	flush()
	return out
}

// firstKeyword is the statement's first word outside comments, upper-cased.
func firstKeyword(stmt string) string {
	for _, line := range strings.Split(stmt, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "--") {
			continue
		}
		if f := strings.Fields(line); len(f) > 0 {
			return strings.ToUpper(strings.TrimRight(f[0], "("))
		}
	}
	return ""
}
