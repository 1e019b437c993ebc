package mining

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/warehouse"
)

// serviceStar is a star schema small enough to work out by hand: four customers (3 referred by 1,
// 4 by 3), two stores with a seller each and online orders, three surveys, three complaints,
// service visits and appointments. The as-of date is 2026-06-30.
const serviceStar = `
INSERT INTO dim_store VALUES (0, '', '(none)', NULL, NULL), (1, 'S1', 'North', 'Wuhan', 'Central'), (2, 'S2', 'South', 'Xiamen', 'South');
INSERT INTO dim_employee VALUES (0, '', '(none)', NULL, 0, NULL), (1, 'E1', 'Li', 'sales consultant', 1, 'S1'), (2, 'E2', 'Wang', 'sales consultant', 2, 'S2');
INSERT INTO dim_channel VALUES (1, 'store'), (2, 'web');
INSERT INTO dim_product (product_key, product_id, name, category, list_price, unit_cost, updated_at, valid_from, valid_to, is_current, version, load_run_id) VALUES
    (1, 'P1', 'Phone', 'Phones', 1000, 600, '2025-01-01', '1900-01-01', '9999-12-31', true, 1, 'r'),
    (2, 'P2', 'Case', 'Cases', 50, 10, '2025-01-01', '1900-01-01', '9999-12-31', true, 1, 'r');
INSERT INTO dim_customer (customer_key, customer_id, name, birth_date, customer_type, marketing_consent, created_at, updated_at,
    valid_from, valid_to, is_current, version, load_run_id, referred_by) VALUES
    (1, '1', 'A', '1980-07-05', 'individual', true, '2025-01-01 10:00:00', '2025-01-01', '1900-01-01', '9999-12-31', true, 1, 'r', NULL),
    (2, '2', 'B', '2000-02-29', 'individual', true, '2025-03-01 10:00:00', '2025-03-01', '1900-01-01', '9999-12-31', true, 1, 'r', NULL),
    (3, '3', 'C', NULL, 'individual', true, '2025-06-01 10:00:00', '2025-06-01', '1900-01-01', '9999-12-31', true, 1, 'r', '1'),
    (4, '4', 'D', NULL, 'individual', true, '2026-01-01 10:00:00', '2026-01-01', '1900-01-01', '9999-12-31', true, 1, 'r', '3');
INSERT INTO fact_sales (order_id, line_number, date_key, customer_key, product_key, store_key, employee_key, channel_key, order_ts, order_status,
    quantity, unit_price, discount, gross_amount, net_amount, cost_amount, margin_amount, load_run_id) VALUES
    ('O1', 1, 20250710, 1, 1, 1, 1, 1, '2025-07-10 10:00:00', 'completed', 1, 900, 0, 900, 900, 600, 300, 'r'),
    ('O1', 2, 20250710, 1, 2, 1, 1, 1, '2025-07-10 10:00:00', 'completed', 1, 55.56, 0.1, 55.56, 50, 10, 40, 'r'),
    ('O2', 1, 20260601, 1, 2, 1, 1, 1, '2026-06-01 10:00:00', 'completed', 2, 50, 0, 100, 100, 20, 80, 'r'),
    ('O3', 1, 20260501, 2, 1, 0, 0, 2, '2026-05-01 10:00:00', 'completed', 1, 500, 0, 500, 500, 300, 200, 'r'),
    ('O4', 1, 20251201, 3, 2, 2, 2, 1, '2025-12-01 10:00:00', 'completed', 1, 40, 0, 40, 40, 10, 30, 'r'),
    ('O5', 1, 20260201, 3, 2, 2, 2, 1, '2026-02-01 10:00:00', 'returned', 1, 60, 0, 60, 60, 10, 50, 'r'),
    ('O6', 1, 20260620, 4, 1, 2, 2, 1, '2026-06-20 10:00:00', 'completed', 1, 1250, 0.2, 1250, 1000, 600, 400, 'r');
INSERT INTO fact_survey (survey_id, date_key, customer_key, survey_ts, expected_score, perceived_score, satisfaction, load_run_id, store_key, employee_key, order_id) VALUES
    ('V1', 20250712, 1, '2025-07-12 10:00:00', 8, 6, 0.75, 'r', 1, 1, 'O1'),
    ('V2', 20260503, 2, '2026-05-03 10:00:00', 8, 9, 1.125, 'r', 0, 0, 'O3'),
    ('V3', 20251203, 3, '2025-12-03 10:00:00', 10, 9, 0.9, 'r', 2, 2, 'O4');
INSERT INTO fact_interaction (interaction_id, date_key, customer_key, employee_key, interaction_type, interaction_ts, outcome, load_run_id, category, resolved_at) VALUES
    ('K1', 20250715, 1, 0, 'complaint', '2025-07-15 00:00:00', 'resolved', 'r', 'delivery', '2025-07-17 12:00:00'),
    ('K2', 20260203, 3, 0, 'complaint', '2026-02-03 09:00:00', 'unresolved', 'r', 'product', NULL),
    ('K3', 20260625, 3, 0, 'complaint', '2026-06-25 09:00:00', 'unresolved', 'r', 'price', NULL),
    ('S1', 20250625, 1, 0, 'service visit', '2025-06-25 09:00:00', 'completed', 'r', NULL, NULL),
    ('A1', 20260620, 2, 0, 'appointment', '2026-06-20 09:00:00', 'no-show', 'r', NULL, NULL),
    ('A2', 20260610, 4, 0, 'appointment', '2026-06-10 09:00:00', 'no-show', 'r', NULL, NULL),
    ('S2', 20260615, 4, 0, 'service visit', '2026-06-15 09:00:00', 'completed', 'r', NULL, NULL);
`

