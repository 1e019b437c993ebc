package report

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/warehouse"
)

// customers inserts n published customers with the given extra columns and values (SQL).
func customers(n int, from int, cols, vals string) string {
	return `INSERT INTO scores.customer_scores (run_id, as_of, customer_id, customer_key, frequency, monetary` + cols + `)
		SELECT 'r', DATE '2026-06-30', 'c' || (i + ` + strconv.Itoa(from) + `), i + ` + strconv.Itoa(from) + `, 1, 100` + vals + ` FROM range(` + strconv.Itoa(n) + `) t(i);`
}

const base = `INSERT INTO scores.customer_scores (run_id, as_of, customer_id, customer_key, frequency, monetary) VALUES ('r', DATE '2026-06-30', 'base', 0, 0, 0);`

// Each finding rule on data where it holds (it says its sentence) and where it does not (silent).
func TestFindingRules(t *testing.T) {
	vip := func(n int) string {
		return customers(n, 100, ", clv_quadrant, churn_risk, clv, churn_reason",
			", 'vip', 'high', 100.0, 'days since the last purchase 200 > 105.5; service visits in a year 0 <= 0.5'")
	}
	history := `INSERT INTO scores.score_history_dates VALUES (DATE '2026-05-31', 'r0'), (DATE '2026-06-30', 'r');
		INSERT INTO scores.customer_score_history SELECT 'c' || (i + 100), s, v, DATE '2026-05-31', NULL
		FROM range(5) t(i), (VALUES ('customer_key', '1'), ('clv_quadrant', 'vip'), ('churn_risk', 'high')) AS x(s, v);`
	cases := []struct {
		rule, compare string
		holds, fails  string
		want          string
	}{
		{"vip_churn_risk", "", vip(12), vip(9), `12 VIP customers are at high churn risk (CLV at stake ¥1200); the most common reason is "days since the last purchase >"`},
		{"vip_churn_risk", "2026-05-31", vip(12) + history, vip(5) + history, "VIP customers at high churn risk rose from 5 to 12 since 2026-05-31"},
		{"lost_top_customers", "", customers(11, 0, ", abc_class, churn_risk, clv_historical, lost_since", ", 'A', 'lost', 50.0, DATE '2026-06-01'"),
			customers(9, 0, ", abc_class, churn_risk", ", 'A', 'lost'") + customers(5, 50, ", abc_class, churn_risk", ", 'B', 'lost'"),
			"11 class-A customers are lost; they had brought ¥550 of margin"},
		{"low_satisfaction_store", "", `INSERT INTO scores.satisfaction_summary VALUES ('r', '2026-06-30', 'total', 'all', 'All', 'all', 100, 0.95, -0.2, 400, 0.25),
				('r', '2026-06-30', 'store', 'S1', 'North', 'all', 40, 0.8, -1.5, 100, 0.4)`,
			`INSERT INTO scores.satisfaction_summary VALUES ('r', '2026-06-30', 'total', 'all', 'All', 'all', 100, 0.95, -0.2, 400, 0.25),
				('r', '2026-06-30', 'store', 'S1', 'North', 'all', 20, 0.8, -1.5, 100, 0.2), ('r', '2026-06-30', 'store', 'S2', 'South', 'all', 80, 0.9, -0.5, 100, 0.8)`,
			"Satisfaction is below 0.85 at S1 North: CSI 0.800 on 40 surveys (all customers 0.950)"},
		{"complaint_hotspot", "", `INSERT INTO scores.complaint_summary VALUES ('r', '2026-06-30', 'total', 'all', 'All', 'all', 50, 100, 1000, 50, 5, 0.7, 3, 2),
				('r', '2026-06-30', 'store', 'S1', 'North', 'all', 12, 20, 100, 60, 12, 0.5, 4, 1)`,
			`INSERT INTO scores.complaint_summary VALUES ('r', '2026-06-30', 'total', 'all', 'All', 'all', 50, 100, 1000, 50, 5, 0.7, 3, 2),
				('r', '2026-06-30', 'store', 'S1', 'North', 'all', 8, 20, 100, 40, 8, 0.5, 4, 1)`,
			"S1 North draws 12.0 complaints per 100 orders (12), 2.4 times the average"},
		{"unresolved_complaints", "", `INSERT INTO scores.care_lists SELECT 'r', DATE '2026-06-30', 'unresolved-complaints', 'c' || i, DATE '2026-06-01', -29 - i, 'open' FROM range(10) t(i)`,
			`INSERT INTO scores.care_lists SELECT 'r', DATE '2026-06-30', 'unresolved-complaints', 'c' || i, DATE '2026-06-01', -29, 'open' FROM range(9) t(i)`,
			"10 customers have a complaint left unresolved (the oldest open for 38 days)"},
		{"declining", "", customers(2, 0, ", decline_warning", ", true") + customers(8, 10, ", decline_warning", ", false"),
			customers(10, 10, ", decline_warning", ", false"), "2 customers (20.0% of the buyers) spend sharply less"},
		{"spurious_loyalty", "", customers(4, 0, ", loyalty_type", ", 'spurious'") + customers(6, 10, ", loyalty_type", ", 'loyal'"),
			customers(1, 0, ", loyalty_type", ", 'spurious'") + customers(9, 10, ", loyalty_type", ", 'loyal'"), "40.0% of the repeat buyers are not satisfied (spurious loyalty: 4 customers)"},
		{"campaign_without_effect", "", `INSERT INTO scores.campaign_effectiveness (run_id, as_of, campaign_id, campaign_name, start_date, contacts, responses, orders, revenue, margin,
				has_control, control_customers, response_uplift, response_uplift_low, response_uplift_high, evaluation)
				VALUES ('r', '2026-06-30', 'CMP1', 'Spring', '2026-03-01', 100, 10, 10, 1000, 300, true, 100, 0.005, -0.01, 0.02, 'x')`,
			`INSERT INTO scores.campaign_effectiveness (run_id, as_of, campaign_id, campaign_name, start_date, contacts, responses, orders, revenue, margin,
				has_control, control_customers, response_uplift, response_uplift_low, response_uplift_high, evaluation)
				VALUES ('r', '2026-06-30', 'CMP1', 'Spring', '2026-03-01', 100, 10, 10, 1000, 300, true, 100, 0.05, 0.01, 0.09, 'x')`,
			"CMP1 Spring: response uplift +0.5 points [-1.0, +2.0]"},
		{"concentration", "", `INSERT INTO scores.customer_scores (run_id, as_of, customer_id, customer_key, frequency, monetary)
				SELECT 'r', DATE '2026-06-30', 'c' || i, i, 1, CASE WHEN i = 0 THEN 900 ELSE 10 END FROM range(10) t(i)`,
			`INSERT INTO scores.customer_scores (run_id, as_of, customer_id, customer_key, frequency, monetary)
				SELECT 'r', DATE '2026-06-30', 'c' || i, i, 1, 10 FROM range(10) t(i)`,
			"The top 20% of the customers make 91.9% of the revenue"},
	}
	for _, tc := range cases {
		t.Run(tc.rule+tc.compare, func(t *testing.T) {
			for _, holds := range []bool{true, false} {
				setup := tc.fails
				if holds {
					setup = tc.holds
				}
				r := build(t, base+setup, tc.compare, map[string]map[string]float64{tc.rule: {}})
				var got []string
				for _, f := range r.Findings {
					got = append(got, f.Text)
				}
				if holds && (len(got) != 1 || !strings.Contains(got[0], tc.want)) {
					t.Errorf("where it holds: %q, want %q", got, tc.want)
				}
				if !holds && len(got) != 0 {
					t.Errorf("where it does not hold: %q", got)
				}
			}
		})
	}
}

