// Package report builds the customer value report (客户价值分析报告) from the published scores:
// sections that classify and evaluate the customers, each with its tables and a chart, and
// rule-based findings for the departments, each a sentence with its numbers and a link to the
// customers behind it. It reads only what a publish wrote (the warehouse's scores schema or a
// snapshot's catalog, which has the same tables) and writes HTML (one self-contained printable
// file) or XLSX (a sheet per section with native Excel charts).
package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/publish"
	"github.com/crmwh/crmwh/warehouse"
)

// Report is the customer value report at one as-of date.
type Report struct {
	AsOf, Compare string // Compare is "" without a comparison
	Language      string
	Currency      string
	Generated     time.Time
	Sections      []Section
	Omitted       []Omission // sections left out, and why
	Findings      []Finding
}

// Section is one part of the report: its tables and charts.
type Section struct {
	Key, Title, Intro string
	Tables            []Table
	Charts            []Chart
}

// Omission is a section left out of the report, with the reason in words.
type Omission struct{ Key, Title, Reason string }

// Kind says how a column's values are written for people.
type Kind int

// Column kinds.
const (
	Text    Kind = iota
	Count        // an integer with thousands separators
	Money        // the currency, no decimals, thousands separators
	Percent      // a share as a percentage with one decimal
	Number       // a number with three decimals
	Days         // a number with one decimal
)

// Column is a table column: the SQL column it comes from, its heading and kind.
type Column struct {
	Key, Title string
	Kind       Kind
}

// Table is a table of a section; Rows hold int64, float64, string or nil.
type Table struct {
	Title   string
	Columns []Column
	Rows    [][]any
}

// Chart is a chart of a section: bars (one value per label) or lines (a value per label per series).
type Chart struct {
	Title   string
	Kind    string // bar or line
	Labels  []string
	Series  []Series
	Percent bool // values are shares
}

// Series is one named line or set of bars.
type Series struct {
	Name   string
	Values []float64
}

// Options are what a report needs from the caller and the configuration.
type Options struct {
	Compare  time.Time // zero: no comparison
	Language string    // en or zh
	Config   configs.Report
}

// ErrNoScores means nothing has been published yet.
var ErrNoScores = errors.New("report: no published scores (run crmwh run first)")

// Build builds the report from the published scores in db, at their as-of date.
func Build(ctx context.Context, db warehouse.Querier, opt Options) (*Report, error) {
	var asOf sql.NullTime
	if err := queryRow(ctx, db, "SELECT max(as_of) FROM scores.customer_scores", nil, &asOf); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if !asOf.Valid {
		return nil, ErrNoScores
	}
	r := &Report{AsOf: asOf.Time.Format(time.DateOnly), Language: opt.Language, Currency: opt.Config.Currency, Generated: time.Now().UTC()}
	if r.Language != "zh" {
		r.Language = "en"
	}

	for name, params := range opt.Config.Findings {
		rule := ruleNamed(name)
		if rule == nil {
			return nil, fmt.Errorf("report: report.findings.%s: no such rule (rules: %s)", name, ruleNames())
		}
		for k := range params {
			if _, ok := rule.Params[k]; !ok {
				return nil, fmt.Errorf("report: report.findings.%s.%s: no such threshold", name, k)
			}
		}
	}
	b := builder{ctx: ctx, db: db, r: r, opt: opt}
	if !opt.Compare.IsZero() {
		r.Compare = opt.Compare.Format(time.DateOnly)
	}
	for _, s := range sections {
		sec, why, err := s.build(&b)
		if err != nil {
			return nil, fmt.Errorf("report: %s: %w", s.key, err)
		}
		title := b.t(s.key)
		if why != "" {
			r.Omitted = append(r.Omitted, Omission{Key: s.key, Title: title, Reason: why})
			continue
		}
		sec.Key, sec.Title = s.key, title
		r.Sections = append(r.Sections, *sec)
	}
	findings, err := b.findings()
	if err != nil {
		return nil, fmt.Errorf("report: findings: %w", err)
	}
	r.Findings = findings
	return r, nil
}

