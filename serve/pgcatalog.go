package serve

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/crmwh/crmwh/warehouse"
)

// pgCatalogData is what sql/serve/pg_catalog.sql needs to describe a snapshot as PostgreSQL's
// catalog does: the type of every DuckDB type (pgTypes), the keys, the rows and bytes of each
// table, the settings clients read, and the file to build it in.
type pgCatalogData struct {
	File     string // the database file the catalog is built in
	Types    []pgTypeName
	Keys     []pgKey
	Rows     []pgRows
	Settings []pgSetting
}

type pgSetting struct{ Name, Value string }

type pgTypeName struct {
	Name string
	OID  uint32
}

type pgKey struct{ Schema, Table, Column, RefSchema, RefTable, RefColumn string }

type pgRows struct {
	Schema, Table string
	N, Bytes      int64
}

// pgCatalog describes the snapshot of man in dir; a table's size is that of its Parquet files.
func pgCatalog(man *warehouse.SnapshotManifest, dir string) pgCatalogData {
	var d pgCatalogData
	for _, t := range pgTypes {
		d.Types = append(d.Types, pgTypeName{t.name, t.oid})
	}
	for _, k := range man.Keys {
		s, t := splitTable(k.Table)
		var rs, rt string
		if k.RefTable != "" {
			rs, rt = splitTable(k.RefTable)
		}
		d.Keys = append(d.Keys, pgKey{s, t, k.Column, rs, rt, k.RefColumn})
	}
	for name, n := range man.Tables {
		s, t := splitTable(name)
		d.Rows = append(d.Rows, pgRows{s, t, n, dirSize(filepath.Join(dir, filepath.FromSlash(strings.ReplaceAll(name, ".", "/"))))})
	}
	for name, v := range showSettings {
		d.Settings = append(d.Settings, pgSetting{strings.ReplaceAll(name, " ", "_"), v})
	}
	sort.Slice(d.Settings, func(i, j int) bool { return d.Settings[i].Name < d.Settings[j].Name })
	sort.Slice(d.Rows, func(i, j int) bool {
		return d.Rows[i].Schema+"."+d.Rows[i].Table < d.Rows[j].Schema+"."+d.Rows[j].Table
	})
	return d
}

// dirSize is the size of the files below dir (0 when it cannot be read: sizes are only shown).
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// splitTable splits a manifest's table name (fact_sales, scores.customer_scores) into schema and
// table; the star schema is DuckDB's main.
func splitTable(name string) (string, string) {
	if s, t, ok := strings.Cut(name, "."); ok {
		return s, t
	}
	return "main", name
}
