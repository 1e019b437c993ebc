package serve

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/warehouse"
)

// Filter is one criterion of the list builder over the published scores.
type Filter struct {
	Key, Label string
	where      string // predicate with ? parameters
	args       func(v string) ([]any, error)
}

func one(v string) ([]any, error) { return []any{v}, nil }

// campaignContact is the predicate "the customer has a contact of campaign ? that also meets cond"
// (a recorded response: responded; the held-out: the control group).
func campaignContact(cond string) string {
	return "EXISTS (SELECT 1 FROM fact_campaign_contact AS f JOIN dim_campaign AS k USING (campaign_key) " +
		"JOIN dim_customer AS d USING (customer_key) WHERE d.customer_id = s.customer_id AND k.campaign_id = ? AND " + cond + ")"
}

// Filters are the list builder's criteria, in the order the UI shows them.
var Filters = []Filter{
	{"rfm_segment", "RFM segment", "s.rfm_segment = ?", one},
	{"clv_quadrant", "CLV quadrant", "s.clv_quadrant = ?", one},
	{"cluster", "Cluster", "s.cluster_id = ?", func(v string) ([]any, error) {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("cluster %q: a cluster number", v)
		}
		return []any{n}, nil
	}},
	{"churn_risk", "Churn risk", "s.churn_risk = ?", one},
	{"lifecycle_stage", "Lifecycle stage", "s.lifecycle_stage = ?", one},
	{"abc_class", "ABC class", "s.abc_class = ?", one},
	{"region", "Region", "c.region = ?", one},
	{"recommended_product", "Recommended product",
		"EXISTS (SELECT 1 FROM scores.recommendations AS r WHERE r.customer_id = s.customer_id AND (r.product_id = ? OR r.product_name = ?))",
		func(v string) ([]any, error) { return []any{v, v}, nil }},
	{"contacted_in", "Contacted in campaign", campaignContact("f.contact_group = 'treatment'"), one},
	{"responded_to", "Responded to campaign", campaignContact("f.contact_group = 'treatment' AND f.responded"), one},
	{"control_of", "Control group of campaign", campaignContact("f.contact_group = 'control'"), one},
	{"tier", "Tier", "s.tier = ?", one},
	{"loyalty_type", "Loyalty type", "s.loyalty_type = ?", one},
	{"care", "Care list", "EXISTS (SELECT 1 FROM scores.care_lists AS k WHERE k.customer_id = s.customer_id AND k.list = ?)", one},
	{"decline_warning", "Declining spend", "s.decline_warning = ?", func(v string) ([]any, error) {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("decline_warning %q: true or false", v)
		}
		return []any{b}, nil
	}},
}

// Selection is a list: filter key to value (empty values are ignored) and, if it came from
// one, the named list; with Holdout, a campaign list that holds out a control group.
type Selection struct {
	List    string
	Filters map[string]string
	Holdout *Holdout
	// heldOut selects the held-out customers instead of the list (HeldOutQuery).
	heldOut bool
}

// Holdout holds out Share of a campaign list's customers at random as the campaign's control
// group: the round(Share × n) customers whose md5(seed|campaign|customer id), as a number, is
// smallest, so the share is exact and the same seed and campaign hold out the same customers.
type Holdout struct {
	Campaign string
	Share    float64
	Seed     int64
	cutoff   string // the largest held-out hash, set by HeldOut; the list keeps those above it
}

// NewHoldout checks a holdout's settings.
func NewHoldout(campaign string, share float64, seed int64) (*Holdout, error) {
	if strings.TrimSpace(campaign) == "" {
		return nil, fmt.Errorf("a control group needs the campaign it is for (--campaign)")
	}
	if share <= 0 || share >= 1 {
		return nil, fmt.Errorf("control share %g: more than 0 and less than 1 (0.1 holds out a tenth)", share)
	}
	return &Holdout{Campaign: strings.TrimSpace(campaign), Share: share, Seed: seed}, nil
}

// SelectionOf parses "key=value" pairs, or a named list of the config with extra filters.
func SelectionOf(lists []configs.List, name string, pairs map[string]string) (Selection, error) {
	sel := Selection{Filters: map[string]string{}}
	if name != "" {
		l, err := FindList(lists, name)
		if err != nil {
			return sel, err
		}
		sel.List = l.Name
		for k, v := range l.Filters {
			sel.Filters[k] = v
		}
	}
	for k, v := range pairs {
		if v = strings.TrimSpace(v); v != "" {
			sel.Filters[k] = v
		}
	}
	_, _, err := sel.where()
	return sel, err
}

// ParsePairs reads a request's filters (skipping the keys in skip) strictly: a query string that
// does not parse, or that names a key twice, is an error. Dropping the pairs that do not parse
// would widen the list, possibly to every customer.
func ParsePairs(rawQuery string, skip ...string) (map[string]string, error) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("the query string does not parse (%v); nothing was selected", err)
	}
	pairs := map[string]string{}
	for k, vs := range q {
		if len(vs) > 1 {
			return nil, fmt.Errorf("%s is given %d times; give each filter once", k, len(vs))
		}
		if !slices.Contains(skip, k) {
			pairs[k] = vs[0]
		}
	}
	return pairs, nil
}

