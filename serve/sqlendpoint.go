package serve

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5/pgtype"
	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/codes"
	pgerror "github.com/jeroenrinzema/psql-wire/errors"
	"github.com/jeroenrinzema/psql-wire/pkg/buffer"
	"github.com/jeroenrinzema/psql-wire/pkg/types"
	"github.com/xdg-go/scram"

	"github.com/crmwh/crmwh/warehouse"
)

// SQLEndpoint answers PostgreSQL clients (psql, pgx, psycopg2, BI tools) with queries on the
// published snapshot. Analysts read the masked catalog, admins the clear one. Read-only is
// enforced twice: here only queries are accepted, and DuckDB itself (read-only catalog, no file
// access outside the snapshot's tables, configuration locked) refuses anything else.
type SQLEndpoint struct {
	Readers *Readers
	Access  *Access
	Metrics *Metrics
	// Timeout cancels a statement that runs longer (0: none).
	Timeout time.Duration
	// TLS, when set, is required of every client (sslmode=prefer, the default, or require).
	TLS *tls.Config
	// Cleartext asks for passwords in clear text instead of SCRAM-SHA-256 (serve.sql_auth:
	// password), for clients without SCRAM and users added before crmwh kept verifiers.
	Cleartext bool
	Log       *slog.Logger

	mu       sync.Mutex
	sessions map[int32]*sqlSession // by backend process id, for cancel requests
}

type sessionKey struct{}

type sqlSession struct {
	user, role string
	pid        int32
	secret     int32

	mu     sync.Mutex
	cancel context.CancelFunc // of the running statement
	// inTx is set between BEGIN and COMMIT or ROLLBACK. Nothing is transactional (every
	// statement reads one published snapshot), but clients see the status PostgreSQL would
	// report, and a named portal lives on past Sync inside a transaction: pgjdbc's fetch size
	// and psycopg's server-side cursors read a large result in batches that way.
	inTx    bool
	cursors map[string]*sqlCursor // the open SQL cursors, by name (cursors.go)
}

// txStatus is the transaction status of the session's next ReadyForQuery.
func (e *SQLEndpoint) txStatus(ctx context.Context) types.ServerStatus {
	sess, _ := ctx.Value(sessionKey{}).(*sqlSession)
	if sess == nil {
		return types.ServerIdle
	}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if sess.inTx {
		return types.ServerTransactionBlock
	}
	return types.ServerIdle
}

// keyData gives each session the process id and secret a client's cancel request (psql's
// Ctrl-C, a driver's context cancellation) must quote.
func (e *SQLEndpoint) keyData(ctx context.Context) (int32, int32) {
	sess, _ := ctx.Value(sessionKey{}).(*sqlSession)
	if sess == nil {
		return 0, 0
	}
	var b [8]byte
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sessions == nil {
		e.sessions = map[int32]*sqlSession{}
	}
	for {
		if _, err := rand.Read(b[:]); err != nil {
			return 0, 0 // no cancel for this session; statements still time out
		}
		pid := int32(binary.BigEndian.Uint32(b[:4]) & 0x7fffffff)
		if _, taken := e.sessions[pid]; pid != 0 && !taken {
			sess.pid, sess.secret = pid, int32(binary.BigEndian.Uint32(b[4:]))
			e.sessions[pid] = sess
			return sess.pid, sess.secret
		}
	}
}

func (e *SQLEndpoint) cancelRequest(_ context.Context, pid, secret int32) error {
	e.mu.Lock()
	sess := e.sessions[pid]
	e.mu.Unlock()
	if sess == nil || subtle.ConstantTimeEq(sess.secret, secret) != 1 {
		return nil // as PostgreSQL: no answer either way
	}
	sess.mu.Lock()
	if sess.cancel != nil {
		sess.cancel()
	}
	sess.mu.Unlock()
	e.logger().Info("SQL statement cancelled by the client", "user", sess.user)
	return nil
}

func (e *SQLEndpoint) closeSession(ctx context.Context) error {
	if sess, _ := ctx.Value(sessionKey{}).(*sqlSession); sess != nil {
		sess.closeCursors(true)
		e.mu.Lock()
		delete(e.sessions, sess.pid)
		e.mu.Unlock()
	}
	return nil
}

// Serve accepts connections on l until ctx ends.
func (e *SQLEndpoint) Serve(ctx context.Context, l net.Listener) error {
	// psql-wire reports server_version 150000 whatever wire.Version says, so psql sends its
	// PostgreSQL 15 catalog queries; pgCompat, pg_catalog.sql and pg_compat.sql make those run.
	opts := []wire.OptionFn{
		wire.SessionAuthStrategy(e.passwordAuth),
		wire.Logger(e.logger()),
		wire.BackendKeyData(e.keyData),
		wire.CancelRequest(e.cancelRequest),
		wire.CloseConn(e.closeSession),
		wire.TxStatus(e.txStatus),
		wire.GlobalParameters(wire.Parameters{
			"DateStyle":                   "ISO, MDY",
			"TimeZone":                    "UTC",
			"client_encoding":             "UTF8",
			"integer_datetimes":           "on",
			"standard_conforming_strings": "on",
		}),
	}
	if e.TLS != nil {
		// With a certificate, TLS is required: psql-wire's ClientAuth option only makes it refuse
		// clients that do not ask for TLS (client certificates are up to e.TLS, which wants
		// none). psql and pgx ask by default (sslmode=prefer).
		opts = append(opts, wire.TLSConfig(e.TLS), wire.ClientAuth(tls.RequireAndVerifyClientCert))
	}
	srv, err := wire.NewServer(e.parse, opts...)
	if err != nil {
		return fmt.Errorf("SQL endpoint: %w", err)
	}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(bufferedListener{l}); err != nil && ctx.Err() == nil {
		return fmt.Errorf("SQL endpoint: %w", err)
	}
	return nil
}

