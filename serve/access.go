// Package serve is crmwh's serving side: the PostgreSQL-wire SQL endpoint for analysts, the web
// UI and the scored customer lists for marketing, and the users both sign in with. Everything it
// reads comes from the last published snapshot (lake/warehouse), never from warehouse.duckdb, so
// a nightly run and the server never wait for each other.
package serve

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/xdg-go/scram"
	"golang.org/x/crypto/bcrypt"

	"github.com/crmwh/crmwh/warehouse"
)

// AccessFile is the DuckDB file in the data directory holding users and the download record.
const AccessFile = warehouse.AccessFile

// Roles a user can have.
const (
	RoleAnalyst   = "analyst"   // SQL endpoint, personal data masked
	RoleMarketing = "marketing" // web UI and list downloads
	RoleAdmin     = "admin"     // everything, personal data clear
)

// Roles lists the valid roles.
var Roles = []string{RoleAnalyst, RoleMarketing, RoleAdmin}

// bcryptCost: about 60 ms a check on this class of machine; slow for guessing, fast enough to
// sign in on every new SQL connection.
const bcryptCost = 10

// Access is the users and downloads store. It opens the file only for the moment it needs it:
// the CLI (`crmwh user`) and a running server share it, and DuckDB lets one process write.
type Access struct {
	Path string

	mu    sync.Mutex
	fails map[string]*failures // failed sign-ins by user name, in this process
}

type failures struct {
	count int
	first time.Time
}

// Sign-in throttling: after maxFailures wrong passwords for one name within failureWindow,
// that name cannot sign in until the window has passed, whatever the password.
const (
	maxFailures   = 5
	failureWindow = 15 * time.Minute
)

// ErrTooManyFailures is returned by Authenticate while a name is throttled.
var ErrTooManyFailures = errors.New("too many failed sign-ins for this name; try again in 15 minutes")

// NewAccess returns the store of the data directory dataDir.
func NewAccess(dataDir string) *Access { return &Access{Path: filepath.Join(dataDir, AccessFile)} }