// builder holds what the sections and findings share.
type builder struct {
	ctx context.Context
	db  warehouse.Querier
	r   *Report
	opt Options
	// What both a section and a finding need, read once by the section.
	concentrationTable, reasonsTable Table
}

// t is a heading or phrase in the report's language.
func (b *builder) t(key string) string { return phrase(b.r.Language, key) }

// sections are the report's sections in order; a section's build returns why it is left out
// instead of a section when its data is absent.
var sections = []struct {
	key   string
	build func(b *builder) (*Section, string, error)
}{
	{"concentration", (*builder).concentration},
	{"segments", (*builder).segments},
	{"clv", (*builder).clv},
	{"migration", (*builder).migration},
	{"churn", (*builder).churn},
	{"lifecycle", (*builder).lifecycle},
	{"cohorts", (*builder).cohorts},
	{"service", (*builder).service},
	{"campaigns", (*builder).campaigns},
	{"model_health", (*builder).modelHealth},
}

// table runs an embedded report query and keeps the columns named in cols, in that order.
func (b *builder) table(file string, args []any, title string, cols ...Column) (Table, error) {
	t := Table{Title: title, Columns: cols}
	err := warehouse.ForEachRow(b.ctx, b.db, "report/"+file, nil, args, func(rows *sql.Rows) error {
		names, err := rows.Columns()
		if err != nil {
			return err
		}
		vals, ptrs := warehouse.ScanTargets(len(names))
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		row := make([]any, len(cols))
		for i, c := range cols {
			j := index(names, c.Key)
			if j < 0 {
				return fmt.Errorf("%s has no column %s", file, c.Key)
			}
			row[i] = normal(vals[j])
		}
		t.Rows = append(t.Rows, row)
		return nil
	})
	if err != nil {
		return t, fmt.Errorf("%s: %w", file, err)
	}
	return t, nil
}

