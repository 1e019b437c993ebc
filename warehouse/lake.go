package warehouse

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// StarTables are the tables of the star schema with, for facts, the timestamp column their
// Parquet copy is partitioned by month on, and for dimensions their surrogate key. A column of
// another star table named as a dimension's key refers to that dimension (StarKeys).
var StarTables = []struct {
	Name, PartitionBy, Key string
}{
	{"dim_date", "", "date_key"}, {"dim_customer", "", "customer_key"}, {"dim_product", "", "product_key"},
	{"dim_store", "", "store_key"}, {"dim_employee", "", "employee_key"}, {"dim_channel", "", "channel_key"},
	{"dim_campaign", "", "campaign_key"},
	{"fact_sales", "order_ts", ""}, {"fact_interaction", "interaction_ts", ""}, {"fact_survey", "survey_ts", ""},
	{"fact_campaign_contact", "contacted_at", ""}, {"fact_customer_month", "month", ""},
}

// ScoreTables are the published mining tables, in schema scores.
var ScoreTables = []string{"customer_scores", "model_runs", "rfm_segments", "cluster_profiles", "cluster_features",
	"churn_tree", "association_rules", "recommendations", "campaign_effectiveness", "campaign_breakdown",
	"satisfaction_summary", "complaint_summary", "service_outcomes", "care_lists", "loyalty_types"}

// HistoryTables are the scores' memory, in schema scores: the history partitioned by month (of
// valid_from, of the snapshot's as-of date) so that other engines read one month at a time.
var HistoryTables = []struct {
	Name, PartitionBy string
}{
	{"customer_score_history", "valid_from"}, {"customer_score_snapshots", "as_of"}, {"score_history_dates", ""},
	{"segment_migration", ""}, {"customer_base_trend", ""}, {"cohort_retention", ""}, {"model_monitoring", ""}, {"feature_drift", ""},
}

// OpsTables are the operational tables a snapshot carries, so that run history (and the data
// checks the dashboard shows) can be read while a run holds the warehouse.
var OpsTables = []string{"job_runs", "load_audit", "data_checks"}

const (
	// AccessFile is the DuckDB file in the data directory holding the users of crmwh serve and
	// the record of every download (with the control groups held out of campaign lists, which
	// the campaigns job reads).
	AccessFile = "access.duckdb"
	// SnapshotLink is the lake's name for the current published snapshot: a symbolic link that
	// one rename switches to the next snapshot.
	SnapshotLink = "warehouse"
	// CatalogFile is a snapshot's DuckDB file of views over its Parquet files, for readers.
	CatalogFile = "catalog.duckdb"
	// MaskedCatalogFile is the same catalog with personal data masked (see MaskedDir).
	MaskedCatalogFile = "catalog_masked.duckdb"
	// MaskedDir holds the masked copies of the tables with personal data.
	MaskedDir = "masked"
	// ManifestFile is written last into a snapshot: its run and the rows of each table.
	ManifestFile = "manifest.json"
	// keepSnapshots is how many complete snapshots stay (readers may still be on older ones).
	keepSnapshots = 3
)

// SnapshotManifest describes a complete snapshot.
type SnapshotManifest struct {
	RunID     string           `json:"run_id"`
	AsOf      string           `json:"as_of"`
	Published time.Time        `json:"published"`
	Tables    map[string]int64 `json:"tables"`
	// Readers maps clear and masked to the catalog each reads and the directories (relative
	// to the snapshot) its views read, so a reader can be confined to exactly those.
	Readers map[string]SnapshotReader `json:"readers"`
	// Keys are the star schema's primary and foreign keys, which the published views cannot
	// carry; the SQL endpoint declares them in its PostgreSQL catalog for BI tools.
	Keys []Key `json:"keys,omitempty"`
	// Fingerprints are each table's rows and hash sum (per month partition of a partitioned
	// one: lake/fingerprint.sql); the next publish links what has not changed.
	Fingerprints map[string]map[string]string `json:"fingerprints,omitempty"`
	// Written and Linked count the Parquet files this publish wrote and took from the
	// previous snapshot.
	Written int `json:"written_files"`
	Linked  int `json:"linked_files"`
}

// Key is a primary key (RefTable empty) or a foreign key of a published table.
type Key struct {
	Table     string `json:"table"`
	Column    string `json:"column"`
	RefTable  string `json:"ref_table,omitempty"`
	RefColumn string `json:"ref_column,omitempty"`
}

// SnapshotReader is one way of reading a snapshot: its catalog and the directories it reads.
type SnapshotReader struct {
	Catalog string   `json:"catalog"`
	Dirs    []string `json:"dirs"`
}