func (e *SQLEndpoint) logger() *slog.Logger {
	if e.Log != nil {
		return e.Log
	}
	return slog.Default()
}

// passwordAuth signs a client in with SCRAM-SHA-256 (or, when Cleartext is set, with the
// password in clear text: keep the endpoint on loopback or behind TLS then) against ops.users.
// psql-wire's own authentication is not used because it can only answer "invalid
// username/password"; a marketing user deserves to be told why.
func (e *SQLEndpoint) passwordAuth(ctx context.Context, w *buffer.Writer, r *buffer.Reader) (context.Context, error) {
	user := wire.ClientParameters(ctx)[wire.ParamUsername]
	var role string
	var ok bool
	var err error
	if e.Cleartext {
		role, ok, err = e.cleartextAuth(ctx, w, r, user)
	} else {
		role, ok, err = e.scramAuth(ctx, w, r, user)
	}
	var wireErr *wireError
	if errors.As(err, &wireErr) {
		return ctx, wireErr.err // the client went away or broke the protocol
	}
	var refuse error
	switch {
	case errors.Is(err, ErrTooManyFailures):
		e.logger().Warn("SQL sign-in throttled", "user", user)
		refuse = pgerror.WithCode(err, codes.InvalidAuthorizationSpecification)
	case errors.Is(err, errNoVerifier):
		e.logger().Warn("SQL sign-in refused: no SCRAM verifier", "user", user)
		refuse = pgerror.WithCode(fmt.Errorf("user %q was added before crmwh kept SCRAM verifiers: set the password again with `crmwh user add %s --role %s` (or set serve.sql_auth: password)", user, user, role),
			codes.InvalidPassword)
	case err != nil:
		e.logger().Error("SQL sign-in failed", "user", user, "err", err)
		refuse = pgerror.WithCode(errors.New("sign-in is not possible right now; try again"), codes.CannotConnectNow)
	case !ok:
		e.logger().Warn("SQL sign-in refused", "user", user)
		refuse = pgerror.WithCode(fmt.Errorf("password authentication failed for user %q", user), codes.InvalidPassword)
	case role == RoleMarketing:
		refuse = pgerror.WithCode(fmt.Errorf("user %q has the marketing role, which signs in to the web UI; the SQL endpoint is for analysts and admins", user),
			codes.InsufficientPrivilege)
	}
	e.Metrics.signIn("sql", refuse == nil)
	if refuse != nil {
		refuse = pgerror.WithSeverity(refuse, pgerror.LevelFatal)
		if err := wire.WriteUnterminatedError(w, refuse); err != nil {
			return ctx, err
		}
		return ctx, refuse
	}
	w.Start(types.ServerAuth)
	w.AddInt32(0) // AuthenticationOk
	if err := w.End(); err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, sessionKey{}, &sqlSession{user: user, role: role}), nil
}

// wireError is a failure to talk to the client during sign-in, as opposed to a refusal.
type wireError struct{ err error }

func (e *wireError) Error() string { return e.err.Error() }

// cleartextAuth asks for the password itself and checks it against its bcrypt hash.
func (e *SQLEndpoint) cleartextAuth(ctx context.Context, w *buffer.Writer, r *buffer.Reader, user string) (string, bool, error) {
	w.Start(types.ServerAuth)
	w.AddInt32(3) // AuthenticationCleartextPassword
	if err := w.End(); err != nil {
		return "", false, &wireError{err}
	}
	t, _, err := r.ReadTypedMsg()
	if err != nil {
		return "", false, &wireError{err}
	}
	if t != types.ClientPassword {
		return "", false, &wireError{errors.New("expected a password message")}
	}
	password, err := r.GetString()
	if err != nil {
		return "", false, &wireError{err}
	}
	return e.Access.Authenticate(ctx, user, password)
}