// build opens an empty warehouse, runs setup and builds the report with the given rules.
func build(t *testing.T, setup, compare string, rules map[string]map[string]float64) *Report {
	t.Helper()
	ctx := context.Background()
	db, err := warehouse.Open(ctx, "", warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, setup); err != nil {
		t.Fatal(err)
	}
	opt := Options{Language: "en", Config: configs.Report{Currency: "¥", Findings: rules}}
	if compare != "" {
		opt.Compare, _ = time.Parse(time.DateOnly, compare)
	}
	r, err := Build(ctx, db, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Without a comparison date the migration section is left out and says why; sections without
// data are left out too; an unknown rule or threshold is an error naming it.
func TestOmissionsAndConfig(t *testing.T) {
	r := build(t, base+customers(10, 0, ", rfm_segment, rfm_segment_label, abc_class", ", 'general_develop', 'General develop', 'C'"), "", nil)
	why := map[string]string{}
	for _, o := range r.Omitted {
		why[o.Key] = o.Reason
	}
	if why["migration"] != "no comparison date was given (--compare D0)" || why["service"] == "" || why["campaigns"] == "" {
		t.Errorf("left out: %v", why)
	}
	if len(r.Sections) == 0 || r.Sections[0].Key != "concentration" {
		t.Errorf("sections %v", r.Sections)
	}
	ctx := context.Background()
	db, err := warehouse.Open(ctx, "", warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, base); err != nil {
		t.Fatal(err)
	}
	for rules, want := range map[string]map[string]map[string]float64{
		"no such rule":      {"vip_churn": {}},
		"no such threshold": {"declining": {"max_share": 1}},
	} {
		if _, err := Build(ctx, db, Options{Config: configs.Report{Findings: want}}); err == nil || !strings.Contains(err.Error(), rules) {
			t.Errorf("%v: error %v, want %q", want, err, rules)
		}
	}
	r = build(t, base, "2026-01-31", nil)
	for _, o := range r.Omitted {
		if o.Key == "migration" && !strings.Contains(o.Reason, "before the score history begins") {
			t.Errorf("a date before the history: %s", o.Reason)
		}
	}
}

// The workbook has the findings sheet and one sheet per section, numbers as numbers and charts.
func TestXLSX(t *testing.T) {
	r := build(t, base+customers(10, 0, ", rfm_segment, rfm_segment_label, abc_class, clv_quadrant, clv, tier, tier_label, tier_rank",
		", 'general_develop', 'General develop', 'C', 'grow', 10.0, 'regular', 'Regular', 4"), "", nil)
	var b bytes.Buffer
	if err := WriteXLSX(&b, r); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := len(f.GetSheetList()), 1+len(r.Sections); got != want {
		t.Errorf("%d sheets %v, want %d", got, f.GetSheetList(), want)
	}
	charts := 0
	for _, s := range r.Sections {
		charts += len(s.Charts)
	}
	if charts == 0 {
		t.Error("no chart in the report")
	}
	v, err := f.GetCellValue(sheetName(phrase("en", "concentration"), nil), "B8")
	if err != nil || v != "2" {
		t.Errorf("concentration B8 = %q (%v), want the top 20%%: 2 customers", v, err)
	}
}