// personalTables hold personal data (name, phone, e-mail) and get a masked copy in a snapshot.
var personalTables = map[string]string{"dim_customer": "lake/mask_dim_customer.sql"}

// PublishSnapshot writes the star schema, the scores and the run history as Parquet into
// lakeDir/snapshots/<runID>/ with a catalog of views over them and a manifest, then points
// lakeDir/warehouse at it with one atomic rename. A reader of lake/warehouse (or of its
// catalog) sees the previous snapshot or this one, whole, never a mix; a snapshot left half
// written by a killed process is never pointed at, and is removed by a later publish.
func (w *DB) PublishSnapshot(ctx context.Context, lakeDir, runID, asOf string) error {
	snaps := filepath.Join(lakeDir, "snapshots")
	dir := filepath.Join(snaps, runID)
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	man := SnapshotManifest{RunID: runID, AsOf: asOf, Tables: map[string]int64{}, Fingerprints: map[string]map[string]string{}}
	// The previous snapshot, whose unchanged files are linked rather than written again.
	prev, prevDir, err := CurrentSnapshot(lakeDir)
	if err != nil || prev.RunID == runID {
		prev, prevDir = nil, ""
	}
	type item struct{ table, partitionBy, sub, name string }
	var items []item
	for _, t := range StarTables {
		items = append(items, item{t.Name, t.PartitionBy, "", t.Name})
	}
	for _, t := range ScoreTables {
		items = append(items, item{"scores." + t, "", "scores", t})
	}
	for _, t := range HistoryTables {
		items = append(items, item{"scores." + t.Name, t.PartitionBy, "scores", t.Name})
	}
	for _, t := range OpsTables {
		items = append(items, item{"ops." + t, "", "ops", t})
	}
	var views, maskedViews []string
	clear := SnapshotReader{Catalog: CatalogFile}
	masked := SnapshotReader{Catalog: MaskedCatalogFile, Dirs: []string{MaskedDir}}
	for _, it := range items {
		tdir := filepath.Join(dir, it.sub, it.name)
		if it.partitionBy == "" {
			if err := os.MkdirAll(tdir, 0o755); err != nil {
				return fmt.Errorf("snapshot %s: %w", it.table, err)
			}
		} else if err := os.MkdirAll(filepath.Dir(tdir), 0o755); err != nil {
			return fmt.Errorf("snapshot %s: %w", it.table, err)
		}
		fps, n, err := w.fingerprints(ctx, it.table, it.partitionBy)
		if err != nil {
			return fmt.Errorf("snapshot %s: %w", it.table, err)
		}
		if n == 0 && it.partitionBy != "" {
			if err := os.MkdirAll(tdir, 0o755); err != nil {
				return fmt.Errorf("snapshot %s: %w", it.table, err)
			}
		}
		man.Fingerprints[it.table] = fps
		var old map[string]string
		if prev != nil {
			old = prev.Fingerprints[it.table]
		}
		rel := filepath.Join(it.sub, it.name)
		var changed []string // the parts (months; "" for an unpartitioned table) to write
		for part, fp := range fps {
			if old[part] != fp || n == 0 {
				changed = append(changed, part)
				continue
			}
			from, to := filepath.Join(prevDir, rel), tdir
			if part != "" {
				from, to = filepath.Join(from, "year_month="+part), filepath.Join(to, "year_month="+part)
			}
			linked, err := linkFiles(from, to)
			if err != nil || linked == 0 {
				// Gone or unreadable: written instead, never onto a link of the old file.
				if err := os.RemoveAll(to); err != nil {
					return fmt.Errorf("snapshot %s: %w", it.table, err)
				}
				if err := os.MkdirAll(tdir, 0o755); err != nil {
					return fmt.Errorf("snapshot %s: %w", it.table, err)
				}
				changed = append(changed, part)
				continue
			}
			man.Linked += linked
		}
		if n == 0 || len(changed) > 0 {
			sort.Strings(changed)
			data := map[string]any{"Table": it.table, "Dir": tdir, "File": it.name + ".parquet", "PartitionBy": it.partitionBy,
				"Empty": n == 0, "Parts": changed, "All": len(changed) == len(fps)}
			if _, err := RunScript(ctx, w, "lake/copy_table.sql", data); err != nil {
				return fmt.Errorf("snapshot %s: %w", it.table, err)
			}
			man.Written += max(1, len(changed))
		}
		man.Tables[it.table] = n
		glob := filepath.Join(tdir, "**", "*.parquet")
		if it.partitionBy == "" {
			glob = filepath.Join(tdir, it.name+".parquet")
		}
		name := Ident(it.name)
		if it.sub != "" {
			name = it.sub + "." + name
		}
		view := fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM read_parquet(%s, hive_partitioning = %v)",
			name, Quote(glob), it.partitionBy != "")
		stmts := []string{view}
		if it.partitionBy != "" {
			stmts = append(stmts, fmt.Sprintf("COMMENT ON COLUMN %s.year_month IS %s", name,
				Quote("Year and month of "+it.partitionBy+" as YYYY-MM: the folder of the Parquet partition.")))
		}
		views = append(views, stmts...)
		clear.Dirs = append(clear.Dirs, rel)
		script, personal := personalTables[it.table]
		if !personal {
			maskedViews = append(maskedViews, stmts...)
			masked.Dirs = append(masked.Dirs, rel)
			continue
		}
		file := filepath.Join(dir, MaskedDir, it.name, it.name+".parquet")
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return fmt.Errorf("snapshot %s masked: %w", it.table, err)
		}
		// The masked copy follows the table: linked when the table was (never written onto a
		// link, which would change the previous snapshot's file).
		linked := 0
		if prev != nil && len(changed) == 0 && n > 0 {
			linked, _ = linkFiles(filepath.Join(prevDir, MaskedDir, it.name), filepath.Dir(file))
		}
		if linked == 0 {
			if err := os.Remove(file); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("snapshot %s masked: %w", it.table, err)
			}
			if _, err := RunScript(ctx, w, script, map[string]string{"File": file}); err != nil {
				return fmt.Errorf("snapshot %s masked: %w", it.table, err)
			}
			man.Written++
		}
		man.Linked += linked
		maskedViews = append(maskedViews, fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM read_parquet(%s)", name, Quote(file)))
	}
	comments, keys, err := w.describe(ctx, man.Tables)
	if err != nil {
		return err
	}
	if err := writeCatalog(ctx, filepath.Join(dir, CatalogFile), append(views, comments...)); err != nil {
		return err
	}
	if err := writeCatalog(ctx, filepath.Join(dir, MaskedCatalogFile), append(maskedViews, comments...)); err != nil {
		return err
	}
	man.Readers = map[string]SnapshotReader{"clear": clear, "masked": masked}
	man.Keys = keys
	man.Published = time.Now().UTC()
	b, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return err
	}
	if err := writeSynced(filepath.Join(dir, ManifestFile), b); err != nil {
		return fmt.Errorf("snapshot manifest: %w", err)
	}
	if err := switchLink(lakeDir, filepath.Join("snapshots", runID)); err != nil {
		return err
	}
	return pruneSnapshots(snaps, runID)
}