// scramAuth runs SCRAM-SHA-256 against the user's verifier: AuthenticationSASL, the client's
// first message, AuthenticationSASLContinue, its proof, AuthenticationSASLFinal.
func (e *SQLEndpoint) scramAuth(ctx context.Context, w *buffer.Writer, r *buffer.Reader, user string) (string, bool, error) {
	role, creds, err := e.Access.ScramCredentials(ctx, user)
	if err != nil {
		return role, false, err
	}
	server, err := scram.SHA256.NewServer(func(string) (scram.StoredCredentials, error) { return creds, nil })
	if err != nil {
		return "", false, err
	}
	conv := server.NewConversation()
	w.Start(types.ServerAuth)
	w.AddInt32(10) // AuthenticationSASL
	w.AddString("SCRAM-SHA-256")
	w.AddNullTerminate()
	w.AddNullTerminate()
	if err := w.End(); err != nil {
		return "", false, &wireError{err}
	}
	// SASLInitialResponse: the mechanism, then the client-first message with its length.
	if t, _, err := r.ReadTypedMsg(); err != nil || t != types.ClientPassword {
		return "", false, &wireError{fmt.Errorf("expected a SASL initial response: %v", err)}
	}
	mechanism, err := r.GetString()
	if err != nil || mechanism != "SCRAM-SHA-256" {
		return "", false, &wireError{fmt.Errorf("SASL mechanism %q: only SCRAM-SHA-256 is offered", mechanism)}
	}
	n, err := r.GetInt32()
	if err != nil {
		return "", false, &wireError{err}
	}
	first, err := r.GetBytes(int(n))
	if err != nil {
		return "", false, &wireError{err}
	}
	serverFirst, err := conv.Step(string(first))
	if err != nil {
		return "", false, &wireError{fmt.Errorf("SCRAM: %w", err)}
	}
	w.Start(types.ServerAuth)
	w.AddInt32(11) // AuthenticationSASLContinue
	w.AddBytes([]byte(serverFirst))
	if err := w.End(); err != nil {
		return "", false, &wireError{err}
	}
	// SASLResponse: the client-final message, the whole body.
	if t, _, err := r.ReadTypedMsg(); err != nil || t != types.ClientPassword {
		return "", false, &wireError{fmt.Errorf("expected a SASL response: %v", err)}
	}
	serverFinal, err := conv.Step(string(r.Msg))
	ok := err == nil && conv.Valid()
	e.Access.Record(user, ok)
	if !ok {
		return "", false, nil
	}
	w.Start(types.ServerAuth)
	w.AddInt32(12) // AuthenticationSASLFinal
	w.AddBytes([]byte(serverFinal))
	if err := w.End(); err != nil {
		return "", false, &wireError{err}
	}
	return role, true, nil
}

// clientSettings are the session parameters drivers set on connect (psycopg2, JDBC, BI tools);
// they are acknowledged and change nothing. Any other SET is an engine option and refused.
var clientSettings = map[string]bool{"application_name": true, "client_encoding": true, "datestyle": true,
	"extra_float_digits": true, "timezone": true, "search_path": true, "statement_timeout": true,
	"client_min_messages": true, "intervalstyle": true, "bytea_output": true, "standard_conforming_strings": true}

var writes = map[string]bool{"INSERT": true, "UPDATE": true, "DELETE": true, "MERGE": true, "CREATE": true, "DROP": true,
	"ALTER": true, "TRUNCATE": true, "COPY": true, "ATTACH": true, "DETACH": true, "INSTALL": true, "LOAD": true,
	"IMPORT": true, "EXPORT": true, "CHECKPOINT": true, "VACUUM": true}

var setName = regexp.MustCompile(`(?is)^\s*(?:SET|RESET)\s+(?:SESSION\s+|LOCAL\s+)?([A-Za-z_][A-Za-z0-9_.]*)`)

func (e *SQLEndpoint) parse(ctx context.Context, q wire.Query) (wire.PreparedStatements, error) {
	sess, _ := ctx.Value(sessionKey{}).(*sqlSession)
	if sess == nil {
		return nil, errors.New("not signed in")
	}
	texts := []string{q.Query}
	if q.SimpleQuery {
		texts = warehouse.SplitStatements(q.Query)
	}
	var out wire.PreparedStatements
	for _, text := range texts {
		st, err := e.prepare(ctx, sess, text, q.ParameterOIDs)
		if err != nil {
			e.Metrics.query(sess.role, "refused")
			e.logger().Info("SQL statement refused", "user", sess.user, "err", err)
			return nil, err
		}
		out = append(out, st)
	}
	if len(out) == 0 { // only comments or semicolons
		out = append(out, wire.NewStatement(func(ctx context.Context, w wire.DataWriter, _ []wire.Parameter) error {
			return w.Empty()
		}))
	}
	return out, nil
}

func (e *SQLEndpoint) readerKind(role string) string {
	if role == RoleAdmin {
		return ReaderClear
	}
	return ReaderMasked
}

// described is what DuckDB says of a statement: its kind, result columns (with the conversion
// of each column's values) and parameters.
type described struct {
	text    string // as run: after pgCompat
	kind    duckdb.StmtType
	columns wire.Columns
	convs   []func(any) any
	params  []uint32
}