// normal turns a driver value into int64, float64, string or nil.
func normal(v any) any {
	switch x := v.(type) {
	case nil, int64, float64, string:
		return x
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	case uint64:
		return int64(x)
	case uint32:
		return int64(x)
	case float32:
		return float64(x)
	case bool:
		return fmt.Sprint(x)
	case time.Time:
		return x.Format(time.DateOnly)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

func index(names []string, key string) int {
	for i, n := range names {
		if n == key {
			return i
		}
	}
	return -1
}

// float is a table cell as a number (0 for NULL or text).
func float(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// text is a table cell as text.
func text(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// bars makes a bar chart of a table: labels from column li, values from column vi.
func bars(title string, t Table, li, vi int, percent bool) Chart {
	c := Chart{Title: title, Kind: "bar", Percent: percent, Series: []Series{{Name: t.Columns[vi].Title}}}
	for _, r := range t.Rows {
		c.Labels = append(c.Labels, text(r[li]))
		c.Series[0].Values = append(c.Series[0].Values, float(r[vi]))
	}
	return c
}

func queryRow(ctx context.Context, db warehouse.Querier, q string, args []any, dest ...any) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	return rows.Err()
}

// count is a count from a query of one row and column.
func (b *builder) count(q string, args ...any) (int64, error) {
	var n sql.NullInt64
	err := queryRow(b.ctx, b.db, q, args, &n)
	return n.Int64, err
}

func (b *builder) concentration() (*Section, string, error) {
	t, err := b.table("concentration.sql", nil, b.t("concentration.table"),
		Column{"top_pct", b.t("col.top_pct"), Count}, Column{"customers", b.t("col.customers"), Count},
		Column{"revenue", b.t("col.revenue"), Money}, Column{"revenue_share", b.t("col.revenue_share"), Percent},
		Column{"margin_share", b.t("col.margin_share"), Percent})
	if err != nil {
		return nil, "", err
	}
	if len(t.Rows) == 0 {
		return nil, b.t("why.no_buyers"), nil
	}
	b.concentrationTable = t
	shown := Table{Title: t.Title, Columns: t.Columns}
	for _, r := range t.Rows {
		shown.Rows = append(shown.Rows, append([]any{fmt.Sprintf("%d%%", r[0])}, r[1:]...))
	}
	t = shown
	l, err := b.table("lorenz.sql", nil, "", Column{"pct", "pct", Count}, Column{"share", b.t("col.revenue_share"), Percent})
	if err != nil {
		return nil, "", err
	}
	c := Chart{Title: b.t("concentration.chart"), Kind: "line", Percent: true,
		Series: []Series{{Name: b.t("col.revenue_share")}, {Name: b.t("concentration.equal")}}}
	for _, r := range l.Rows {
		c.Labels = append(c.Labels, fmt.Sprintf("%d%%", r[0]))
		c.Series[0].Values = append(c.Series[0].Values, float(r[1]))
		c.Series[1].Values = append(c.Series[1].Values, float(r[0])/100)
	}
	return &Section{Intro: b.t("concentration.intro"), Tables: []Table{t}, Charts: []Chart{c}}, "", nil
}

func (b *builder) segments() (*Section, string, error) {
	all, err := b.table("segments.sql", nil, "", Column{"dimension", "", Text}, Column{"label", b.t("col.segment"), Text},
		Column{"customers", b.t("col.customers"), Count}, Column{"revenue", b.t("col.revenue"), Money})
	if err != nil {
		return nil, "", err
	}
	if len(all.Rows) == 0 {
		return nil, b.t("why.no_buyers"), nil
	}
	s := &Section{Intro: b.t("segments.intro")}
	for _, dim := range []string{"rfm_segment", "abc_class", "tier"} {
		t := Table{Title: b.t("segments." + dim), Columns: all.Columns[1:]}
		for _, r := range all.Rows {
			if r[0] == dim {
				t.Rows = append(t.Rows, r[1:])
			}
		}
		if len(t.Rows) == 0 {
			continue
		}
		s.Tables = append(s.Tables, t)
		s.Charts = append(s.Charts, bars(t.Title, t, 0, 2, false))
	}
	return s, "", nil
}

func (b *builder) clv() (*Section, string, error) {
	t, err := b.table("clv.sql", nil, b.t("clv.table"), Column{"quadrant", b.t("col.quadrant"), Text},
		Column{"customers", b.t("col.customers"), Count}, Column{"clv", b.t("col.clv"), Money},
		Column{"avg_clv", b.t("col.avg_clv"), Money}, Column{"margin_to_date", b.t("col.margin_to_date"), Money},
		Column{"p_alive", b.t("col.p_alive"), Percent})
	if err != nil {
		return nil, "", err
	}
	if len(t.Rows) == 0 {
		return nil, b.t("why.no_clv"), nil
	}
	return &Section{Intro: b.t("clv.intro"), Tables: []Table{t}, Charts: []Chart{bars(b.t("clv.chart"), t, 0, 2, false)}}, "", nil
}

func (b *builder) migration() (*Section, string, error) {
	if b.r.Compare == "" {
		return nil, b.t("why.no_compare"), nil
	}
	var first sql.NullTime
	if err := queryRow(b.ctx, b.db, "SELECT min(as_of) FROM scores.score_history_dates", nil, &first); err != nil {
		return nil, "", err
	}
	if !first.Valid || b.opt.Compare.Before(first.Time) {
		return nil, fmt.Sprintf(b.t("why.before_history"), b.r.Compare, dateOr(first, "-")), nil
	}
	asOf, _ := time.Parse(time.DateOnly, b.r.AsOf)
	if !b.opt.Compare.Before(asOf) {
		return nil, fmt.Sprintf(b.t("why.compare_after"), b.r.Compare, b.r.AsOf), nil
	}
	q, err := publish.MigrationQuery(b.ctx, b.db, b.opt.Compare, asOf, []string{"clv_quadrant", "churn_risk", "tier"})
	if err != nil {
		return nil, "", err
	}
	s := &Section{Intro: fmt.Sprintf(b.t("migration.intro"), b.r.Compare, b.r.AsOf)}
	tables := map[string]*Table{}
	var order []string
	err = warehouse.EachRow(b.ctx, b.db, q, nil, func(rows *sql.Rows) error {
		var dim, from, to string
		var fromAsOf, toAsOf time.Time
		var n int64
		var clv sql.NullFloat64
		if err := rows.Scan(&dim, &fromAsOf, &toAsOf, &from, &to, &n, &clv); err != nil {
			return err
		}
		t := tables[dim]
		if t == nil {
			t = &Table{Title: b.t("segments." + dim), Columns: []Column{{"from", b.r.Compare, Text}, {"to", b.r.AsOf, Text},
				{"customers", b.t("col.customers"), Count}, {"clv", b.t("col.clv"), Money}}}
			tables[dim] = t
			order = append(order, dim)
		}
		t.Rows = append(t.Rows, []any{from, to, n, clv.Float64})
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	for _, d := range order {
		t := tables[d]
		s.Tables = append(s.Tables, *t)
		// Moved customers only, largest moves first, as the chart.
		c := Chart{Title: t.Title, Kind: "bar", Series: []Series{{Name: b.t("col.customers")}}}
		for _, r := range t.Rows {
			if r[0] != r[1] && len(c.Labels) < 8 {
				c.Labels = append(c.Labels, text(r[0])+" → "+text(r[1]))
				c.Series[0].Values = append(c.Series[0].Values, float(r[2]))
			}
		}
		if len(c.Labels) > 0 {
			s.Charts = append(s.Charts, c)
		}
	}
	return s, "", nil
}

func dateOr(t sql.NullTime, none string) string {
	if !t.Valid {
		return none
	}
	return t.Time.Format(time.DateOnly)
}

func (b *builder) churn() (*Section, string, error) {
	t, err := b.table("churn.sql", nil, b.t("churn.table"), Column{"risk", b.t("col.risk"), Text},
		Column{"customers", b.t("col.customers"), Count}, Column{"clv_at_stake", b.t("col.clv_at_stake"), Money},
		Column{"margin_to_date", b.t("col.margin_to_date"), Money})
	if err != nil {
		return nil, "", err
	}
	if len(t.Rows) == 0 {
		return nil, b.t("why.no_churn"), nil
	}
	reasons, err := b.table("churn_reasons.sql", nil, b.t("churn.reasons"), Column{"reason", b.t("col.reason"), Text},
		Column{"customers", b.t("col.customers"), Count}, Column{"share", b.t("col.share_high"), Percent})
	if err != nil {
		return nil, "", err
	}
	b.reasonsTable = reasons
	s := &Section{Intro: b.t("churn.intro"), Tables: []Table{t}, Charts: []Chart{bars(b.t("churn.chart"), t, 0, 1, false)}}
	if len(reasons.Rows) > 0 {
		s.Tables = append(s.Tables, reasons)
	}
	return s, "", nil
}

func (b *builder) lifecycle() (*Section, string, error) {
	t, err := b.table("lifecycle.sql", nil, b.t("lifecycle.table"), Column{"stage", b.t("col.stage"), Text},
		Column{"customers", b.t("col.customers"), Count}, Column{"declining", b.t("col.declining"), Count},
		Column{"revenue", b.t("col.revenue"), Money})
	if err != nil {
		return nil, "", err
	}
	if len(t.Rows) == 0 {
		return nil, b.t("why.no_buyers"), nil
	}
	return &Section{Intro: b.t("lifecycle.intro"), Tables: []Table{t}, Charts: []Chart{bars(b.t("lifecycle.chart"), t, 0, 1, false)}}, "", nil
}

func (b *builder) cohorts() (*Section, string, error) {
	cols := []Column{{"cohort", b.t("col.cohort"), Text}, {"customers", b.t("col.customers"), Count}}
	for _, m := range []string{"m1", "m2", "m3", "m6", "m12"} {
		cols = append(cols, Column{m, b.t("col." + m), Percent})
	}
	t, err := b.table("cohorts.sql", nil, b.t("cohorts.table"), cols...)
	if err != nil {
		return nil, "", err
	}
	if len(t.Rows) == 0 {
		return nil, b.t("why.no_cohorts"), nil
	}
	return &Section{Intro: b.t("cohorts.intro"), Tables: []Table{t}, Charts: []Chart{bars(b.t("cohorts.chart"), t, 0, 2, true)}}, "", nil
}

func (b *builder) service() (*Section, string, error) {
	stores, err := b.table("service_stores.sql", nil, b.t("service.stores"), Column{"store", b.t("col.store"), Text},
		Column{"name", b.t("col.name"), Text}, Column{"surveys", b.t("col.surveys"), Count}, Column{"csi", "CSI", Number},
		Column{"complaints", b.t("col.complaints"), Count}, Column{"complaint_rate_orders", b.t("col.per_100_orders"), Number},
		Column{"resolved_share", b.t("col.resolved"), Percent}, Column{"median_resolution_days", b.t("col.median_days"), Days})
	if err != nil {
		return nil, "", err
	}
	if len(stores.Rows) == 0 {
		return nil, b.t("why.no_surveys"), nil
	}
	people, err := b.table("service_consultants.sql", []any{b.minSurveys()}, b.t("service.employees"), Column{"employee", b.t("col.employee"), Text},
		Column{"name", b.t("col.name"), Text}, Column{"surveys", b.t("col.surveys"), Count}, Column{"csi", "CSI", Number},
		Column{"gap", b.t("col.gap"), Number})
	if err != nil {
		return nil, "", err
	}
	s := &Section{Intro: b.t("service.intro"), Tables: []Table{stores}, Charts: []Chart{bars(b.t("service.chart"), stores, 0, 3, false)}}
	if len(people.Rows) > 0 {
		s.Tables = append(s.Tables, people)
	}
	return s, "", nil
}

func (b *builder) minSurveys() int64 {
	if p, ok := b.opt.Config.Findings["low_satisfaction_store"]; ok && p["min_surveys"] > 0 {
		return int64(p["min_surveys"])
	}
	return 10
}

func (b *builder) campaigns() (*Section, string, error) {
	t, err := b.table("campaigns.sql", nil, b.t("campaigns.table"), Column{"campaign_id", b.t("col.campaign"), Text},
		Column{"campaign_name", b.t("col.name"), Text}, Column{"contacts", b.t("col.contacts"), Count},
		Column{"response_rate", b.t("col.response_rate"), Percent}, Column{"response_uplift", b.t("col.uplift"), Percent},
		Column{"response_uplift_low", b.t("col.low"), Percent}, Column{"response_uplift_high", b.t("col.high"), Percent},
		Column{"revenue", b.t("col.revenue"), Money}, Column{"roi", "ROI", Percent})
	if err != nil {
		return nil, "", err
	}
	if len(t.Rows) == 0 {
		return nil, b.t("why.no_campaigns"), nil
	}
	return &Section{Intro: b.t("campaigns.intro"), Tables: []Table{t}, Charts: []Chart{bars(b.t("campaigns.chart"), t, 0, 3, true)}}, "", nil
}

func (b *builder) modelHealth() (*Section, string, error) {
	t, err := b.table("model_health.sql", nil, b.t("model_health.table"), Column{"method", b.t("col.method"), Text},
		Column{"status", b.t("col.status"), Text}, Column{"customers", b.t("col.customers"), Count},
		Column{"metric", b.t("col.metric"), Number}, Column{"notes", b.t("col.notes"), Text})
	if err != nil {
		return nil, "", err
	}
	if len(t.Rows) == 0 {
		return nil, b.t("why.no_models"), nil
	}
	return &Section{Intro: b.t("model_health.intro"), Tables: []Table{t}, Charts: []Chart{bars(b.t("model_health.chart"), t, 0, 2, false)}}, "", nil
}