// fingerprints returns a table's fingerprint per part (per month of partitionBy, or one "")
// and its rows.
func (w *DB) fingerprints(ctx context.Context, table, partitionBy string) (map[string]string, int64, error) {
	fps := map[string]string{}
	var total int64
	err := ForEachRow(ctx, w, "lake/fingerprint.sql", map[string]string{"Table": table, "PartitionBy": partitionBy}, nil, func(r *sql.Rows) error {
		var part, fp string
		var n int64
		if err := r.Scan(&part, &n, &fp); err != nil {
			return err
		}
		fps[part] = fp
		total += n
		return nil
	})
	return fps, total, err
}

// linkFiles hard-links the Parquet files of from into to (created), copying where the file
// system cannot link, and returns how many there were. A snapshot's files are never written
// again once published, so the two snapshots can share them.
func linkFiles(from, to string) (int, error) {
	entries, err := os.ReadDir(from)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(to, 0o755); err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".parquet") {
			continue
		}
		src, dst := filepath.Join(from, e.Name()), filepath.Join(to, e.Name())
		if err := os.Link(src, dst); err != nil {
			if err := copyFile(src, dst); err != nil {
				return n, err
			}
		}
		n++
	}
	return n, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// describe returns the COMMENT statements that give the published views the descriptions of
