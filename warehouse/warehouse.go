// Package warehouse owns the DuckDB database: opening it, creating the schema from the embedded
// DDL, running the embedded SQL scripts, describing tables and writing the Parquet copy.
package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2" // also registers the "duckdb" driver

	sqlfiles "github.com/crmwh/crmwh/sql"
)

// FileName is the database file inside the data directory.
const FileName = "warehouse.duckdb"

// Options tune the engine.
type Options struct {
	// MemoryLimit caps DuckDB's memory (e.g. "2GB"); beyond it DuckDB spills to TempDir.
	MemoryLimit string
	// Threads is DuckDB's thread count; 0 lets DuckDB use every core.
	Threads int
	// TempDir receives spilled data; empty means DuckDB's default next to the database.
	TempDir string
	// MaxTempSize caps TempDir (e.g. "50GB"); empty means DuckDB's default, 90% of the free space.
	MaxTempSize string
	// ReadOnly opens the file for reading only, and never creates it.
	ReadOnly bool
}

// DB is an open warehouse.
type DB struct {
	*sql.DB
	Path string
}

// Open opens (and, unless read-only, creates and migrates) the warehouse at path.
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	q := url.Values{}
	if opt.MemoryLimit != "" {
		q.Set("memory_limit", opt.MemoryLimit)
	}
	if opt.Threads > 0 {
		q.Set("threads", strconv.Itoa(opt.Threads))
	}
	if opt.TempDir != "" {
		q.Set("temp_directory", opt.TempDir)
	}
	if opt.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open warehouse: %w (run `crmwh run` or `crmwh demo` first)", err)
		}
		q.Set("access_mode", "read_only")
	} else if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open warehouse: %w", err)
	}
	db, err := sql.Open("duckdb", path+"?"+q.Encode())
	if err != nil {
		return nil, openError(path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, openError(path, err)
	}
	// Set after the open: given with temp_directory in the connection string, DuckDB shows the
	// cap but does not enforce it.
	if opt.MaxTempSize != "" {
		if _, err := db.ExecContext(ctx, "SET GLOBAL max_temp_directory_size = "+Quote(opt.MaxTempSize)); err != nil {
			db.Close()
			return nil, fmt.Errorf("open warehouse: max_temp_directory_size: %w", err)
		}
	}
	w := &DB{DB: db, Path: path}
	if !opt.ReadOnly {
		if err := w.migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return w, nil
}

// ErrLocked is wrapped by Open's error when another process has the file open for writing.
var ErrLocked = errors.New("another process has it open for writing (a crmwh run in progress?); try again when it has finished")

// IsLocked reports whether err is DuckDB refusing a file another process holds: ErrLocked from
// Open, or DuckDB's own *duckdb.Error of type IO about the file's lock. DuckDB has no error type of
// its own for a held lock, so among IO errors (a missing file is one too) its message decides.
func IsLocked(err error) bool {
	if errors.Is(err, ErrLocked) {
		return true
	}
	var de *duckdb.Error
	return errors.As(err, &de) && de.Type == duckdb.ErrorTypeIO && strings.Contains(de.Msg, "lock")
}

// RetryLocked calls fn again while it fails on DuckDB's file lock, for up to 10 seconds: the
// other process (the CLI or a server using the access store) only ever holds the file briefly.
func RetryLocked(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := fn()
		if err == nil || !IsLocked(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// openError explains the common case of a lock held by another process.
func openError(path string, err error) error {
	if IsLocked(err) {
		return fmt.Errorf("open warehouse %s: %w: %w", path, ErrLocked, err)
	}
	return fmt.Errorf("open warehouse %s: %w", path, err)
}

// migrate applies sql/ddl/*.sql in name order; every statement there is idempotent.
func (w *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(sqlfiles.Files, "ddl/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for _, name := range names {
		if _, err := RunScript(ctx, tx, name, nil); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Quote makes a SQL string literal of s.
func Quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Ident makes a SQL identifier of s.
func Ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
