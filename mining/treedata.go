package mining

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/crmwh/crmwh/mining/cart"
	"github.com/crmwh/crmwh/mining/matrix"
	"github.com/crmwh/crmwh/warehouse"
)

// TreeColumn is how a source column becomes tree features: a numeric column is one feature (a
// NULL becomes the column's median); a categorical one becomes one 0/1 feature per category
// (the MaxCategories most frequent; the rest share "(other)"; NULL is its own category "(null)").
type TreeColumn struct {
	Name       string
	Numeric    bool
	TextNumber bool // a text column holding numbers (blank is NULL), as CSV readers leave them
	Median     float64
	Categories []string // categorical: the one-hot categories, in order
}

// TreeEncoding turns table rows into features; it is built on the training table and applied
// unchanged to the tables scored with the tree.
type TreeEncoding struct {
	Columns  []TreeColumn
	Features []string // one name per feature: the column, or "column = category"
	Skipped  map[string]string
	Rows     int64 // rows of the table the encoding was decided on
}

const (
	otherCategory = "(other)"
	nullCategory  = "(null)"
)

// NewTreeEncoding reads the columns of table (all but the label and exclude, or only include when
// given) and decides their encoding. A text column whose values are nearly all distinct (an id)
// is skipped, as it cannot generalise.
func NewTreeEncoding(ctx context.Context, conn *sql.Conn, table, label string, include, exclude []string, maxCategories int) (*TreeEncoding, error) {
	rows, err := conn.QueryContext(ctx, "SELECT column_name, column_type FROM (DESCRIBE "+table+")")
	if err != nil {
		return nil, fmt.Errorf("tree: describe %s: %w", table, err)
	}
	type col struct{ name, typ string }
	var cols []col
	for rows.Next() {
		var c col
		if err := rows.Scan(&c.name, &c.typ); err != nil {
			rows.Close()
			return nil, err
		}
		cols = append(cols, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	found := false
	for _, c := range cols {
		found = found || c.name == label
	}
	if !found {
		return nil, fmt.Errorf("tree: no label column %q", label)
	}
	for _, name := range include {
		if !slices.ContainsFunc(cols, func(c col) bool { return c.name == name }) {
			return nil, fmt.Errorf("tree: no column %q", name)
		}
	}
	enc := &TreeEncoding{Skipped: map[string]string{}}
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&enc.Rows); err != nil {
		return nil, fmt.Errorf("tree: %w", err)
	}
	total := enc.Rows
	for _, c := range cols {
		if c.name == label || slices.Contains(exclude, c.name) || (len(include) > 0 && !slices.Contains(include, c.name)) {
			continue
		}
		q := warehouse.Ident(c.name)
		textNumber := false
		if !(warehouse.IsNumeric(c.typ) || c.typ == "BOOLEAN") {
			// Text that is all numbers or blanks is a number column (a CSV with blanks in it).
			var bad, good int64
			if err := conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FILTER (WHERE trim(CAST(%[1]s AS VARCHAR)) <> '' AND TRY_CAST(%[1]s AS DOUBLE) IS NULL),
				count(TRY_CAST(%[1]s AS DOUBLE)) FROM %[2]s`, q, table)).Scan(&bad, &good); err != nil {
				return nil, fmt.Errorf("tree: column %s: %w", c.name, err)
			}
			textNumber = bad == 0 && good > 0
		}
		if (warehouse.IsNumeric(c.typ) || c.typ == "BOOLEAN") || textNumber {
			col := TreeColumn{Name: c.name, Numeric: true, TextNumber: textNumber}
			var med sql.NullFloat64
			if err := conn.QueryRowContext(ctx, fmt.Sprintf("SELECT median(%s) FROM %s", col.expr(), table)).Scan(&med); err != nil {
				return nil, fmt.Errorf("tree: column %s: %w", c.name, err)
			}
			if !med.Valid {
				enc.Skipped[c.name] = "entirely NULL"
				continue
			}
			col.Median = med.Float64
			enc.Columns = append(enc.Columns, col)
			enc.Features = append(enc.Features, c.name)
			continue
		}
		cats, err := conn.QueryContext(ctx, fmt.Sprintf(`SELECT coalesce(CAST(%s AS VARCHAR), %s) AS v, count(*) AS n
			FROM %s GROUP BY 1 ORDER BY n DESC, v`, q, warehouse.Quote(nullCategory), table))
		if err != nil {
			return nil, fmt.Errorf("tree: column %s: %w", c.name, err)
		}
		var values []string
		for cats.Next() {
			var v string
			var n int64
			if err := cats.Scan(&v, &n); err != nil {
				cats.Close()
				return nil, err
			}
			values = append(values, v)
		}
		cats.Close()
		if len(values) > 50 && float64(len(values)) > 0.5*float64(total) {
			enc.Skipped[c.name] = fmt.Sprintf("an identifier (%d distinct values in %d rows)", len(values), total)
			continue
		}
		if len(values) < 2 {
			enc.Skipped[c.name] = "constant"
			continue
		}
		if len(values) > maxCategories {
			values = append(values[:maxCategories], otherCategory)
		}
		sort.Strings(values)
		enc.Columns = append(enc.Columns, TreeColumn{Name: c.name, Categories: values})
		for _, v := range values {
			enc.Features = append(enc.Features, c.name+" = "+v)
		}
	}
	if len(enc.Features) == 0 {
		return nil, fmt.Errorf("tree: no usable feature column (%v)", enc.Skipped)
	}
	return enc, nil
}

// expr reads a numeric column as DOUBLE.
func (c TreeColumn) expr() string {
	if c.TextNumber {
		return "TRY_CAST(nullif(trim(CAST(" + warehouse.Ident(c.Name) + " AS VARCHAR)), '') AS DOUBLE)"
	}
	return "CAST(" + warehouse.Ident(c.Name) + " AS DOUBLE)"
}

// Encode reads table in row order into features. With label set, it also returns each row's
// label as text (NULL as ok=false).
func (e *TreeEncoding) Encode(ctx context.Context, conn *sql.Conn, table, label string) (*matrix.Dense, []sql.NullString, error) {
	// Sized up front: grown by append, a million rows of 33 features were copied over and over
	// (5 s of a 40 s churn fit).
	var n int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		return nil, nil, fmt.Errorf("tree: read %s: %w", table, err)
	}
	x := &matrix.Dense{Cols: len(e.Features), Data: make([]float64, 0, int(n)*len(e.Features))}
	var labels []sql.NullString
	if label != "" {
		labels = make([]sql.NullString, 0, n)
	}
	err := e.read(ctx, conn, table, label, -1, -1, func(_ int64, row []float64, l sql.NullString) error {
		x.Data = append(x.Data, row...)
		x.Rows++
		if label != "" {
			labels = append(labels, l)
		}
		return nil
	})
	return x, labels, err
}

// EncodeBatches encodes table's rows in rowid order, at most batch rows at a time, and hands each
// batch with its rows' rowids to fn: a pass over a table of any size holds one batch in memory.
func (e *TreeEncoding) EncodeBatches(ctx context.Context, conn *sql.Conn, table string, batch int, fn func(x *matrix.Dense, rowids []int64) error) error {
	var last sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT max(rowid) FROM "+table).Scan(&last); err != nil {
		return fmt.Errorf("tree: read %s: %w", table, err)
	}
	x := &matrix.Dense{Cols: len(e.Features)}
	var rowids []int64
	for lo := int64(0); last.Valid && lo <= last.Int64; lo += int64(batch) {
		x.Data, x.Rows, rowids = x.Data[:0], 0, rowids[:0]
		err := e.read(ctx, conn, table, "", lo, lo+int64(batch), func(id int64, row []float64, _ sql.NullString) error {
			x.Data = append(x.Data, row...)
			x.Rows++
			rowids = append(rowids, id)
			return nil
		})
		if err != nil {
			return err
		}
		if err := fn(x, rowids); err != nil {
			return err
		}
	}
	return nil
}

// read encodes table's rows in rowid order (those with lo <= rowid < hi when lo >= 0), reading
// label too when it is set, and calls fn with each row's rowid, encoding (a buffer reused for the
// next row) and label.
func (e *TreeEncoding) read(ctx context.Context, conn *sql.Conn, table, label string, lo, hi int64, fn func(rowid int64, row []float64, label sql.NullString) error) error {
	sel := []string{"rowid"}
	for _, c := range e.Columns {
		if c.Numeric {
			sel = append(sel, c.expr())
		} else {
			sel = append(sel, "CAST("+warehouse.Ident(c.Name)+" AS VARCHAR)")
		}
	}
	if label != "" {
		sel = append(sel, "CAST("+warehouse.Ident(label)+" AS VARCHAR)")
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + table
	if lo >= 0 {
		q += fmt.Sprintf(" WHERE rowid >= %d AND rowid < %d", lo, hi)
	}
	rows, err := conn.QueryContext(ctx, q+" ORDER BY rowid")
	if err != nil {
		return fmt.Errorf("tree: read %s: %w", table, err)
	}
	defer rows.Close()
	var rowid int64
	nums := make([]sql.NullFloat64, len(e.Columns))
	strs := make([]sql.NullString, len(e.Columns)+1)
	ptrs := make([]any, len(sel))
	ptrs[0] = &rowid
	for i, c := range e.Columns {
		if c.Numeric {
			ptrs[i+1] = &nums[i]
		} else {
			ptrs[i+1] = &strs[i]
		}
	}
	if label != "" {
		ptrs[len(e.Columns)+1] = &strs[len(e.Columns)]
	}
	row := make([]float64, len(e.Features))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("tree: read %s: %w", table, err)
		}
		clear(row)
		f := 0
		for i, c := range e.Columns {
			if c.Numeric {
				v := nums[i].Float64
				if !nums[i].Valid || math.IsNaN(v) {
					v = c.Median
				}
				row[f] = v
				f++
				continue
			}
			v := nullCategory
			if strs[i].Valid {
				v = strs[i].String
			}
			k, ok := slices.BinarySearch(c.Categories, v)
			if !ok {
				k, ok = slices.BinarySearch(c.Categories, otherCategory)
			}
			if ok {
				row[f+k] = 1
			}
			f += len(c.Categories)
		}
		if err := fn(rowid, row, strs[len(e.Columns)]); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("tree: read %s: %w", table, err)
	}
	return nil
}

// Condition is the test of a split, in words: the left side (value at most the threshold) or
// the right side.
func (e *TreeEncoding) Condition(feature int, threshold float64, left bool) string {
	name := e.Features[feature]
	if col, cat, ok := strings.Cut(name, " = "); ok {
		if left {
			return col + " is not " + cat
		}
		return col + " is " + cat
	}
	if left {
		return name + " <= " + trimFloat(threshold)
	}
	return name + " > " + trimFloat(threshold)
}

// Reason is the conditions on row x's path through the tree, in words, one per feature: a
// feature tested more than once keeps its tightest bounds.
func (e *TreeEncoding) Reason(t *cart.Tree, x []float64, words map[string]string) string {
	path := t.Path(x)
	type bound struct {
		lo, hi       float64
		hasLo, hasHi bool
	}
	bounds := map[int]*bound{}
	var order []int
	for _, n := range path[:len(path)-1] {
		nd := &t.Nodes[n]
		b, ok := bounds[nd.Feature]
		if !ok {
			b = &bound{lo: math.Inf(-1), hi: math.Inf(1)}
			bounds[nd.Feature] = b
			order = append(order, nd.Feature)
		}
		if x[nd.Feature] <= nd.Threshold {
			b.hi, b.hasHi = math.Min(b.hi, nd.Threshold), true
		} else {
			b.lo, b.hasLo = math.Max(b.lo, nd.Threshold), true
		}
	}
	var parts []string
	for _, f := range order {
		b := bounds[f]
		name := e.Features[f]
		if col, cat, ok := strings.Cut(name, " = "); ok {
			w := col
			if s, ok := words[col]; ok {
				w = s
			}
			if b.hasLo {
				parts = append(parts, w+" is "+cat)
			} else {
				parts = append(parts, w+" is not "+cat)
			}
			continue
		}
		w := name
		if s, ok := words[name]; ok {
			w = s
		}
		v := strconv.FormatFloat(x[f], 'f', -1, 64)
		if math.Abs(x[f]) < 1000 && x[f] != math.Trunc(x[f]) {
			v = strconv.FormatFloat(x[f], 'f', 2, 64)
		}
		switch {
		case b.hasLo && b.hasHi:
			parts = append(parts, fmt.Sprintf("%s %s in (%s, %s]", w, v, trimFloat(b.lo), trimFloat(b.hi)))
		case b.hasLo:
			parts = append(parts, fmt.Sprintf("%s %s > %s", w, v, trimFloat(b.lo)))
		default:
			parts = append(parts, fmt.Sprintf("%s %s <= %s", w, v, trimFloat(b.hi)))
		}
	}
	return strings.Join(parts, "; ")
}

func trimFloat(v float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.4f", v), "0"), ".")
}