// the tables they copy, and the star schema's keys: each dimension's surrogate key, and every
// column of another star table named as a dimension's key.
func (w *DB) describe(ctx context.Context, published map[string]int64) ([]string, []Key, error) {
	dimOfKey := map[string]string{}
	star := map[string]bool{}
	var keys []Key
	for _, t := range StarTables {
		star[t.Name] = true
		if t.Key != "" {
			dimOfKey[t.Key] = t.Name
			keys = append(keys, Key{Table: t.Name, Column: t.Key})
		}
	}
	var stmts []string
	err := ForEachRow(ctx, w, "lake/descriptions.sql", nil, nil, func(r *sql.Rows) error {
		var schema, table, comment string
		var column sql.NullString
		if err := r.Scan(&schema, &table, &column, &comment); err != nil {
			return err
		}
		name := table
		if schema != "main" {
			name = schema + "." + table
		}
		if _, ok := published[name]; !ok {
			return nil
		}
		view := Ident(table)
		if schema != "main" {
			view = schema + "." + view
		}
		if !column.Valid {
			if comment != "" {
				stmts = append(stmts, "COMMENT ON VIEW "+view+" IS "+Quote(comment))
			}
			return nil
		}
		if comment != "" {
			stmts = append(stmts, "COMMENT ON COLUMN "+view+"."+Ident(column.String)+" IS "+Quote(comment))
		}
		if dim, ok := dimOfKey[column.String]; ok && schema == "main" && star[table] && dim != table {
			keys = append(keys, Key{Table: table, Column: column.String, RefTable: dim, RefColumn: column.String})
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("snapshot descriptions: %w", err)
	}
	return stmts, keys, nil
}

// writeCatalog creates a DuckDB file of views for readers.
func writeCatalog(ctx context.Context, path string, views []string) error {
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return fmt.Errorf("snapshot catalog: %w", err)
	}
	defer db.Close()
	for _, stmt := range append([]string{"CREATE SCHEMA scores", "CREATE SCHEMA ops"}, views...) {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("snapshot catalog: %w", err)
		}
	}
	// The history's table macro, over the catalog's views of the history tables.
	if _, err := RunScript(ctx, db, "ddl/05_scores_as_of.sql", nil); err != nil {
		return fmt.Errorf("snapshot catalog: %w", err)
	}
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("snapshot catalog: %w", err)
	}
	return db.Close()
}

func writeSynced(path string, b []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// switchLink points lakeDir/warehouse at target (relative to lakeDir) with one rename. A
// directory left there by an older crmwh (a plain copy) is replaced.
func switchLink(lakeDir, target string) error {
	link := filepath.Join(lakeDir, SnapshotLink)
	if fi, err := os.Lstat(link); err == nil && fi.Mode()&os.ModeSymlink == 0 {
		if err := os.RemoveAll(link); err != nil {
			return fmt.Errorf("snapshot: replace the old copy: %w", err)
		}
	}
	tmp := link + ".new"
	_ = os.Remove(tmp) // a leftover of a killed publish
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if err := os.Rename(tmp, link); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if d, err := os.Open(lakeDir); err == nil {
		_ = d.Sync() // make the switch durable; a failure only risks the previous snapshot after a crash
		d.Close()
	}
	return nil
}

// pruneSnapshots keeps the newest complete snapshots (current among them) and removes the
// older ones and any incomplete one (no manifest) other than current.
func pruneSnapshots(snaps, current string) error {
	entries, err := os.ReadDir(snaps)
	if err != nil {
		return fmt.Errorf("snapshot prune: %w", err)
	}
	var complete []string
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || e.Name() == current {
			continue
		}
		if _, err := os.Stat(filepath.Join(snaps, e.Name(), ManifestFile)); err != nil {
			errs = append(errs, os.RemoveAll(filepath.Join(snaps, e.Name())))
			continue
		}
		complete = append(complete, e.Name())
	}
	slices.Sort(complete) // run ids sort by time
	for len(complete) > keepSnapshots-1 {
		errs = append(errs, os.RemoveAll(filepath.Join(snaps, complete[0])))
		complete = complete[1:]
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("snapshot prune: %w", err)
	}
	return nil
}

// CurrentSnapshot reads the manifest of the snapshot lakeDir/warehouse points at, and the
// snapshot's directory; an error when nothing has been published.
func CurrentSnapshot(lakeDir string) (*SnapshotManifest, string, error) {
	dir, err := filepath.EvalSymlinks(filepath.Join(lakeDir, SnapshotLink))
	if err != nil {
		return nil, "", fmt.Errorf("no published snapshot in %s: %w", lakeDir, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, "", fmt.Errorf("published snapshot %s: %w", dir, err)
	}
	var m SnapshotManifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, "", fmt.Errorf("published snapshot %s: %w", dir, err)
	}
	if !strings.HasSuffix(dir, m.RunID) {
		return nil, "", fmt.Errorf("published snapshot %s: its manifest names run %s", dir, m.RunID)
	}
	return &m, dir, nil
}