// describe has DuckDB prepare the statement to learn its kind, columns and parameters; it is
// prepared again at execution, on whichever snapshot is current then.
func (e *SQLEndpoint) describe(ctx context.Context, sess *sqlSession, text string, paramOIDs []uint32) (*described, error) {
	text = pgCompat(text)
	snap, release, err := e.Readers.Acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	conn, err := snap.DB(e.readerKind(sess.role)).Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var (
		kind    duckdb.StmtType
		columns wire.Columns
		convs   []func(any) any
		params  []uint32
	)
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		ps, err := c.PrepareContext(ctx, text)
		if err != nil {
			return err
		}
		defer ps.Close()
		st := ps.(*duckdb.Stmt)
		if kind, err = st.StatementType(); err != nil {
			return err
		}
		n := st.NumInput()
		params = make([]uint32, n)
		for i := range n {
			if i < len(paramOIDs) && paramOIDs[i] != 0 {
				params[i] = paramOIDs[i]
				continue
			}
			t, err := st.ParamType(i + 1)
			if err != nil {
				return err
			}
			params[i], _ = pgType(t)
		}
		if kind != duckdb.STATEMENT_TYPE_SELECT && kind != duckdb.STATEMENT_TYPE_EXPLAIN {
			return nil
		}
		nc, err := st.ColumnCount()
		if err != nil {
			return err
		}
		for i := range nc {
			name, err := st.ColumnName(i)
			if err != nil {
				return err
			}
			t, err := st.ColumnType(i)
			if err != nil {
				return err
			}
			oid, conv := pgType(t)
			columns = append(columns, wire.Column{Name: name, Oid: oid, Width: -1})
			convs = append(convs, conv)
		}
		return nil
	})
	if err == nil && kind == duckdb.STATEMENT_TYPE_SELECT {
		pgColumnNames(ctx, conn, text, columns)
	}
	if err != nil {
		if writes[strings.ToUpper(firstWord(text))] {
			// DuckDB can fail to bind a write before it says what it is (INSERT into a view).
			return nil, refused(fmt.Sprintf("%s statements are not allowed: the SQL endpoint is read-only (%v)", strings.ToUpper(firstWord(text)), err))
		}
		return nil, sqlError(err)
	}
	return &described{text: text, kind: kind, columns: columns, convs: convs, params: params}, nil
}

// prepare answers the statement: a query runs on the current snapshot, a transaction statement
// or a client setting is acknowledged, a cursor statement works on the session's cursors, and
// anything else is refused.
func (e *SQLEndpoint) prepare(ctx context.Context, sess *sqlSession, text string, paramOIDs []uint32) (*wire.PreparedStatement, error) {
	if st, ok, err := e.cursorStatement(ctx, sess, text, paramOIDs); ok {
		return st, err
	}
	text = sess.withCursors(text)
	d, err := e.describe(ctx, sess, text, paramOIDs)
	if err != nil {
		return nil, err
	}
	kind, columns, convs, params := d.kind, d.columns, d.convs, d.params
	text = d.text
	switch kind {
	case duckdb.STATEMENT_TYPE_SELECT, duckdb.STATEMENT_TYPE_EXPLAIN:
		return wire.NewStatement(func(ctx context.Context, w wire.DataWriter, args []wire.Parameter) error {
			return e.execute(ctx, sess, text, params, convs, w, args)
		}, wire.WithColumns(columns), wire.WithParameters(params)), nil
	case duckdb.STATEMENT_TYPE_TRANSACTION:
		// Clients wrap queries in transactions (psycopg2 does by default). Every statement reads
		// one published snapshot, so there is nothing to begin or end.
		tag := strings.ToUpper(firstWord(text))
		var inTx bool
		switch tag {
		case "START", "BEGIN":
			tag, inTx = "BEGIN", true
		case "END", "COMMIT":
			tag = "COMMIT"
		case "ABORT", "ROLLBACK":
			tag = "ROLLBACK"
		}
		return wire.NewStatement(func(ctx context.Context, w wire.DataWriter, _ []wire.Parameter) error {
			sess.mu.Lock()
			sess.inTx = inTx
			sess.mu.Unlock()
			if !inTx {
				sess.closeCursors(false) // as PostgreSQL: the transaction's cursors end with it
			}
			return w.Complete(tag)
		}), nil
	case duckdb.STATEMENT_TYPE_VARIABLE_SET, duckdb.STATEMENT_TYPE_SET:
		m := setName.FindStringSubmatch(text)
		if m != nil && clientSettings[strings.ToLower(m[1])] {
			tag := strings.ToUpper(firstWord(text))
			return acknowledge(tag), nil
		}
		return nil, refused("SET of engine options is not allowed: the SQL endpoint's configuration is locked")
	}
	return nil, refused(fmt.Sprintf("%s statements are not allowed: the SQL endpoint is read-only and runs queries only (SELECT, WITH, EXPLAIN, DESCRIBE, SHOW)", statementName(kind)))
}

