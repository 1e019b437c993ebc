package mining

import (
	"context"
	"slices"
	"testing"

	"github.com/crmwh/crmwh/configs"
)

// basketStar adds to serviceStar what the baskets must see through: a second version of
// customer 1 (key 5) and an old version of product P1 (key 4), both with a purchase (O7), a
// product P3 in P2's category, an order after the as-of date (O8) and a cancelled one (O9).
const basketStar = `
INSERT INTO dim_product (product_key, product_id, name, category, list_price, unit_cost, updated_at, valid_from, valid_to, is_current, version, load_run_id) VALUES
    (3, 'P3', 'Charger', 'Cases', 30, 5, '2025-01-01', '1900-01-01', '9999-12-31', true, 1, 'r'),
    (4, 'P1', 'Phone (old)', 'Phones', 900, 600, '2024-01-01', '1900-01-01', '2025-01-01', false, 0, 'r');
INSERT INTO dim_customer (customer_key, customer_id, name, birth_date, customer_type, marketing_consent, created_at, updated_at,
    valid_from, valid_to, is_current, version, load_run_id, referred_by) VALUES
    (5, '1', 'A', '1980-07-05', 'individual', true, '2025-01-01 10:00:00', '2026-06-01', '2026-06-01', '9999-12-31', true, 2, 'r', NULL);
INSERT INTO fact_sales (order_id, line_number, date_key, customer_key, product_key, store_key, employee_key, channel_key, order_ts, order_status,
    quantity, unit_price, discount, gross_amount, net_amount, cost_amount, margin_amount, load_run_id) VALUES
    ('O7', 1, 20260625, 5, 4, 1, 1, 1, '2026-06-25 10:00:00', 'completed', 1, 900, 0, 900, 900, 600, 300, 'r'),
    ('O7', 2, 20260625, 5, 3, 1, 1, 1, '2026-06-25 10:00:00', 'completed', 1, 30, 0, 30, 30, 5, 25, 'r'),
    ('O8', 1, 20260705, 2, 3, 1, 1, 1, '2026-07-05 10:00:00', 'completed', 1, 30, 0, 30, 30, 5, 25, 'r'),
    ('O9', 1, 20260610, 4, 2, 2, 2, 1, '2026-06-10 10:00:00', 'cancelled', 1, 50, 0, 50, 50, 10, 40, 'r');
`

// TestOrderBasketsByHand checks the baskets, items and owned items PrepareOrderBaskets builds,
// for both kinds of basket and both item levels, against the star above worked out by hand:
// all versions of a customer and of a product are one, only purchases up to the as-of date count
// (a return blocks an item, a cancelled order counts for nothing), baskets are numbered in order
// id or customer id order and items in their id (or category) order.
func TestOrderBasketsByHand(t *testing.T) {
	ctx := context.Background()
	// Purchases to 2026-06-30: O1 {P1, P2} and O2 {P2} of customer 1, O3 {P1} of 2, O4 {P2} of 3
	// (O5 returned), O6 {P1} of 4, O7 {P1 (old version), P3} of 1 (new version).
	owned := []string{ // customer|item|basis|blocked, items P1=0 P2=1 P3=2; blocked: bought since 06-01 or returned
		"1|0|true|true", "1|1|true|true", "1|2|true|true",
		"2|0|true|false",
		"3|1|true|true",
		"4|0|true|true",
	}
	cases := []struct {
		name         string
		assoc        configs.Assoc
		items        []string // item_id|item|label
		baskets      []string // basket_id|item_id
		checkOwnedAs []string
	}{
		{"orders of products", configs.Assoc{Basket: "order", Level: "product", ExcludeBoughtDays: 30},
			[]string{"0|P1|Phone", "1|P2|Case", "2|P3|Charger"},
			// O1=1, O2=2, O3=3, O4=4, O6=5, O7=6
			[]string{"1|0", "1|1", "2|1", "3|0", "4|1", "5|0", "6|0", "6|2"}, owned},
		{"orders of categories", configs.Assoc{Basket: "order", Level: "category", ExcludeBoughtDays: 30},
			[]string{"0|Cases|Cases", "1|Phones|Phones"},
			[]string{"1|0", "1|1", "2|0", "3|1", "4|0", "5|1", "6|0", "6|1"},
			[]string{"1|0|true|true", "1|1|true|true", "2|1|true|false", "3|0|true|true", "4|1|true|true"}},
		// 60 days up to 2026-06-30 start on 05-02: O2, O6 and O7 (O3 of 05-01 is out); customer
		// 1 is one basket across both versions.
		{"customers' products over 60 days", configs.Assoc{Basket: "customer", WindowDays: 60, Level: "product"},
			[]string{"0|P1|Phone", "1|P2|Case", "2|P3|Charger"},
			[]string{"1|0", "1|1", "1|2", "2|0"},
			// ever bought: every bought item is blocked
			[]string{"1|0|true|true", "1|1|true|true", "1|2|true|true", "2|0|true|true", "3|1|true|true", "4|0|true|true"}},
		{"customers' categories over 60 days", configs.Assoc{Basket: "customer", WindowDays: 60, Level: "category"},
			[]string{"0|Cases|Cases", "1|Phones|Phones"},
			[]string{"1|0", "1|1", "2|1"},
			[]string{"1|0|true|true", "1|1|true|true", "2|1|true|true", "3|0|true|true", "4|1|true|true"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn := emptyConn(t)
			if _, err := conn.ExecContext(ctx, serviceStar+basketStar); err != nil {
				t.Fatal(err)
			}
			if err := PrepareOrderBaskets(ctx, conn, tc.assoc, []string{"completed"}, serviceAsOf); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				what, query string
				want        []string
			}{
				{"items", "SELECT item_id, item, label FROM " + Temp.AssocItems + " ORDER BY item_id", tc.items},
				{"baskets", "SELECT basket_id, item_id FROM " + Temp.AssocBaskets + " ORDER BY ALL", tc.baskets},
				{"owned", "SELECT customer_id, item_id, basis, blocked FROM " + Temp.AssocOwned + " ORDER BY ALL", tc.checkOwnedAs},
			} {
				if got := rowText(t, conn, c.query); !slices.Equal(got, c.want) {
					t.Errorf("%s:\n got %q\nwant %q", c.what, got, c.want)
				}
			}
			// what the job leaves besides its three tables: nothing
			left := rowText(t, conn, "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE 'assoc%' ORDER BY 1")
			if want := []string{Temp.AssocBaskets, Temp.AssocItems, Temp.AssocOwned}; !slices.Equal(left, want) {
				t.Errorf("temp tables left: %q, want %q", left, want)
			}
		})
	}
}