var serviceAsOf = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)

func serviceConn(t *testing.T) *sql.Conn {
	t.Helper()
	conn := emptyConn(t)
	if _, err := conn.ExecContext(context.Background(), serviceStar); err != nil {
		t.Fatal(err)
	}
	// the run's mining input, as the jobs build it before the first method
	if err := PrepareWarehouse(context.Background(), conn, serviceAsOf, defaults(t).PurchaseStatuses); err != nil {
		t.Fatal(err)
	}
	return conn
}

// rowText reads query's rows as "a|b|c" lines (NULL as ∅, floats to 4 places).
func rowText(t *testing.T, conn *sql.Conn, query string) []string {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals, ptrs := warehouse.ScanTargets(len(cols))
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		line := ""
		for i, v := range vals {
			if i > 0 {
				line += "|"
			}
			switch x := v.(type) {
			case nil:
				line += "∅"
			case float64:
				line += fmt.Sprintf("%.4f", x)
			default:
				line += fmt.Sprint(x)
			}
		}
		out = append(out, line)
	}
	return out
}

func TestServiceByHand(t *testing.T) {
	conn := serviceConn(t)
	cfg := defaults(t)
	fit, err := Service(context.Background(), conn, cfg.Service, cfg.Churn.HorizonDays, "en", serviceAsOf)
	if err != nil {
		t.Fatal(err)
	}
	if fit.Surveys != 3 || fit.Complaints != 3 {
		t.Errorf("surveys %d, complaints %d; want 3 and 3", fit.Surveys, fit.Complaints)
	}
	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"satisfaction by store",
			`SELECT member, member_name, surveys, csi, gap, orders, response_rate FROM satisfaction_summary_result WHERE dimension = 'store' AND period = 'all' ORDER BY member`,
			// S1: V1 (6/8) of orders O1, O2; S2: V3 (9/10) of O4, O5, O6; online: V2 (9/8) of O3.
			[]string{"(none)|(none)|1|1.1250|1.0000|1|1.0000", "S1|North|1|0.7500|-2.0000|2|0.5000", "S2|South|1|0.9000|-1.0000|3|0.3333"}},
		{"satisfaction in total, by month, by category",
			`SELECT dimension, member, period, surveys, csi FROM satisfaction_summary_result WHERE dimension IN ('total', 'category') ORDER BY ALL`,
			[]string{"category|Cases|2025-12|1|0.9000", "category|Cases|all|1|0.9000",
				"category|Phones|2025-07|1|0.7500", "category|Phones|2026-05|1|1.1250", "category|Phones|all|2|0.9375",
				"total|all|2025-07|1|0.7500", "total|all|2025-12|1|0.9000", "total|all|2026-05|1|1.1250", "total|all|all|3|0.9250"}},
		{"complaints by store",
			// K1 belongs to O1 (S1); K2 and K3 to C's latest order before them, O5 (S2, returned).
			`SELECT member, complaints, customers, orders, complaint_rate, complaint_rate_orders, resolved_share, median_resolution_days, repeat_complainers
				FROM complaint_summary_result WHERE dimension = 'store' AND period = 'all' ORDER BY member`,
			[]string{"S1|1|1|2|100.0000|50.0000|1.0000|2.5000|0", "S2|2|2|3|100.0000|66.6667|0.0000|∅|1"}},
		{"complaints by topic, against every order",
			`SELECT member, complaints, customers, orders, complaint_rate_orders FROM complaint_summary_result WHERE dimension = 'topic' AND period = 'all' ORDER BY member`,
			[]string{"delivery|1|4|6|16.6667", "price|1|4|6|16.6667", "product|1|4|6|16.6667"}},
		{"the satisfaction -> loyalty link",
			// V1 (band 0) and V3 (band 1) are old enough: no completed order within 180 days after
			// either. V2 is too recent. C (band 1, unresolved complaints) is lost: no purchase since
			// 2025-12-01, more than 180 days.
			`SELECT analysis, grp, customers, lost, churn_rate, surveys, repurchased, repurchase_rate FROM service_outcomes_result ORDER BY analysis, sort`,
			[]string{"complaints|unresolved|1|1|1.0000|∅|∅|∅", "complaints|resolved|1|0|0.0000|∅|∅|∅", "complaints|none|2|0|0.0000|∅|∅|∅",
				"satisfaction_band|<0.80|1|0|0.0000|1|0|0.0000", "satisfaction_band|0.80-0.95|1|1|1.0000|1|0|0.0000",
				"satisfaction_band|0.95-1.05|0|0|∅|0|0|∅", "satisfaction_band|>=1.05|1|0|0.0000|0|0|∅"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := rowText(t, conn, tc.query); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got\n%v\nwant\n%v", got, tc.want)
			}
		})
	}
}