func (e *SQLEndpoint) execute(ctx context.Context, sess *sqlSession, text string, oids []uint32, convs []func(any) any, w wire.DataWriter, params []wire.Parameter) error {
	t0 := time.Now()
	if e.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.Timeout)
		defer cancel()
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sess.mu.Lock()
	sess.cancel = func() { cancel(errCancelled) }
	sess.mu.Unlock()
	defer func() {
		sess.mu.Lock()
		sess.cancel = nil
		sess.mu.Unlock()
	}()
	args, err := paramValues(params, oids)
	if err != nil {
		return err
	}
	snap, release, err := e.Readers.Acquire()
	if err != nil {
		return err
	}
	defer release()
	// Streamed: a cursor or a fetch size reads a large result in batches while DuckDB produces
	// it, in memory bounded by the batch, not by the result.
	rows, err := snap.DB(e.readerKind(sess.role)).QueryContext(duckdb.WithStreamingResults(ctx), text, args...)
	if err != nil {
		e.Metrics.query(sess.role, "error")
		return e.timeoutError(ctx, err)
	}
	defer rows.Close()
	if _, err := writeRows(rows, convs, w, -1); err != nil {
		e.Metrics.query(sess.role, "error")
		return e.timeoutError(ctx, err)
	}
	e.Metrics.query(sess.role, "ok")
	e.Metrics.queryDuration(time.Since(t0))
	return w.Complete(fmt.Sprintf("SELECT %d", w.Written()))
}