// onlyKeys refuses a request parameter not in allowed, naming the ones there are.
func onlyKeys(pairs map[string]string, allowed ...string) error {
	for k := range pairs {
		if !slices.Contains(allowed, k) {
			return fmt.Errorf("unknown parameter %q (%s)", warehouse.Excerpt(k, shownRunes), strings.Join(allowed, ", "))
		}
	}
	return nil
}

// CheckValues refuses a requested filter value that no customer of the snapshot has: a typo
// would otherwise give an empty list, or with a lenient parse a wider one. recommended_product
// takes a product id or name; decline_warning is checked by its own parse.
func CheckValues(opts map[string][]Option, pairs map[string]string) error {
	for k, v := range pairs {
		v = strings.TrimSpace(v)
		known, ok := opts[k]
		if v == "" || !ok || k == "decline_warning" {
			continue
		}
		if slices.ContainsFunc(known, func(o Option) bool {
			return o.Value == v || (k == "recommended_product" && o.Label == v)
		}) {
			continue
		}
		values := make([]string, 0, len(known))
		for _, o := range known[:min(len(known), 12)] {
			values = append(values, o.Value)
		}
		if len(known) > 12 {
			values = append(values, "…")
		}
		return fmt.Errorf("%s %q is not a value of the published scores (values: %s)", k, warehouse.Excerpt(v, shownRunes), strings.Join(values, ", "))
	}
	return nil
}

// shownRunes is how much of a bad value a refusal quotes back.
const shownRunes = 40

// FindList returns the named list of the config.
func FindList(lists []configs.List, name string) (configs.List, error) {
	var names []string
	for _, l := range lists {
		if l.Name == name {
			return l, nil
		}
		names = append(names, l.Name)
	}
	return configs.List{}, fmt.Errorf("no list %q in the config (lists: %s)", name, strings.Join(names, ", "))
}

// where turns the selection into predicates and their parameters, in Filters order.
func (s Selection) where() ([]string, []any, error) {
	var preds []string
	var args []any
	for k := range s.Filters {
		if !slices.ContainsFunc(Filters, func(f Filter) bool { return f.Key == k }) {
			keys := make([]string, len(Filters))
			for i, f := range Filters {
				keys[i] = f.Key
			}
			return nil, nil, fmt.Errorf("unknown filter %q (filters: %s)", k, strings.Join(keys, ", "))
		}
	}
	for _, f := range Filters {
		v, ok := s.Filters[f.Key]
		if !ok || v == "" {
			continue
		}
		a, err := f.args(v)
		if err != nil {
			return nil, nil, err
		}
		preds = append(preds, f.where)
		args = append(args, a...)
	}
	if h := s.Holdout; h != nil && !s.heldOut {
		if h.cutoff == "" {
			return nil, nil, errors.New("list: the control group is drawn first (HeldOut)")
		}
		preds = append(preds, "md5_number(concat_ws('|', ?, ?, s.customer_id)) > CAST(? AS UHUGEINT)")
		args = append(args, strconv.FormatInt(h.Seed, 10), h.Campaign, h.cutoff)
	}
	return preds, args, nil
}