func TestLoyaltyByHand(t *testing.T) {
	conn := serviceConn(t)
	cfg := defaults(t)
	tiers := configs.Tiers{Basis: "spend", Levels: []configs.Tier{{Name: "gold", MinSpend: 1000}, {Name: "silver", MinSpend: 500}, {Name: "basic"}}}
	fit, err := Loyalty(context.Background(), conn, cfg.Loyalty, tiers, cfg.PurchaseStatuses, serviceAsOf)
	if err != nil {
		t.Fatal(err)
	}
	if fit.Customers != 4 || fit.Buyers != 4 {
		t.Errorf("customers %d, buyers %d", fit.Customers, fit.Buyers)
	}
	// A: 2 orders in the year, 545 days a customer, referred C, last bought 29 days ago, 50 of
	// 1,050 bought at a discount. The weights are 0.35, 0.15, 0.15, 0.2, 0.15.
	indexA := 100 * (0.35*2.0/6 + 0.15*545.0/1095 + 0.15*1.0/3 + 0.2*(1-29.0/365) + 0.15*(1-50.0/1050))
	// D: 1 order, 180 days, no referral, 10 days ago, all of it at a discount.
	indexD := 100 * (0.35*1.0/6 + 0.15*180.0/1095 + 0 + 0.2*(1-10.0/365) + 0)
	want := []string{
		// A: dissatisfied (0.75) repeat buyer; network C and D (40 + 1,000).
		fmt.Sprintf("1|2|1050|29|0.0476|1|2|1040|%.4f|spurious|gold|1", math.Round(indexA*10)/10),
		// B: delighted (1.125), one order: latent. C: 0.9, one completed order (O5 was returned): none.
		"2|1|500|60|0.0000|0|0|0|" + fmt.Sprintf("%.4f", math.Round(100*(0.35/6+0.15*486.0/1095+0.2*(1-60.0/365)+0.15)*10)/10) + "|latent|silver|2",
		"3|1|40|211|0.0000|1|1|1000|" + fmt.Sprintf("%.4f", math.Round(100*(0.35/6+0.15*394.0/1095+0.15/3+0.2*(1-211.0/365)+0.15)*10)/10) + "|none|basic|3",
		fmt.Sprintf("4|1|1000|10|1.0000|0|0|0|%.4f|none|gold|1", math.Round(indexD*10)/10),
	}
	got := rowText(t, conn, `SELECT customer_id, orders_12m, spend_12m, recency_days, discount_share, referrals, referred_customers, referred_revenue,
		loyalty_index, loyalty_type, tier, tier_rank FROM loyalty_result ORDER BY customer_id`)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got\n%v\nwant\n%v", got, want)
	}
}