// writeRows writes up to limit rows (all when negative) to w, converted for pgx's encoders, and
// returns how many it wrote.
func writeRows(rows *sql.Rows, convs []func(any) any, w wire.DataWriter, limit int64) (int64, error) {
	vals, ptrs := warehouse.ScanTargets(len(convs)) // a conversion per column
	var n int64
	for (limit < 0 || n < limit) && rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, v := range vals {
			if v != nil {
				vals[i] = convs[i](v)
			}
		}
		if err := w.Row(vals); err != nil { // encoded at once: vals can be scanned into again
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

var errCancelled = errors.New("canceling statement due to user request")

func (e *SQLEndpoint) timeoutError(ctx context.Context, err error) error {
	switch {
	case errors.Is(context.Cause(ctx), errCancelled):
		return pgerror.WithCode(errCancelled, codes.QueryCanceled)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return pgerror.WithCode(fmt.Errorf("canceling statement due to statement timeout (%s)", e.Timeout), codes.QueryCanceled)
	}
	return sqlError(err)
}

// sqlError passes DuckDB's message on, with a SQLSTATE class clients understand.
func sqlError(err error) error {
	msg := err.Error()
	code := codes.DataException
	switch {
	case strings.Contains(msg, "Permission Error") || strings.Contains(msg, "read-only mode") || strings.Contains(msg, "configuration has been locked"):
		code = codes.InsufficientPrivilege
	case strings.Contains(msg, "Catalog Error"):
		code = codes.UndefinedTable
	case strings.Contains(msg, "Parser Error"):
		code = codes.Syntax
	case strings.Contains(msg, "Binder Error"):
		code = codes.UndefinedColumn
	}
	return pgerror.WithCode(err, code)
}

func refused(msg string) error {
	return pgerror.WithCode(errors.New(msg), codes.ReadOnlySQLTransaction)
}

func firstWord(s string) string {
	f := strings.Fields(strings.TrimSpace(s))
	if len(f) == 0 {
		return ""
	}
	return strings.TrimRight(f[0], ";")
}

// acknowledge is a statement that changes nothing and answers with its command tag.
func acknowledge(tag string) *wire.PreparedStatement {
	return wire.NewStatement(func(ctx context.Context, w wire.DataWriter, _ []wire.Parameter) error {
		return w.Complete(tag)
	})
}

// statementNames name the refused kinds of statement in the refusal.
var statementNames = map[duckdb.StmtType]string{
	duckdb.STATEMENT_TYPE_INSERT: "INSERT", duckdb.STATEMENT_TYPE_UPDATE: "UPDATE", duckdb.STATEMENT_TYPE_DELETE: "DELETE",
	duckdb.STATEMENT_TYPE_CREATE: "CREATE", duckdb.STATEMENT_TYPE_ALTER: "ALTER", duckdb.STATEMENT_TYPE_DROP: "DROP",
	duckdb.STATEMENT_TYPE_COPY: "COPY", duckdb.STATEMENT_TYPE_ATTACH: "ATTACH", duckdb.STATEMENT_TYPE_DETACH: "DETACH",
	duckdb.STATEMENT_TYPE_LOAD: "INSTALL/LOAD", duckdb.STATEMENT_TYPE_PRAGMA: "PRAGMA", duckdb.STATEMENT_TYPE_EXPORT: "EXPORT",
	duckdb.STATEMENT_TYPE_CREATE_FUNC: "CREATE FUNCTION", duckdb.STATEMENT_TYPE_PREPARE: "PREPARE",
	duckdb.STATEMENT_TYPE_EXECUTE: "EXECUTE", duckdb.STATEMENT_TYPE_VACUUM: "VACUUM", duckdb.STATEMENT_TYPE_ANALYZE: "ANALYZE",
	duckdb.STATEMENT_TYPE_CALL: "CALL", duckdb.STATEMENT_TYPE_SET: "SET",
}

func statementName(k duckdb.StmtType) string {
	if n, ok := statementNames[k]; ok {
		return n
	}
	return "These"
}

// pgTypes say how each DuckDB type reaches PostgreSQL clients: the OID of the values the endpoint
// sends, which is also the column's type in its catalog (pg_compat.sql), and the conversion of
// DuckDB's value into one pgx's encoders take. Types not listed (lists, structs, maps, unions,
// enums) are sent as text. name is the type as duckdb_columns() spells it, DECIMAL without its
// precision.
var pgTypes = []struct {
	duck duckdb.Type
	name string
	oid  uint32
	conv func(any) any
}{
	{duckdb.TYPE_BOOLEAN, "BOOLEAN", pgtype.BoolOID, nil},
	{duckdb.TYPE_TINYINT, "TINYINT", pgtype.Int2OID, nil},
	{duckdb.TYPE_SMALLINT, "SMALLINT", pgtype.Int2OID, nil},
	{duckdb.TYPE_UTINYINT, "UTINYINT", pgtype.Int2OID, nil},
	{duckdb.TYPE_INTEGER, "INTEGER", pgtype.Int4OID, nil},
	{duckdb.TYPE_USMALLINT, "USMALLINT", pgtype.Int4OID, nil},
	{duckdb.TYPE_BIGINT, "BIGINT", pgtype.Int8OID, nil},
	{duckdb.TYPE_UINTEGER, "UINTEGER", pgtype.Int8OID, nil},
	{duckdb.TYPE_UBIGINT, "UBIGINT", pgtype.NumericOID, toNumeric},
	{duckdb.TYPE_HUGEINT, "HUGEINT", pgtype.NumericOID, toNumeric},
	{duckdb.TYPE_UHUGEINT, "UHUGEINT", pgtype.NumericOID, toNumeric},
	{duckdb.TYPE_DECIMAL, "DECIMAL", pgtype.NumericOID, toNumeric},
	{duckdb.TYPE_BIGNUM, "BIGNUM", pgtype.NumericOID, toNumeric},
	{duckdb.TYPE_FLOAT, "FLOAT", pgtype.Float4OID, nil},
	{duckdb.TYPE_DOUBLE, "DOUBLE", pgtype.Float8OID, nil},
	{duckdb.TYPE_DATE, "DATE", pgtype.DateOID, nil},
	{duckdb.TYPE_TIMESTAMP, "TIMESTAMP", pgtype.TimestampOID, nil},
	{duckdb.TYPE_TIMESTAMP_S, "TIMESTAMP_S", pgtype.TimestampOID, nil},
	{duckdb.TYPE_TIMESTAMP_MS, "TIMESTAMP_MS", pgtype.TimestampOID, nil},
	{duckdb.TYPE_TIMESTAMP_NS, "TIMESTAMP_NS", pgtype.TimestampOID, nil},
	{duckdb.TYPE_TIMESTAMP_TZ, "TIMESTAMP WITH TIME ZONE", pgtype.TimestamptzOID, nil},
	{duckdb.TYPE_TIME, "TIME", pgtype.TimeOID, toTime},
	{duckdb.TYPE_INTERVAL, "INTERVAL", pgtype.IntervalOID, toInterval},
	{duckdb.TYPE_BLOB, "BLOB", pgtype.ByteaOID, nil},
	{duckdb.TYPE_UUID, "UUID", pgtype.UUIDOID, toUUID},
	{duckdb.TYPE_VARCHAR, "VARCHAR", pgtype.TextOID, toText},
}

// pgType maps a DuckDB type to the PostgreSQL type clients receive and the conversion of its
// values (pgTypes).
func pgType(t duckdb.Type) (uint32, func(any) any) {
	for _, p := range pgTypes {
		if p.duck == t {
			if p.conv == nil {
				return p.oid, same
			}
			return p.oid, p.conv
		}
	}
	return pgtype.TextOID, toText
}

// pgTypeNamed is pgType for a type as DuckDB names it (DECIMAL(18,2), VARCHAR[]).
func pgTypeNamed(name string) (uint32, func(any) any) {
	if strings.HasPrefix(name, "DECIMAL(") {
		name = "DECIMAL"
	}
	for _, p := range pgTypes {
		if p.name == name {
			return pgType(p.duck)
		}
	}
	return pgtype.TextOID, toText
}

func same(v any) any { return v }

func toNumeric(v any) any {
	switch x := v.(type) {
	case duckdb.Decimal:
		return pgtype.Numeric{Int: x.Value, Exp: -int32(x.Scale), Valid: true}
	case *big.Int:
		return pgtype.Numeric{Int: x, Valid: true}
	case uint64:
		return pgtype.Numeric{Int: new(big.Int).SetUint64(x), Valid: true}
	case int64:
		return pgtype.Numeric{Int: big.NewInt(x), Valid: true}
	case float64:
		return x
	}
	return toText(v)
}

func toTime(v any) any {
	if t, ok := v.(time.Time); ok {
		d := t.Sub(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location()))
		return pgtype.Time{Microseconds: d.Microseconds(), Valid: true}
	}
	return v
}

func toInterval(v any) any {
	if x, ok := v.(duckdb.Interval); ok {
		return pgtype.Interval{Months: x.Months, Days: x.Days, Microseconds: x.Micros, Valid: true}
	}
	return v
}

func toUUID(v any) any {
	switch x := v.(type) {
	case []byte:
		if len(x) == 16 {
			return pgtype.UUID{Bytes: [16]byte(x), Valid: true}
		}
		if u, err := parseUUID(string(x)); err == nil {
			return u
		}
	case duckdb.UUID:
		return pgtype.UUID{Bytes: x, Valid: true}
	case string:
		if u, err := parseUUID(x); err == nil {
			return u
		}
	}
	return v
}

func parseUUID(s string) (pgtype.UUID, error) {
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || len(b) != 16 {
		return pgtype.UUID{}, fmt.Errorf("not a UUID: %q", s)
	}
	return pgtype.UUID{Bytes: [16]byte(b), Valid: true}, nil
}

func toText(v any) any {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case fmt.Stringer:
		return x.String()
	}
	if b, err := json.Marshal(v); err == nil {
		return string(b)
	}
	return fmt.Sprint(v)
}

