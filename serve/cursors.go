package serve

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/codes"
	pgerror "github.com/jeroenrinzema/psql-wire/errors"

	"github.com/crmwh/crmwh/warehouse"
)

// SQL cursors: DECLARE ... CURSOR FOR, FETCH, MOVE and CLOSE, which DuckDB has none of.
// psycopg's and psycopg2's named (server-side) cursors read a large result in batches through
// them, as does SQL written for PostgreSQL. A cursor streams its query from the snapshot
// current at DECLARE, forward only, and holds one DuckDB connection and that snapshot until it
// is closed: by CLOSE, at the end of its transaction (unless WITH HOLD), or with the session.
type sqlCursor struct {
	name, statement string
	hold            bool
	created         time.Time
	columns         wire.Columns
	convs           []func(any) any
	rows            *sql.Rows
	ctx             context.Context // the query's: ended by the cursor's close, a cancel or a timeout
	cancel          context.CancelCauseFunc
	release         func()
}

func (c *sqlCursor) close() {
	c.rows.Close()
	c.cancel(nil)
	c.release()
}

// errCursorTimeout ends a cursor whose statement ran past serve.statement_timeout.
var errCursorTimeout = errors.New("canceling statement due to statement timeout; the cursor is closed")

// cursorTimeout cancels a cursor's query if the statement on it outlasts the endpoint's timeout;
// the returned function stops the clock.
func (e *SQLEndpoint) cursorTimeout(cancel context.CancelCauseFunc) func() bool {
	if e.Timeout <= 0 {
		return func() bool { return false }
	}
	return time.AfterFunc(e.Timeout, func() { cancel(errCursorTimeout) }).Stop
}

// cursorError says why a cursor's query failed: a timeout or a cancel request, else DuckDB's error.
func cursorError(ctx context.Context, err error) error {
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errCursorTimeout):
		return pgerror.WithCode(cause, codes.QueryCanceled)
	case errors.Is(cause, errCancelled):
		return pgerror.WithCode(errCancelled, codes.QueryCanceled)
	}
	return sqlError(err)
}

const cursorName = `("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`

var (
	declareCursor = regexp.MustCompile(`(?is)^\s*DECLARE\s+` + cursorName +
		`\s+((?:(?:BINARY|INSENSITIVE|ASENSITIVE|NO\s+SCROLL|SCROLL)\s+)*)CURSOR\s+(?:(WITH|WITHOUT)\s+HOLD\s+)?FOR\s+(.+?)[\s;]*$`)
	fetchCursor = regexp.MustCompile(`(?is)^\s*(FETCH|MOVE)\s+(?:(NEXT|ALL|FORWARD\s+ALL|FORWARD\s+\d+|FORWARD|\d+|PRIOR|FIRST|LAST|` +
		`BACKWARD(?:\s+(?:\d+|ALL))?|ABSOLUTE\s+-?\d+|RELATIVE\s+-?\d+|-\d+)\s+)?(?:(?:FROM|IN)\s+)?` + cursorName + `[\s;]*$`)
	closeCursor = regexp.MustCompile(`(?is)^\s*CLOSE\s+(ALL|` + cursorName[1:len(cursorName)-1] + `)[\s;]*$`)
	pgCursors   = regexp.MustCompile(`(?i)\b(?:pg_catalog\.)?pg_cursors\b`)
)

