package serve

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/crmwh/crmwh/warehouse"
)

// Reader kinds of a snapshot (warehouse.SnapshotManifest.Readers).
const (
	ReaderClear  = "clear"
	ReaderMasked = "masked"
)

// Snapshot is one published snapshot opened for serving: a DuckDB instance per reader kind,
// each on its own read-only catalog and confined to the Parquet directories its views read.
type Snapshot struct {
	Manifest *warehouse.SnapshotManifest
	Dir      string
	dbs      map[string]*sql.DB

	refs    int  // statements and requests using it (guarded by Readers.mu)
	retired bool // no longer current: closed when refs drops to 0

	tmp string // the server's own files for it: the PostgreSQL catalogs (pg_catalog.sql)

	optsMu sync.Mutex
	opts   map[string][]Option // the list builder's menus, computed once per snapshot
}

// ListOptions returns the values of every list filter in this snapshot, computed on first use:
// a snapshot never changes.
func (s *Snapshot) ListOptions(ctx context.Context) (map[string][]Option, error) {
	s.optsMu.Lock()
	defer s.optsMu.Unlock()
	if s.opts == nil {
		opts, err := Options(ctx, s.DB(ReaderClear))
		if err != nil {
			return nil, err
		}
		s.opts = opts
	}
	return s.opts, nil
}

// DB returns the instance of a reader kind.
func (s *Snapshot) DB(kind string) *sql.DB { return s.dbs[kind] }

// Readers serves the current published snapshot and follows lake/warehouse: after each publish
// it opens the new snapshot and switches to it; statements already running finish on the old
// one, which is closed when the last of them is done. A nightly run only ever writes new
// snapshot directories, so neither side waits for the other.
type Readers struct {
	LakeDir     string
	MemoryLimit string // per instance, e.g. "2GB"
	Threads     int
	Log         *slog.Logger

	mu  sync.Mutex
	cur *Snapshot
}

// Acquire returns the current snapshot and a release function the caller must call when done.
func (r *Readers) Acquire() (*Snapshot, func(), error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.cur
	if s == nil {
		return nil, nil, fmt.Errorf("nothing is published yet in %s: run `crmwh run` (or `crmwh demo`) first", r.LakeDir)
	}
	s.refs++
	var once sync.Once
	return s, func() { once.Do(func() { r.release(s) }) }, nil
}

func (r *Readers) release(s *Snapshot) {
	r.mu.Lock()
	s.refs--
	done := s.retired && s.refs == 0
	r.mu.Unlock()
	if done {
		s.close()
	}
}

// Refresh switches to the snapshot lake/warehouse points at, if it is not the current one.
func (r *Readers) Refresh(ctx context.Context) error {
	man, dir, err := warehouse.CurrentSnapshot(r.LakeDir)
	if err != nil {
		return err
	}
	r.mu.Lock()
	same := r.cur != nil && r.cur.Manifest.RunID == man.RunID
	r.mu.Unlock()
	if same {
		return nil
	}
	s, err := r.open(ctx, man, dir)
	if err != nil {
		return err
	}
	r.swap(s)
	r.logger().Info("serving snapshot", "run_id", man.RunID, "as_of", man.AsOf)
	return nil
}

// swap makes next current (nil: none) and retires the snapshot before it, closing it now if
// nothing uses it, else when the last user releases it.
func (r *Readers) swap(next *Snapshot) {
	r.mu.Lock()
	old := r.cur
	r.cur = next
	closeOld := false
	if old != nil {
		old.retired = true
		closeOld = old.refs == 0
	}
	r.mu.Unlock()
	if closeOld {
		old.close()
	}
}

// Watch refreshes every interval until ctx ends. A failed refresh keeps the current snapshot.
func (r *Readers) Watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := r.Refresh(ctx); err != nil {
				r.logger().Warn("snapshot refresh failed; serving the previous one", "err", err)
			}
		}
	}
}

// Close closes the current snapshot once nothing uses it.
func (r *Readers) Close() { r.swap(nil) }

func (r *Readers) logger() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.Default()
}