// paramValues decodes a statement's bound parameters, of the types it declared.
func paramValues(params []wire.Parameter, oids []uint32) ([]any, error) {
	args := make([]any, len(params))
	for i, p := range params {
		v, err := paramValue(p, oids[i])
		if err != nil {
			return nil, fmt.Errorf("parameter $%d: %w", i+1, err)
		}
		args[i] = v
	}
	return args, nil
}

// paramValue decodes a bound parameter. Text-format values go to DuckDB as text and are cast
// there, as PostgreSQL casts untyped literals; binary ones are decoded by their type.
func paramValue(p wire.Parameter, oid uint32) (any, error) {
	if p.Value() == nil {
		return nil, nil
	}
	if p.Format() == wire.TextFormat {
		return string(p.Value()), nil
	}
	v, err := p.Scan(oid)
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case pgtype.Numeric:
		f, err := x.Float64Value()
		if err != nil {
			return nil, err
		}
		return f.Float64, nil
	case driver.Valuer:
		return x.Value()
	}
	return v, nil
}

// pgCompat makes PostgreSQL clients' catalog queries run on DuckDB: the pg_catalog qualifier
// goes (so the compatibility objects of sql/serve/pg_compat.sql are found first), and
// PostgreSQL-only syntax psql uses is written the DuckDB way. String literals are left alone.
func pgCompat(q string) string {
	if m := showSetting.FindStringSubmatch(q); m != nil {
		name := strings.ToLower(strings.Join(strings.Fields(m[1]), " "))
		if v, ok := showSettings[name]; ok {
			col := strings.ReplaceAll(name, " ", "_")
			if name == "transaction isolation level" {
				col = "transaction_isolation"
			}
			return "SELECT " + warehouse.Quote(v) + " AS " + warehouse.Ident(col)
		}
	}
	if !strings.Contains(q, "pg_catalog") && !strings.Contains(q, "::reg") && !strings.Contains(q, "::oid") &&
		!strings.Contains(strings.ToLower(q), "information_schema") {
		return q
	}
	q = regName.ReplaceAllStringFunc(q, func(m string) string {
		sub := regName.FindStringSubmatch(m)
		if strings.Contains(strings.ToUpper(sub[2]), "AS") {
			return "pg_regclass_name(" + sub[1] + ")" + sub[2]
		}
		return "pg_regclass_name(" + sub[1] + ")"
	})
	q = regCast.ReplaceAllString(q, "pg_$2($1)")
	parts := splitLiterals(q)
	if parts == nil {
		return q // an unterminated literal: DuckDB will say so
	}
	var b strings.Builder
	prev := ""
	for i, part := range parts {
		if i%2 == 1 { // a string literal
			if regexOperator.MatchString(prev) {
				// PostgreSQL's ~ finds the pattern anywhere, DuckDB's matches the whole string.
				part = "'.*(?:" + part[1:len(part)-1] + ").*'"
			}
			b.WriteString(part)
			continue
		}
		for _, r := range compatRewrites {
			part = r.re.ReplaceAllString(part, r.with)
		}
		b.WriteString(part)
		prev = part
	}
	return b.String()
}

// regexOperator ends a query part whose next literal is a regular expression matched with ~
// or !~ (not LIKE's ~~).
var regexOperator = regexp.MustCompile(`(?:^|[^~!])!?~\s*$`)

// showSetting is a SHOW of one setting; showSettings are the PostgreSQL settings clients ask for
// on connect (SQLAlchemy, JDBC) that DuckDB does not know, with the values the endpoint has (as
// it reports them at startup: psql-wire says server version 15).
var showSetting = regexp.MustCompile(`(?i)^\s*SHOW\s+([a-z_ ]+?)\s*;?\s*$`)

// current_setting and pg_settings (pg_compat.sql) answer with them too.
var showSettings = map[string]string{
	"server_version": "15.0", "server_version_num": "150000", "transaction isolation level": "read committed",
	"transaction_isolation": "read committed", "standard_conforming_strings": "on", "client_encoding": "UTF8",
	"server_encoding": "UTF8", "datestyle": "ISO, MDY", "timezone": "UTC", "integer_datetimes": "on",
	"default_transaction_read_only": "on", "max_index_keys": "32", "max_identifier_length": "63",
	"lc_collate": "C", "lc_ctype": "C", "search_path": "main, scores, ops",
}