// identifier is a cursor's name as PostgreSQL reads it: quoted as written, else in lower case.
func identifier(s string) string {
	if strings.HasPrefix(s, `"`) {
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return strings.ToLower(s)
}

// cursorStatement answers DECLARE, FETCH, MOVE and CLOSE; ok is false for any other statement.
func (e *SQLEndpoint) cursorStatement(ctx context.Context, sess *sqlSession, text string, paramOIDs []uint32) (*wire.PreparedStatement, bool, error) {
	if m := declareCursor.FindStringSubmatch(text); m != nil {
		st, err := e.declare(ctx, sess, identifier(m[1]), strings.ToUpper(m[2]), strings.EqualFold(m[3], "WITH"), m[4], text, paramOIDs)
		return st, true, err
	}
	if m := fetchCursor.FindStringSubmatch(text); m != nil {
		st, err := e.fetch(sess, strings.ToUpper(m[1]), strings.Join(strings.Fields(strings.ToUpper(m[2])), " "), identifier(m[3]))
		return st, true, err
	}
	if m := closeCursor.FindStringSubmatch(text); m != nil {
		name := m[1]
		return wire.NewStatement(func(ctx context.Context, w wire.DataWriter, _ []wire.Parameter) error {
			if strings.EqualFold(name, "ALL") {
				sess.closeCursors(true)
				return w.Complete("CLOSE CURSOR")
			}
			c := sess.takeCursor(identifier(name))
			if c == nil {
				return pgerror.WithCode(fmt.Errorf("cursor %q does not exist", identifier(name)), codes.InvalidCursorName)
			}
			c.close()
			return w.Complete("CLOSE CURSOR")
		}), true, nil
	}
	return nil, false, nil
}

func (e *SQLEndpoint) declare(ctx context.Context, sess *sqlSession, name, options string, hold bool, query, statement string, paramOIDs []uint32) (*wire.PreparedStatement, error) {
	options = strings.Join(strings.Fields(options), " ")
	switch {
	case strings.Contains(options, "BINARY"):
		return nil, pgerror.WithCode(errors.New("BINARY cursors are not supported: declare the cursor without BINARY"), codes.FeatureNotSupported)
	case strings.Contains(options, "SCROLL") && !strings.Contains(options, "NO SCROLL"):
		return nil, pgerror.WithCode(errors.New("SCROLL cursors are not supported: crmwh's cursors read forward only"), codes.FeatureNotSupported)
	}
	d, err := e.describe(ctx, sess, sess.withCursors(query), paramOIDs)
	if err != nil {
		return nil, err
	}
	if d.kind != duckdb.STATEMENT_TYPE_SELECT {
		return nil, pgerror.WithCode(errors.New("a cursor is declared for a query (SELECT, WITH, VALUES)"), codes.InvalidCursorDefinition)
	}
	return wire.NewStatement(func(ctx context.Context, w wire.DataWriter, params []wire.Parameter) error {
		args, err := paramValues(params, d.params)
		if err != nil {
			return err
		}
		snap, release, err := e.Readers.Acquire()
		if err != nil {
			return err
		}
		// The cursor outlives this statement: its query runs under the session's lifetime,
		// each statement on it (this one, a FETCH) under the statement timeout.
		cctx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
		stop := e.cursorTimeout(cancel)
		rows, err := snap.DB(e.readerKind(sess.role)).QueryContext(duckdb.WithStreamingResults(cctx), d.text, args...)
		stop()
		if err != nil {
			cancel(nil)
			release()
			return cursorError(cctx, err)
		}
		// The columns of the running query: a query with parameters (range($1)) can have more
		// than its description without them said.
		columns, convs, err := resultColumns(rows, d.columns)
		if err != nil {
			rows.Close()
			cancel(nil)
			release()
			return err
		}
		c := &sqlCursor{name: name, statement: statement, hold: hold, created: time.Now(), columns: columns, convs: convs,
			rows: rows, ctx: cctx, cancel: cancel, release: release}
		if err := sess.addCursor(c); err != nil {
			c.close()
			return err
		}
		// A client may describe the cursor as a portal of the same name (psycopg does) or
		// execute it as one with a row limit.
		if ws, ok := wire.GetSession(ctx); ok {
			key := "crmwh cursor " + name
			portal := wire.NewStatement(func(ctx context.Context, w wire.DataWriter, _ []wire.Parameter) error {
				n, err := writeRows(c.rows, c.convs, w, -1)
				if err != nil {
					return sqlError(err)
				}
				return w.Complete(fmt.Sprintf("FETCH %d", n))
			}, wire.WithColumns(columns))
			if err := ws.Statements.Set(ctx, key, portal); err == nil {
				if st, err := ws.Statements.Get(ctx, key); err == nil && st != nil {
					_ = ws.Portals.Bind(ctx, name, st, nil, nil) // only a describe needs it
				}
			}
		}
		return w.Complete("DECLARE CURSOR")
	}, wire.WithParameters(d.params)), nil
}

// resultColumns are the PostgreSQL columns of a running query, named as described when the
// description has as many.
func resultColumns(rows *sql.Rows, described wire.Columns) (wire.Columns, []func(any) any, error) {
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, nil, err
	}
	columns := make(wire.Columns, len(types))
	convs := make([]func(any) any, len(types))
	for i, t := range types {
		name := t.Name()
		if len(described) == len(types) {
			name = described[i].Name
		}
		oid, conv := pgTypeNamed(t.DatabaseTypeName())
		columns[i] = wire.Column{Name: name, Oid: oid, Width: -1}
		convs[i] = conv
	}
	return columns, convs, nil
}