func TestCareListsByHand(t *testing.T) {
	conn := serviceConn(t)
	cfg := defaults(t)
	for _, tc := range []struct {
		language string
		want     []string
	}{
		{"en", []string{
			"anniversaries|1|2026-07-10|10|1 year since the first purchase (2025-07-10) on 2026-07-10",
			"birthdays|1|2026-07-05|5|Birthday on 2026-07-05 (turns 46)",
			"missed-appointments|2|2026-06-20|-10|Missed the appointment of 2026-06-20; not seen since",
			"service-due|1|2026-06-25|-5|Last service visit 2025-06-25 (370 days ago; interval 365 days)",
			"unresolved-complaints|3|2026-02-03|-147|Complaint about product open since 2026-02-03 (147 days)",
		}},
		{"zh", []string{
			"anniversaries|1|2026-07-10|10|首次购买 1 周年（2025-07-10）",
			"birthdays|1|2026-07-05|5|生日 2026-07-05（46 岁）",
			"missed-appointments|2|2026-06-20|-10|2026-06-20 预约未到，之后未再到店",
			"service-due|1|2026-06-25|-5|上次保养 2025-06-25（370 天前，周期 365 天）",
			"unresolved-complaints|3|2026-02-03|-147|投诉（产品）自 2026-02-03 未解决（147 天）",
		}},
	} {
		t.Run(tc.language, func(t *testing.T) {
			fit, err := Care(context.Background(), conn, cfg.Care, tc.language, serviceAsOf)
			if err != nil {
				t.Fatal(err)
			}
			if len(fit.Lists) != 5 {
				t.Errorf("lists %v", fit.Lists)
			}
			got := rowText(t, conn, `SELECT list, customer_id, strftime(due_date, '%Y-%m-%d'), days, reason FROM care_lists_result ORDER BY list, customer_id`)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got\n%v\nwant\n%v", got, tc.want)
			}
		})
	}
}

func TestBandNames(t *testing.T) {
	for _, tc := range []struct {
		bounds   []float64
		language string
		want     string
	}{
		{[]float64{0.8, 0.95, 1.05}, "en", "[{<0.80 very dissatisfied (<0.80)} {0.80-0.95 dissatisfied (0.80-0.95)} {0.95-1.05 satisfied (0.95-1.05)} {>=1.05 delighted (>=1.05)}]"},
		{[]float64{0.8, 0.95, 1.05}, "zh", "[{<0.80 很不满意 (<0.80)} {0.80-0.95 不满意 (0.80-0.95)} {0.95-1.05 满意 (0.95-1.05)} {>=1.05 非常满意 (>=1.05)}]"},
		{[]float64{1}, "en", "[{<1.00 <1.00} {>=1.00 >=1.00}]"},
	} {
		if got := fmt.Sprint(bandNames(tc.bounds, tc.language)); got != tc.want {
			t.Errorf("bandNames(%v, %s) = %s, want %s", tc.bounds, tc.language, got, tc.want)
		}
	}
}