// HeldOut draws the control group of a selection with a Holdout: the customer ids left out of
// its file (the list's filters, then the smallest hashes); it must run before the list is
// written, which then keeps the others. Without a Holdout it returns nothing.
func HeldOut(ctx context.Context, db warehouse.Querier, sel Selection) ([]string, error) {
	h := sel.Holdout
	if h == nil {
		return nil, nil
	}
	sel.heldOut = true
	q, args, err := ListQuery(sel)
	if err != nil {
		return nil, err
	}
	outer, err := warehouse.Render("serve/holdout.sql", map[string]any{"List": q})
	if err != nil {
		return nil, err
	}
	args = append(append([]any{strconv.FormatInt(h.Seed, 10), h.Campaign}, args...), h.Share)
	var ids []string
	h.cutoff = "-1" // no one held out: every hash is above it
	err = warehouse.EachRow(ctx, db, outer, args, func(rows *sql.Rows) error {
		var id string
		if err := rows.Scan(&id, &h.cutoff); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	if h.cutoff == "-1" {
		h.cutoff = "0"
	}
	return ids, err
}

// JSON is the selection as recorded in ops.exports.
func (s Selection) JSON() string {
	b, _ := json.Marshal(s.Filters) // a map of strings always marshals
	return string(b)
}

// SegmentCount is one bar of the list builder's chart.
type SegmentCount struct {
	Segment    string  `json:"segment"`
	Customers  int64   `json:"customers"`
	Consenting int64   `json:"consenting"`
	CLV        float64 `json:"clv"`
}

// Summary is what the list builder shows for a selection.
type Summary struct {
	Customers  int64          `json:"customers"`
	Consenting int64          `json:"consenting"`
	CLV        float64        `json:"clv"`
	Segments   []SegmentCount `json:"segments"`
}

// Summarize counts the customers a selection matches, by RFM segment.
func Summarize(ctx context.Context, db warehouse.Querier, sel Selection) (Summary, error) {
	var sum Summary
	preds, args, err := sel.where()
	if err != nil {
		return sum, err
	}
	err = warehouse.ForEachRow(ctx, db, "serve/list_summary.sql", map[string]any{"Where": preds}, args, func(rows *sql.Rows) error {
		var s SegmentCount
		if err := rows.Scan(&s.Segment, &s.Customers, &s.Consenting, &s.CLV); err != nil {
			return err
		}
		sum.Customers += s.Customers
		sum.Consenting += s.Consenting
		sum.CLV += s.CLV
		sum.Segments = append(sum.Segments, s)
		return nil
	})
	return sum, err
}

// Option is a value a filter can take, for the list builder's menus.
type Option struct {
	Value, Label string
	Customers    int64
}

// Options lists the values of every filter in the snapshot.
func Options(ctx context.Context, db warehouse.Querier) (map[string][]Option, error) {
	out := map[string][]Option{"decline_warning": {{Value: "true", Label: "declining"}, {Value: "false", Label: "not declining"}}}
	err := warehouse.ForEachRow(ctx, db, "serve/list_options.sql", map[string]any{"CareLists": configs.CareLists}, nil, func(rows *sql.Rows) error {
		var f string
		var o Option
		if err := rows.Scan(&f, &o.Value, &o.Label, &o.Customers); err != nil {
			return err
		}
		out[f] = append(out[f], o)
		return nil
	})
	return out, err
}

// ListQuery returns the list's query and parameters.
func ListQuery(sel Selection) (string, []any, error) {
	preds, args, err := sel.where()
	if err != nil {
		return "", nil, err
	}
	// A care list says why each customer is on it: the reason comes first in the parameters.
	care := sel.Filters["care"]
	if care != "" {
		args = append([]any{care}, args...)
	}
	q, err := warehouse.Render("serve/list.sql", map[string]any{"Where": preds, "Care": care != ""})
	return q, args, err
}

// WriteParquet writes the list to the Parquet file out (zstd), through a temporary table of the
// list on one connection, and returns its rows.
func WriteParquet(ctx context.Context, db *sql.DB, sel Selection, out string) (int64, error) {
	q, args, err := ListQuery(sel)
	if err != nil {
		return 0, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE export_list AS "+q, args...); err != nil {
		return 0, fmt.Errorf("list: %w", err)
	}
	var n int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM export_list").Scan(&n); err != nil {
		return 0, fmt.Errorf("list: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "COPY export_list TO "+warehouse.Quote(out)+" (FORMAT parquet, COMPRESSION zstd)"); err != nil {
		return 0, fmt.Errorf("write %s: %w", out, err)
	}
	return n, nil
}

// WriteList writes the list in format csv or xlsx to w, streaming the rows, and returns how
// many it wrote. Memory stays bounded either way (excelize's stream writer spills to disk).
func WriteList(ctx context.Context, db warehouse.Querier, sel Selection, format string, w io.Writer) (int64, error) {
	q, args, err := ListQuery(sel)
	if err != nil {
		return 0, err
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("list: %w", err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return 0, err
	}
	cols := make([]string, len(types))
	for i, t := range types {
		cols[i] = t.Name()
	}
	vals, ptrs := warehouse.ScanTargets(len(cols))
	var n int64
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(cols); err != nil {
			return 0, err
		}
		rec := make([]string, len(cols))
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return n, err
			}
			for i, v := range vals {
				rec[i] = warehouse.Text(v, types[i].DatabaseTypeName())
			}
			if err := cw.Write(rec); err != nil {
				return n, err
			}
			n++
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return n, err
		}
	case "xlsx":
		f := excelize.NewFile()
		defer f.Close()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			return 0, err
		}
		head := make([]any, len(cols))
		for i, c := range cols {
			head[i] = c
		}
		if err := sw.SetRow("A1", head); err != nil {
			return 0, err
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return n, err
			}
			row := make([]any, len(vals))
			for i, v := range vals {
				row[i] = cellValue(v, types[i].DatabaseTypeName())
			}
			cell, err := excelize.CoordinatesToCellName(1, int(n)+2)
			if err != nil {
				return n, err
			}
			if err := sw.SetRow(cell, row); err != nil {
				return n, err
			}
			n++
		}
		if err := sw.Flush(); err != nil {
			return n, err
		}
		if err := rows.Err(); err != nil {
			return n, err
		}
		if _, err := f.WriteTo(w); err != nil {
			return n, err
		}
		return n, nil
	default:
		return 0, fmt.Errorf("format %q: csv or xlsx", format)
	}
	return n, rows.Err()
}

// cellValue keeps numbers and booleans typed in Excel; the rest becomes text as in CSV.
func cellValue(v any, typ string) any {
	switch x := v.(type) {
	case nil:
		return nil
	case int32, int64, float64, bool, string:
		return x
	}
	return warehouse.Text(v, typ)
}

// ListNames returns the config's list names, sorted.
func ListNames(lists []configs.List) []string {
	var names []string
	for _, l := range lists {
		names = append(names, l.Name)
	}
	sort.Strings(names)
	return names
}