func (r *Readers) open(ctx context.Context, man *warehouse.SnapshotManifest, dir string) (*Snapshot, error) {
	s := &Snapshot{Manifest: man, Dir: dir, dbs: map[string]*sql.DB{}}
	tmp, err := os.MkdirTemp("", "crmwh-pg-catalog-")
	if err != nil {
		return nil, fmt.Errorf("open snapshot %s: %w", man.RunID, err)
	}
	s.tmp = tmp
	catalog := pgCatalog(man, dir) // the same for both kinds but for the file it is built in
	for _, kind := range []string{ReaderClear, ReaderMasked} {
		rd, ok := man.Readers[kind]
		if !ok {
			s.close()
			return nil, fmt.Errorf("snapshot %s has no %s catalog (published by an older crmwh): run `crmwh run publish lake` once", man.RunID, kind)
		}
		catalog.File = filepath.Join(tmp, kind+".duckdb")
		db, err := openLocked(ctx, dir, rd, catalog, r.MemoryLimit, r.Threads)
		if err != nil {
			s.close()
			return nil, fmt.Errorf("open snapshot %s (%s): %w", man.RunID, kind, err)
		}
		s.dbs[kind] = db
	}
	return s, nil
}

func (s *Snapshot) close() {
	for _, db := range s.dbs {
		db.Close()
	}
	if s.tmp != "" {
		_ = os.RemoveAll(s.tmp) // a leftover in the temporary directory is only untidy
	}
}

// openLocked opens a snapshot catalog read-only and locks it down in DuckDB itself: file access
// only below the directories its views read, no extensions, no configuration changes. Every
// connection gets the PostgreSQL catalog (sql/serve/pg_catalog.sql, built once, and
// pg_compat.sql).
func openLocked(ctx context.Context, dir string, rd warehouse.SnapshotReader, catalog pgCatalogData, memoryLimit string, threads int) (*sql.DB, error) {
	q := url.Values{}
	q.Set("access_mode", "read_only")
	if memoryLimit != "" {
		q.Set("memory_limit", memoryLimit)
	}
	if threads > 0 {
		q.Set("threads", strconv.Itoa(threads))
	}
	instance, err := warehouse.Render("serve/pg_catalog.sql", catalog)
	if err != nil {
		return nil, err
	}
	compat, err := warehouse.Render("serve/pg_compat.sql", nil)
	if err != nil {
		return nil, err
	}
	// The catalog is built once, by the first connection (before external access is turned
	// off: it attaches its own file); every connection then gets its views of it.
	var once sync.Once
	var onceErr error
	conn, err := duckdb.NewConnector(filepath.Join(dir, rd.Catalog)+"?"+q.Encode(), func(ex driver.ExecerContext) error {
		run := func(file, script string) error {
			for _, st := range warehouse.SplitStatements(script) {
				if _, err := ex.ExecContext(context.WithoutCancel(ctx), st, nil); err != nil {
					return fmt.Errorf("%s: %w", file, err)
				}
			}
			return nil
		}
		once.Do(func() { onceErr = run("pg_catalog.sql", instance) })
		if onceErr != nil {
			return onceErr
		}
		return run("pg_compat.sql", compat)
	})
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(conn)
	// A new connection builds the PostgreSQL catalog (pg_compat.sql, about 0.1 s): keep the
	// connections of a busy moment instead of database/sql's two idle ones.
	db.SetMaxIdleConns(64)
	db.SetConnMaxIdleTime(10 * time.Minute)
	allowed := make([]string, len(rd.Dirs))
	for i, d := range rd.Dirs {
		allowed[i] = warehouse.Quote(filepath.Join(dir, d) + string(filepath.Separator))
	}
	for _, st := range []string{
		"SET GLOBAL allowed_directories = [" + strings.Join(allowed, ", ") + "]",
		"SET GLOBAL enable_external_access = false",
		"SET GLOBAL autoinstall_known_extensions = false",
		"SET GLOBAL autoload_known_extensions = false",
		"SET GLOBAL lock_configuration = true",
	} {
		if _, err := db.ExecContext(ctx, st); err != nil {
			db.Close()
			name, _, _ := strings.Cut(st, " =")
			return nil, fmt.Errorf("%s: %w", name, err) // not the value: it lists every directory
		}
	}
	return db, nil
}
