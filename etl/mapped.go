package etl

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/warehouse"
)

// ExtractMapped maps foreign export files onto the source contract, as the config's
// source.tables say, into the landing zone for loadDate. Contract tables without a mapping load
// as empty (a required one is an error). As for CSV exports, a partition is renamed into place
// when complete and never changed: the same files again reuse it (by SHA-256 of their
// contents), different ones for the same date are refused. Rows the filter drops are counted in
// the partition's _source.json.
func ExtractMapped(ctx context.Context, src configs.Source, baseDir, lakeDir string, loadDate time.Time) ([]Extracted, error) {
	db, err := warehouse.Open(ctx, "", warehouse.Options{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	for name := range src.Tables {
		if TableByName(name) == nil {
			return nil, fmt.Errorf("source.tables.%s: no such table in the source contract", name)
		}
	}
	var out []Extracted
	for i := range Contract {
		t := &Contract[i]
		m, ok := src.Tables[t.Name]
		if !ok && t.Required {
			return nil, fmt.Errorf("source.tables has no mapping for %s, which the source contract requires", t.Name)
		}
		e, err := extractMappedTable(ctx, conn, t, m, ok, baseDir, lakeDir, loadDate)
		if err != nil {
			return nil, fmt.Errorf("extract %s: %w", t.Name, err)
		}
		out = append(out, e)
	}
	return out, nil
}

func extractMappedTable(ctx context.Context, conn *sql.Conn, t *Table, m configs.FileTable, mapped bool, baseDir, lakeDir string, loadDate time.Time) (Extracted, error) {
	var files []string
	if mapped {
		pattern := configs.Resolve(baseDir, m.Files)
		var err error
		if files, err = filepath.Glob(pattern); err != nil {
			return Extracted{}, fmt.Errorf("files %q: %w", m.Files, err)
		}
		if len(files) == 0 {
			return Extracted{}, fmt.Errorf("no file matches %s", pattern)
		}
		slices.Sort(files)
		for _, c := range t.Columns {
			if _, ok := m.Columns[c]; !ok && !t.IsOptional(c) {
				return Extracted{}, fmt.Errorf("the mapping has no expression for column %s of the source contract (a constant such as NULL will do)", c)
			}
		}
		for c := range m.Columns {
			if !slices.Contains(t.Columns, c) {
				return Extracted{}, fmt.Errorf("the mapping names column %s, which %s does not have", c, t.Name)
			}
		}
	}
	sum, err := filesSHA256(files)
	if err != nil {
		return Extracted{}, err
	}
	dir := PartitionDir(lakeDir, t.Name, loadDate)
	prev, err := existingPartition(dir, m.Files, func() (string, error) { return sum, nil })
	if err != nil || prev != nil {
		return Extracted{Table: t.Name, SourceInfo: deref(prev), Reused: prev != nil}, err
	}
	info := SourceInfo{Source: strings.Join(files, ", "), SHA256: sum, ExtractedAt: time.Now().UTC()}
	info, err = land(dir, info, func(dst string, info *SourceInfo) error {
		if !mapped {
			return writeEmptyPartition(ctx, t, dst, info)
		}
		return runMapping(ctx, conn, t, m, files, dst, info)
	})
	if err != nil {
		return Extracted{}, err
	}
	return Extracted{Table: t.Name, SourceInfo: info}, nil
}

type mappedColumn struct{ Name, Expr string }

func runMapping(ctx context.Context, conn *sql.Conn, t *Table, m configs.FileTable, files []string, dst string, info *SourceInfo) error {
	quoted := make([]string, len(files))
	for i, f := range files {
		quoted[i] = warehouse.Quote(f)
	}
	cols := make([]mappedColumn, len(t.Columns))
	for i, c := range t.Columns {
		expr, ok := m.Columns[c]
		if !ok {
			expr = "NULL" // an optional column the mapping leaves out
		}
		cols[i] = mappedColumn{c, expr}
	}
	header := true
	if m.Header != nil {
		header = *m.Header
	}
	delim := m.Delimiter
	if delim == "" {
		delim = ","
	}
	enc := m.Encoding
	if enc == "" {
		enc = "utf-8"
	}
	if _, err := warehouse.RunScript(ctx, conn, "load/mapped_extract.sql", map[string]any{
		"Table": t.Name, "Files": "[" + strings.Join(quoted, ", ") + "]", "Header": header, "Delimiter": delim,
		"Encoding": enc, "TimestampFormat": m.TimestampFormat, "DateFormat": m.DateFormat,
		"Filter": m.Filter, "GroupBy": m.GroupBy, "Columns": cols, "Dst": dst,
	}); err != nil {
		return err
	}
	var read, kept int64
	if err := conn.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM mapped_source), (SELECT count(*) FROM mapped_rows)").Scan(&read, &kept); err != nil {
		return err
	}
	info.Rows = kept
	info.SourceRows = read
	return nil
}

// filesSHA256 is the SHA-256 of the files' contents in order ("" for none).
func filesSHA256(files []string) (string, error) {
	if len(files) == 0 {
		return "", nil
	}
	h := sha256.New()
	for _, f := range files {
		s, err := fileSHA256(f)
		if err != nil {
			return "", err
		}
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