// regCast is a cast to a reg* type of a literal, a parameter or a column, which the pg_reg*
// macros of pg_compat.sql look up by name; other casts to them become casts to the OID.
var regCast = regexp.MustCompile(`('(?:[^']|'')*'|\$\d+|\b[A-Za-z_][A-Za-z0-9_.]*)\s*::\s*(?:pg_catalog\.)?(regclass|regtype|regproc|regnamespace)\b`)

// regName is a regclass shown rather than compared (cast on to text, or named in a select
// list), which PostgreSQL prints as the table's name.
var regName = regexp.MustCompile(`('(?:[^']|'')*'|\$\d+|\b[A-Za-z_][A-Za-z0-9_.]*)\s*::\s*(?:pg_catalog\.)?regclass(\s*::\s*(?:pg_catalog\.)?text\b|\s+AS\b)`)

var compatRewrites = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`OPERATOR\(pg_catalog\.([~!=<>*]+)\)`), "$1"},
	{regexp.MustCompile(`(?i)\s+COLLATE\s+pg_catalog\.default`), ""},
	{regexp.MustCompile(`pg_catalog\.`), ""},
	{regexp.MustCompile(`information_schema\.(_pg_expandarray)\b`), "$1"},
	{regexp.MustCompile(`(?i)\binformation_schema\.(tables|columns|schemata)\b`), "crmwh_information_schema_$1"},
	// DuckDB's json_object takes the same alternating keys and values (SQLAlchemy's columns).
	{regexp.MustCompile(`\bjson_build_object\(`), "json_object("},
	{regexp.MustCompile(`::(?:regclass|oid|regtype|regproc|regnamespace)\b`), "::BIGINT"},
	// \d's publication query indexes an array by a generate_series alias, a row in DuckDB.
	{regexp.MustCompile(`prattrs\[s\]`), "prattrs[s.generate_series]"},
}

// splitLiterals splits q into alternating non-literal and '...' literal parts; nil when a
// literal is not terminated.
func splitLiterals(q string) []string {
	var parts []string
	start, in := 0, false
	for i := 0; i < len(q); i++ {
		if q[i] != '\'' {
			continue
		}
		if in && i+1 < len(q) && q[i+1] == '\'' { // '' inside a literal
			i++
			continue
		}
		if in {
			parts = append(parts, q[start:i+1])
			start = i + 1
		} else {
			parts = append(parts, q[start:i])
			start = i
		}
		in = !in
	}
	parts = append(parts, q[start:])
	if in {
		return nil
	}
	return parts
}

// pgColumnNames renames the result columns the query does not name itself as PostgreSQL names
// them, which clients rely on: a column by its name, a function call by the function's
// (count(*) is count, not count_star()), a cast by what it casts, anything else ?column?. The
// select list comes from DuckDB's own parser (json_serialize_sql); a query whose list it cannot
// map one to one (a star, a set operation) keeps DuckDB's names.
func pgColumnNames(ctx context.Context, conn *sql.Conn, text string, columns wire.Columns) {
	var js string
	// The parser takes a constant, not a parameter.
	if err := conn.QueryRowContext(ctx, "SELECT CAST(json_serialize_sql("+warehouse.Quote(text)+") AS VARCHAR)").Scan(&js); err != nil {
		return
	}
	var parsed struct {
		Error      bool `json:"error"`
		Statements []struct {
			Node struct {
				Type       string            `json:"type"`
				SelectList []json.RawMessage `json:"select_list"`
			} `json:"node"`
		} `json:"statements"`
	}
	if json.Unmarshal([]byte(js), &parsed) != nil || parsed.Error || len(parsed.Statements) != 1 {
		return
	}
	node := parsed.Statements[0].Node
	if node.Type != "SELECT_NODE" || len(node.SelectList) != len(columns) {
		return
	}
	names := make([]string, len(columns))
	for i, raw := range node.SelectList {
		var e pgExpr
		if json.Unmarshal(raw, &e) != nil || e.Class == "STAR" || e.Class == "COLUMNS" {
			return
		}
		if e.Alias != "" {
			names[i] = columns[i].Name
			continue
		}
		names[i] = e.name()
	}
	for i := range columns {
		columns[i].Name = names[i]
	}
}

// pgExpr is the part of a parsed select-list expression that names its column.
type pgExpr struct {
	Alias        string   `json:"alias"`
	Class        string   `json:"class"`
	ColumnNames  []string `json:"column_names"`
	FunctionName string   `json:"function_name"`
	IsOperator   bool     `json:"is_operator"`
	Child        *pgExpr  `json:"child"`
}

// name is the column name PostgreSQL gives the expression (FigureColname).
func (e *pgExpr) name() string {
	switch e.Class {
	case "COLUMN_REF":
		if len(e.ColumnNames) > 0 {
			return e.ColumnNames[len(e.ColumnNames)-1]
		}
	case "FUNCTION":
		if !e.IsOperator && e.FunctionName != "" {
			if e.FunctionName == "count_star" {
				return "count"
			}
			return e.FunctionName
		}
	case "CAST":
		if e.Child != nil {
			return e.Child.name()
		}
	case "CASE":
		return "case"
	}
	return "?column?"
}