// fetch answers FETCH (rows, with the cursor's columns) and MOVE (a count) forward. One that
// runs longer than serve.statement_timeout ends the cursor, as a cancel request does.
func (e *SQLEndpoint) fetch(sess *sqlSession, verb, direction, name string) (*wire.PreparedStatement, error) {
	c := sess.cursor(name)
	if c == nil {
		return nil, pgerror.WithCode(fmt.Errorf("cursor %q does not exist", name), codes.InvalidCursorName)
	}
	var count int64 = 1
	switch {
	case direction == "" || direction == "NEXT" || direction == "FORWARD":
	case direction == "ALL" || direction == "FORWARD ALL":
		count = -1
	default:
		n, err := fmt.Sscan(strings.TrimPrefix(direction, "FORWARD "), &count)
		if n != 1 || err != nil || count < 0 {
			return nil, pgerror.WithCode(fmt.Errorf("%s %s is not supported: crmwh's cursors read forward only (NEXT, n, FORWARD n, ALL)", verb, direction),
				codes.FeatureNotSupported)
		}
	}
	run := func(ctx context.Context, w wire.DataWriter, _ []wire.Parameter) error {
		sess.mu.Lock()
		// A cancel request ends the cursor, as it aborts PostgreSQL's transaction.
		sess.cancel = func() { c.cancel(errCancelled) }
		sess.mu.Unlock()
		defer func() {
			sess.mu.Lock()
			sess.cancel = nil
			sess.mu.Unlock()
		}()
		defer e.cursorTimeout(c.cancel)()
		if verb == "MOVE" {
			var n int64
			for (count < 0 || n < count) && c.rows.Next() {
				n++
			}
			if err := c.rows.Err(); err != nil {
				return cursorError(c.ctx, err)
			}
			return w.Complete(fmt.Sprintf("MOVE %d", n))
		}
		n, err := writeRows(c.rows, c.convs, w, count)
		if err != nil {
			return cursorError(c.ctx, err)
		}
		return w.Complete(fmt.Sprintf("FETCH %d", n))
	}
	if verb == "MOVE" {
		return wire.NewStatement(run), nil
	}
	return wire.NewStatement(run, wire.WithColumns(c.columns)), nil
}

func (sess *sqlSession) addCursor(c *sqlCursor) error {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if _, taken := sess.cursors[c.name]; taken {
		return pgerror.WithCode(fmt.Errorf("cursor %q already exists", c.name), codes.DuplicateCursor)
	}
	if sess.cursors == nil {
		sess.cursors = map[string]*sqlCursor{}
	}
	sess.cursors[c.name] = c
	return nil
}

func (sess *sqlSession) cursor(name string) *sqlCursor {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	return sess.cursors[name]
}

func (sess *sqlSession) takeCursor(name string) *sqlCursor {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	c := sess.cursors[name]
	delete(sess.cursors, name)
	return c
}

// closeCursors closes the session's cursors: all, or those not declared WITH HOLD.
func (sess *sqlSession) closeCursors(all bool) {
	sess.mu.Lock()
	var closing []*sqlCursor
	for name, c := range sess.cursors {
		if all || !c.hold {
			closing = append(closing, c)
			delete(sess.cursors, name)
		}
	}
	sess.mu.Unlock()
	for _, c := range closing {
		c.close()
	}
}

// withCursors puts the session's open cursors where a query reads pg_cursors (psycopg asks it
// whether a cursor is still open before closing it).
func (sess *sqlSession) withCursors(q string) string {
	if !pgCursors.MatchString(q) {
		return q
	}
	sess.mu.Lock()
	var rows []string
	for _, c := range sess.cursors {
		rows = append(rows, fmt.Sprintf("(%s, %s, %v, false, false, TIMESTAMPTZ %s)", warehouse.Quote(c.name), warehouse.Quote(c.statement),
			c.hold, warehouse.Quote(c.created.UTC().Format("2006-01-02 15:04:05.999999Z07:00"))))
	}
	sess.mu.Unlock()
	values := "(SELECT NULL::VARCHAR, NULL::VARCHAR, false, false, false, NULL::TIMESTAMPTZ WHERE false)"
	if len(rows) > 0 {
		values = "(VALUES " + strings.Join(rows, ", ") + ")"
	}
	return pgCursors.ReplaceAllString(q, "(SELECT * FROM "+values+" AS c(name, statement, is_holdable, is_binary, is_scrollable, creation_time))")
}