// User is a user as listed; the hash never leaves this package.
type User struct {
	Name      string
	Role      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ErrNoUser is returned when a named user does not exist.
var ErrNoUser = errors.New("no such user")

var userName = regexp.MustCompile(`^[A-Za-z0-9_.@-]{1,63}$`)

// with opens the file (creating its tables unless readOnly) and calls fn, waiting while another
// process has it open.
func (a *Access) with(ctx context.Context, readOnly bool, fn func(db *sql.DB) error) error {
	return warehouse.RetryLocked(ctx, func() error { return a.once(ctx, readOnly, fn) })
}

func (a *Access) once(ctx context.Context, readOnly bool, fn func(db *sql.DB) error) error {
	dsn := a.Path
	if readOnly {
		dsn += "?access_mode=read_only"
	}
	db, err := sql.Open("duckdb", dsn)
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err != nil {
		if db != nil {
			db.Close()
		}
		if warehouse.IsLocked(err) {
			return fmt.Errorf("open %s: %w", a.Path, warehouse.ErrLocked)
		}
		if readOnly && strings.Contains(err.Error(), "does not exist") {
			return fmt.Errorf("open %s: no users yet (add one with `crmwh user add`): %w", a.Path, ErrNoUser)
		}
		return fmt.Errorf("open %s: %w", a.Path, err)
	}
	defer db.Close()
	if !readOnly {
		if _, err := warehouse.RunScript(ctx, db, "serve/access.sql", nil); err != nil {
			return fmt.Errorf("open %s: %w", a.Path, err)
		}
	}
	if err := fn(db); err != nil {
		return err
	}
	return db.Close()
}

// Attach attaches the store read-only to db under name, if it exists, so that the download
// record can be queried beside the warehouse (name.ops.exports). A server writing it at that
// moment is waited for, as by every use of the store.
func (a *Access) Attach(ctx context.Context, db *sql.DB, name string) error {
	if _, err := os.Stat(a.Path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	stmt := "ATTACH " + warehouse.Quote(a.Path) + " AS " + warehouse.Ident(name) + " (READ_ONLY)"
	err := warehouse.RetryLocked(ctx, func() error {
		_, err := db.ExecContext(ctx, stmt)
		return err
	})
	if err != nil {
		return fmt.Errorf("attach %s: %w", a.Path, err)
	}
	return nil
}

// AddUser creates a user, or replaces the role and password of an existing one.
func (a *Access) AddUser(ctx context.Context, name, role, password string) error {
	if !userName.MatchString(name) {
		return fmt.Errorf("user name %q: use 1 to 63 letters, digits and _ . @ -", name)
	}
	if !slices.Contains(Roles, role) {
		return fmt.Errorf("role %q: one of %s", role, strings.Join(Roles, ", "))
	}
	if len(password) < 8 {
		return errors.New("password: at least 8 characters")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	verifier, err := scramVerifier(password)
	if err != nil {
		return err
	}
	return a.with(ctx, false, func(db *sql.DB) error {
		now := time.Now().UTC()
		_, err := db.ExecContext(ctx, `INSERT INTO ops.users (name, role, password_hash, created_at, updated_at, scram_verifier)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash,
				updated_at = excluded.updated_at, scram_verifier = excluded.scram_verifier`,
			name, role, string(hash), now, now, verifier)
		if err != nil {
			return fmt.Errorf("add user %s: %w", name, err)
		}
		return nil
	})
}

// RemoveUser deletes a user; ErrNoUser when there is none of that name.
func (a *Access) RemoveUser(ctx context.Context, name string) error {
	return a.with(ctx, false, func(db *sql.DB) error {
		res, err := db.ExecContext(ctx, "DELETE FROM ops.users WHERE name = ?", name)
		if err != nil {
			return fmt.Errorf("remove user %s: %w", name, err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return fmt.Errorf("remove user %s: %w", name, ErrNoUser)
		}
		return nil
	})
}

// Users lists the users by name.
func (a *Access) Users(ctx context.Context) ([]User, error) {
	var users []User
	err := a.with(ctx, false, func(db *sql.DB) error {
		rows, err := db.QueryContext(ctx, "SELECT name, role, created_at, updated_at FROM ops.users ORDER BY name")
		if err != nil {
			return fmt.Errorf("list users: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var u User
			if err := rows.Scan(&u.Name, &u.Role, &u.CreatedAt, &u.UpdatedAt); err != nil {
				return fmt.Errorf("list users: %w", err)
			}
			users = append(users, u)
		}
		return rows.Err()
	})
	return users, err
}

// Authenticate checks a password and returns the user's role. A wrong password and an unknown
// user give the same answer (false), and both cost a bcrypt comparison, so neither the reply
// nor its timing tells which names exist.
func (a *Access) Authenticate(ctx context.Context, name, password string) (role string, ok bool, err error) {
	if a.throttled(name) {
		return "", false, ErrTooManyFailures
	}
	role, ok, err = a.check(ctx, name, password)
	if err == nil {
		a.record(name, ok)
	}
	return role, ok, err
}

// ScramCredentials returns a user's role and SCRAM-SHA-256 credentials for the SQL endpoint's
// sign-in; the caller reports the outcome with Record. A name that is no user gets decoy
// credentials (and no role), against which every proof fails; a user added before crmwh kept
// verifiers, errNoVerifier.
func (a *Access) ScramCredentials(ctx context.Context, name string) (string, scram.StoredCredentials, error) {
	if a.throttled(name) {
		return "", scram.StoredCredentials{}, ErrTooManyFailures
	}
	var role string
	var verifier sql.NullString
	err := a.with(ctx, true, func(db *sql.DB) error {
		err := db.QueryRowContext(ctx, "SELECT role, scram_verifier FROM ops.users WHERE name = ?", name).Scan(&role, &verifier)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil && !errors.Is(err, ErrNoUser) {
		return "", scram.StoredCredentials{}, fmt.Errorf("authenticate: %w", err)
	}
	if role == "" {
		return "", decoyCredentials(name), nil
	}
	if !verifier.Valid {
		return role, scram.StoredCredentials{}, errNoVerifier
	}
	creds, err := parseVerifier(verifier.String)
	if err != nil {
		return "", creds, fmt.Errorf("user %s: %w", name, err)
	}
	return role, creds, nil
}

// Record counts a sign-in checked elsewhere (SCRAM) towards the throttling.
func (a *Access) Record(name string, ok bool) { a.record(name, ok) }

func (a *Access) throttled(name string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := a.fails[name]
	return f != nil && f.count >= maxFailures && time.Since(f.first) < failureWindow
}

// record counts a failed sign-in, or forgets the failures after a successful one.
func (a *Access) record(name string, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fails == nil {
		a.fails = map[string]*failures{}
	}
	for n, f := range a.fails { // forget old windows
		if time.Since(f.first) >= failureWindow {
			delete(a.fails, n)
		}
	}
	if ok {
		delete(a.fails, name)
		return
	}
	f := a.fails[name]
	if f == nil {
		f = &failures{first: time.Now()}
		a.fails[name] = f
	}
	f.count++
}

func (a *Access) check(ctx context.Context, name, password string) (role string, ok bool, err error) {
	var hash string
	err = a.with(ctx, true, func(db *sql.DB) error {
		err := db.QueryRowContext(ctx, "SELECT role, password_hash FROM ops.users WHERE name = ?", name).Scan(&role, &hash)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil && !errors.Is(err, ErrNoUser) {
		return "", false, fmt.Errorf("authenticate: %w", err)
	}
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password)) // same cost as a real check
		return "", false, nil
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return "", false, nil
	}
	return role, true, nil
}

var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("crmwh: no such user"), bcryptCost)

// Export is one download, as recorded in ops.exports.
type Export struct {
	User    string
	Via     string // web or cli
	List    string // the named list, if one was chosen
	Filters string // JSON
	Format  string
	Rows    int64
	RunID   string
	// For a campaign list with a control group: the campaign, the share held out and who.
	Campaign     string
	ControlShare float64
	HeldOut      []string
}

// RecordExport appends a download to ops.exports, with its held-out control group, in one
// transaction.
func (a *Access) RecordExport(ctx context.Context, e Export) error {
	return a.with(ctx, false, func(db *sql.DB) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("record export: %w", err)
		}
		defer tx.Rollback() //nolint:errcheck // a no-op after Commit
		at := time.Now().UTC()
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO ops.exports (user_name, exported_at, via, list_name, filters, format, "rows", run_id,
			campaign_id, control_share, held_out)
			VALUES (?, ?, ?, nullif(?, ''), ?, ?, ?, ?, nullif(?, ''), ?, ?) RETURNING export_id`, e.User, at, e.Via, e.List, e.Filters,
			e.Format, e.Rows, e.RunID, e.Campaign, nullZero(e.ControlShare), int64(len(e.HeldOut))).Scan(&id)
		if err != nil {
			return fmt.Errorf("record export: %w", err)
		}
		for _, c := range e.HeldOut {
			if _, err := tx.ExecContext(ctx, `INSERT INTO ops.export_holdouts VALUES (?, ?, ?, ?)`, id, e.Campaign, c, at); err != nil {
				return fmt.Errorf("record export: %w", err)
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("record export: %w", err)
		}
		return nil
	})
}

func nullZero(v float64) any {
	if v == 0 {
		return nil
	}
	return v
}

// RecentExports returns the last n downloads, newest first.
func (a *Access) RecentExports(ctx context.Context, n int) ([]ExportRecord, error) {
	var out []ExportRecord
	err := a.with(ctx, false, func(db *sql.DB) error {
		rows, err := db.QueryContext(ctx, `SELECT export_id, user_name, exported_at, via, coalesce(list_name, ''), filters, format, "rows", run_id
			FROM ops.exports ORDER BY export_id DESC LIMIT ?`, n)
		if err != nil {
			return fmt.Errorf("recent exports: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var r ExportRecord
			if err := rows.Scan(&r.ID, &r.User, &r.At, &r.Via, &r.List, &r.Filters, &r.Format, &r.Rows, &r.RunID); err != nil {
				return fmt.Errorf("recent exports: %w", err)
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// ExportRecord is a recorded download.
type ExportRecord struct {
	Export
	ID int64
	At time.Time
}
