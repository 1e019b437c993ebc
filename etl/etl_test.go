package etl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crmwh/crmwh/warehouse"
)

var loadDate = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// export is a small hand-made export: every table as CSV text.
type export map[string]string

// base is a valid export: two stores, two employees, two products, three customers, two orders.
func base() export {
	return export{
		"stores":    "store_id,name,city,region\nS1,Central,Wuhan,Central\nS2,East,Shanghai,East\n",
		"employees": "employee_id,name,role,store_id\nE1,Li Wei,sales consultant,S1\nE2,Wang Na,service technician,S2\n",
		"products": "product_id,name,category,brand,model,list_price,unit_cost,updated_at\n" +
			"P1,Phone,Phones,Lumo,P10,499.00,300.00,2025-01-01 00:00:00\nP2,Case,Phone Accessories,Lumo,P10 Case,19.00,5.00,2025-01-01 00:00:00\n",
		"customers": "customer_id,name,gender,birth_date,phone,email,city,region,customer_type,acquisition_channel,marketing_consent,created_at,updated_at\n" +
			"1,Chen Jie,F,1980-02-03,13000000001,a@example.com,Wuhan,Central,individual,walk-in,true,2025-01-05 10:00:00,2025-01-05 10:00:00\n" +
			"2,Zhao Min,M,,13000000002,b@example.com,Shanghai,East,individual,web,no,2025-02-05 10:00:00,\n" +
			"3,Gao Trading Co.,,,13000000003,c@example.com,Wuhan,Central,organization,referral,yes,2025-03-05 10:00:00,2025-03-05 10:00:00\n",
		"campaigns": "campaign_id,name,channel,start_date,end_date,cost\nC1,Spring,email,2025-03-01,2025-03-20,5000\n",
		"orders": "order_id,customer_id,store_id,employee_id,channel,order_ts,status\n" +
			"O1,1,S1,E1,store,2025-06-01 11:00:00,completed\nO2,2,,,web,2025-07-01 20:00:00,returned\n",
		"order_items": "order_id,line_number,product_id,quantity,unit_price,discount\n" +
			"O1,1,P1,1,499.00,0.1\nO1,2,P2,2,19.00,\nO2,1,P2,1,19.00,0\n",
		"interactions":      "interaction_id,customer_id,type,interaction_ts,outcome,employee_id\nI1,1,complaint,2025-06-05 09:00:00,unresolved,\nI2,2,service visit,2025-07-05 09:00:00,completed,E2\n",
		"surveys":           "survey_id,customer_id,survey_ts,expected_score,perceived_score\nV1,1,2025-06-03 12:00:00,8,6\n",
		"campaign_contacts": "campaign_id,customer_id,contacted_at,responded,order_id\nC1,3,2025-03-02 10:00:00,false,\n",
	}
}

func (e export) write(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range e {
		if err := os.WriteFile(filepath.Join(dir, name+".csv"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func openDB(t *testing.T) *warehouse.DB {
	t.Helper()
	db, err := warehouse.Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"), warehouse.Options{MemoryLimit: "512MB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func extractAndLoad(t *testing.T, e export) (*warehouse.DB, []LoadStats) {
	t.Helper()
	src := e.write(t)
	lake := t.TempDir()
	if _, err := ExtractCSV(context.Background(), src, lake, loadDate, CSVOptions{}, quiet); err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	stats, err := Load(context.Background(), db, lake, loadDate, "run-1")
	if err != nil {
		t.Fatal(err)
	}
	return db, stats
}

func TestValidExportLoadsWhole(t *testing.T) {
	db, stats := extractAndLoad(t, base())
	for _, s := range stats {
		if s.Rejected != 0 || s.Read != s.Loaded {
			t.Errorf("%s: read %d, loaded %d, rejected %d", s.Source, s.Read, s.Loaded, s.Rejected)
		}
	}
	var net, margin string
	if err := db.QueryRow("SELECT sum(net_amount)::VARCHAR, sum(margin_amount)::VARCHAR FROM fact_sales").Scan(&net, &margin); err != nil {
		t.Fatal(err)
	}
	// 499 * 0.9 + 2 * 19 + 19 = 506.10; costs 300 + 10 + 5
	if net != "506.10" || margin != "191.10" {
		t.Errorf("net %s, margin %s; want 506.10 and 191.10", net, margin)
	}
	var consent2, consent3 bool
	if err := db.QueryRow("SELECT bool_or(marketing_consent) FILTER (WHERE customer_id = '2'), bool_or(marketing_consent) FILTER (WHERE customer_id = '3') FROM dim_customer").Scan(&consent2, &consent3); err != nil {
		t.Fatal(err)
	}
	if consent2 || !consent3 {
		t.Errorf("consent 'no' -> %v, 'yes' -> %v", consent2, consent3)
	}
}

// rejectCase is one bad row added to a valid export, rejected for reason with a detail
// containing detail.
type rejectCase struct {
	name, table, row, reason, detail string
}

// Each case adds one bad row to a valid export and expects exactly that row rejected for the reason.
func TestRejectReasons(t *testing.T) {
	cases := []rejectCase{
		{"empty id", "customers", ",Nobody,,,,,,,individual,,true,2025-01-01 00:00:00,", "missing_required", "customer_id is empty"},
		{"bad created_at", "customers", "9,Late,,,,,,,individual,,true,2025-02-30 10:00:00,", "unparsable_date", `created_at "2025-02-30 10:00:00" is not a timestamp`},
		{"bad birth date", "customers", "9,Late,,31/12/1980,,,,,individual,,true,2025-02-03 10:00:00,", "unparsable_date", "birth_date"},
		{"bad consent", "customers", "9,Late,,,,,,,individual,,maybe,2025-02-03 10:00:00,", "invalid_value", "marketing_consent"},
		{"bad customer type", "customers", "9,Late,,,,,,,robot,,true,2025-02-03 10:00:00,", "invalid_value", "customer_type"},
		{"repeated customer", "customers", "1,Chen Jie again,F,,,,,,individual,,true,2025-01-05 10:00:00,", "duplicate_key", "repeats the key (customer_id) of source row 1"},
		{"too few fields", "customers", "9,Short", "malformed_row", "row has 2 fields, the header has 13"},
		{"negative price", "products", "P9,Bad,Phones,,,-1,0,", "invalid_value", "list_price"},
		{"price not a number", "products", "P9,Bad,Phones,,,cheap,0,", "invalid_number", "list_price"},
		{"unknown customer", "orders", "O9,77,,,web,2025-06-01 11:00:00,completed", "unknown_reference", `customer_id "77" is not a known customer`},
		{"unknown store", "orders", "O9,1,S9,,store,2025-06-01 11:00:00,completed", "unknown_reference", "store_id"},
		{"bad status", "orders", "O9,1,,,web,2025-06-01 11:00:00,lost", "invalid_value", "status"},
		{"empty order_ts", "orders", "O9,1,,,web,,completed", "missing_required", "order_ts is empty"},
		{"zero quantity", "order_items", "O1,3,P1,0,499.00,0", "invalid_quantity", "quantity 0 is not positive"},
		{"negative quantity", "order_items", "O1,3,P1,-2,499.00,0", "invalid_quantity", "quantity -2 is not positive"},
		{"fractional quantity", "order_items", "O1,3,P1,1.5,499.00,0", "invalid_number", "quantity"},
		{"discount out of range", "order_items", "O1,3,P1,1,499.00,1.5", "invalid_value", "discount"},
		{"unknown product", "order_items", "O1,3,P9,1,499.00,0", "unknown_reference", "product_id"},
		{"unknown order", "order_items", "O9,1,P1,1,499.00,0", "unknown_reference", "order_id"},
		{"repeated line", "order_items", "O1,2,P2,2,19.00,", "duplicate_key", "repeats the key (order_id, line_number)"},
		{"interaction for unknown customer", "interactions", "I9,77,call,2025-06-05 09:00:00,completed,", "unknown_reference", "customer_id"},
		{"interaction without type", "interactions", "I9,1,,2025-06-05 09:00:00,completed,", "missing_required", "type is empty"},
		{"survey expects zero", "surveys", "V9,1,2025-06-03 12:00:00,0,5", "invalid_value", "expected_score"},
		{"contact for unknown campaign", "campaign_contacts", "C9,1,2025-03-02 10:00:00,true,", "unknown_reference", "campaign_id"},
		{"campaign ends before it starts", "campaigns", "C9,Bad,sms,2025-03-10,2025-03-01,1", "invalid_value", "end_date"},
	}
	for i, tc := range append(cases, serviceRejects...) {
		t.Run(tc.name, func(t *testing.T) {
			e := base()
			if i >= len(cases) {
				e = withServiceColumns()
			}
			e[tc.table] += tc.row + "\n"
			db, stats := extractAndLoad(t, e)
			for _, s := range stats {
				want := int64(0)
				if s.Source == tc.table {
					want = 1
				}
				if s.Rejected != want || s.Read != s.Loaded+s.Rejected {
					t.Errorf("%s: read %d, loaded %d, rejected %d; want %d rejected", s.Source, s.Read, s.Loaded, s.Rejected, want)
				}
			}
			var reason, detail, raw string
			if err := db.QueryRow("SELECT reason, detail, raw_row::VARCHAR FROM ops.etl_rejects").Scan(&reason, &detail, &raw); err != nil {
				t.Fatal(err)
			}
			if reason != tc.reason || !strings.Contains(detail, tc.detail) {
				t.Errorf("rejected as %s (%s); want %s containing %q", reason, detail, tc.reason, tc.detail)
			}
			if !strings.Contains(raw, strings.Split(tc.row, ",")[1]) {
				t.Errorf("raw row %s does not hold the input %q", raw, tc.row)
			}
		})
	}
}

func TestExtractHeader(t *testing.T) {
	t.Run("case, order, BOM and extra columns", func(t *testing.T) {
		e := base()
		e["stores"] = "\ufeffRegion, NAME ,store_id,city,opened\nCentral,Central,S1,Wuhan,2001\nEast,East,S2,Shanghai,2003\n"
		src := e.write(t)
		ex, err := ExtractCSV(context.Background(), src, t.TempDir(), loadDate, CSVOptions{}, quiet)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ex {
			if x.Table == "stores" && (x.Rows != 2 || len(x.IgnoredColumns) != 1 || x.IgnoredColumns[0] != "opened") {
				t.Errorf("stores: %d rows, ignored %v", x.Rows, x.IgnoredColumns)
			}
		}
	})
	t.Run("missing contract column", func(t *testing.T) {
		e := base()
		e["orders"] = "order_id,customer_id,store_id,employee_id,order_ts,status\n"
		_, err := ExtractCSV(context.Background(), e.write(t), t.TempDir(), loadDate, CSVOptions{}, quiet)
		if err == nil || !strings.Contains(err.Error(), `column "channel"`) || !strings.Contains(err.Error(), "orders") {
			t.Fatalf("error = %v, want one naming orders and channel", err)
		}
	})
	t.Run("missing required table", func(t *testing.T) {
		e := base()
		delete(e, "order_items")
		_, err := ExtractCSV(context.Background(), e.write(t), t.TempDir(), loadDate, CSVOptions{}, quiet)
		if err == nil || !strings.Contains(err.Error(), "order_items.csv is missing") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("absent optional table loads as empty", func(t *testing.T) {
		e := base()
		delete(e, "surveys")
		delete(e, "campaign_contacts")
		db, stats := extractAndLoad(t, e)
		for _, s := range stats {
			if (s.Source == "surveys" || s.Source == "campaign_contacts") && s.Read != 0 {
				t.Errorf("%s read %d rows", s.Source, s.Read)
			}
		}
		var n int
		if err := db.QueryRow("SELECT count(*) FROM fact_survey").Scan(&n); err != nil || n != 0 {
			t.Errorf("fact_survey has %d rows (%v)", n, err)
		}
	})
}

func TestLandingPartitionIsImmutable(t *testing.T) {
	e := base()
	src := e.write(t)
	lake := t.TempDir()
	first, err := ExtractCSV(context.Background(), src, lake, loadDate, CSVOptions{}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	part := PartitionFile(lake, "orders", loadDate)
	info, err := os.Stat(part)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ExtractCSV(context.Background(), src, lake, loadDate, CSVOptions{}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	for i := range again {
		if !again[i].Reused || again[i].SHA256 != first[i].SHA256 {
			t.Errorf("%s: not reused on the same export", again[i].Table)
		}
	}
	if st, _ := os.Stat(part); !st.ModTime().Equal(info.ModTime()) {
		t.Error("the partition file was rewritten")
	}
	if err := os.WriteFile(filepath.Join(src, "orders.csv"), []byte(e["orders"]+"O3,1,,,web,2025-08-01 10:00:00,completed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ExtractCSV(context.Background(), src, lake, loadDate, CSVOptions{}, quiet)
	var conflict *PartitionConflict
	if !errors.As(err, &conflict) || conflict.Was != first[5].SHA256 || !strings.Contains(err.Error(), "--replace-export") {
		t.Fatalf("error = %v, want a refusal to overwrite that names --replace-export", err)
	}
	if matches, _ := filepath.Glob(filepath.Join(lake, "raw", "*", "*.tmp")); len(matches) != 0 {
		t.Errorf("temporary partitions left behind: %v", matches)
	}
	// Replacing is explicit; it replaces only the table whose export changed.
	replaced, err := ExtractCSV(context.Background(), src, lake, loadDate, CSVOptions{Replace: true}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range replaced {
		if x.Table == "orders" && (x.Reused || x.Replaced != first[5].SHA256 || x.Rows != 3) {
			t.Errorf("orders: reused %v, replaced %.12s, %d rows", x.Reused, x.Replaced, x.Rows)
		}
		if x.Table != "orders" && (!x.Reused || x.Replaced != "") {
			t.Errorf("%s: not reused", x.Table)
		}
	}
	if matches, _ := filepath.Glob(filepath.Join(lake, "raw", "*", "*.replaced")); len(matches) != 0 {
		t.Errorf("replaced partitions left behind: %v", matches)
	}
}

// A load that fails half-way leaves the warehouse as it was.
func TestFailedLoadChangesNothing(t *testing.T) {
	src := base().write(t)
	lake := t.TempDir()
	if _, err := ExtractCSV(context.Background(), src, lake, loadDate, CSVOptions{}, quiet); err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	if _, err := Load(context.Background(), db, lake, loadDate, "run-1"); err != nil {
		t.Fatal(err)
	}
	// A later date whose orders partition is corrupt: the load must fail and roll back.
	later := loadDate.AddDate(0, 0, 1)
	if _, err := ExtractCSV(context.Background(), src, lake, later, CSVOptions{}, quiet); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(PartitionFile(lake, "order_items", later), []byte("not parquet"), 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after int
	_ = db.QueryRow("SELECT (SELECT count(*) FROM dim_customer) + (SELECT count(*) FROM ops.load_audit) + (SELECT count(*) FROM fact_sales)").Scan(&before)
	if _, err := Load(context.Background(), db, lake, later, "run-2"); err == nil {
		t.Fatal("the load of a corrupt partition succeeded")
	}
	_ = db.QueryRow("SELECT (SELECT count(*) FROM dim_customer) + (SELECT count(*) FROM ops.load_audit) + (SELECT count(*) FROM fact_sales)").Scan(&after)
	if before != after || before == 0 {
		t.Errorf("rows before %d, after the failed load %d", before, after)
	}
}

// A later export in which an order was returned updates the status of its lines, and adds nothing.
func TestLaterStatusChangeUpdatesLines(t *testing.T) {
	e := base()
	src := e.write(t)
	lake := t.TempDir()
	db := openDB(t)
	if _, err := ExtractCSV(context.Background(), src, lake, loadDate, CSVOptions{}, quiet); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(context.Background(), db, lake, loadDate, "run-1"); err != nil {
		t.Fatal(err)
	}
	e["orders"] = strings.Replace(e["orders"], "2025-06-01 11:00:00,completed", "2025-06-01 11:00:00,returned", 1)
	src2 := e.write(t)
	later := loadDate.AddDate(0, 0, 1)
	if _, err := ExtractCSV(context.Background(), src2, lake, later, CSVOptions{}, quiet); err != nil {
		t.Fatal(err)
	}
	stats, err := Load(context.Background(), db, lake, later, "run-2")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stats {
		if s.Source == "order_items" && (s.Inserted != 0 || s.Updated != 2) {
			t.Errorf("order_items: inserted %d, updated %d; want 0 and 2 (the two lines of O1)", s.Inserted, s.Updated)
		}
	}
	var returned int
	if err := db.QueryRow("SELECT count(*) FROM fact_sales WHERE order_id = 'O1' AND order_status = 'returned'").Scan(&returned); err != nil {
		t.Fatal(err)
	}
	if returned != 2 {
		t.Errorf("%d lines of O1 are returned, want 2", returned)
	}
}

// A later export repeats every earlier line and brings new ones: a line added to an earlier order
// and a new order. The later load inserts exactly those (new_order_lines.sql finds them before
// its transaction), each with its order's keys, and loading that date again inserts nothing.
func TestLaterExportAddsOnlyNewLines(t *testing.T) {
	e := base()
	lake := t.TempDir()
	db := openDB(t)
	ctx := context.Background()
	load := func(e export, date time.Time, runID string) []LoadStats {
		t.Helper()
		if _, err := ExtractCSV(ctx, e.write(t), lake, date, CSVOptions{}, quiet); err != nil {
			t.Fatal(err)
		}
		stats, err := Load(ctx, db, lake, date, runID)
		if err != nil {
			t.Fatal(err)
		}
		return stats
	}
	load(e, loadDate, "run-1")
	e["orders"] += "O3,3,S2,E2,app,2025-08-01 09:30:00,completed\n"
	e["order_items"] += "O1,3,P2,1,19.00,0\nO3,1,P1,2,480.00,0\nO3,2,P2,1,19.00,0.5\n"
	later := loadDate.AddDate(0, 0, 1)
	for _, tc := range []struct {
		runID    string
		inserted int64
	}{{"run-2", 3}, {"run-3", 0}} {
		for _, s := range load(e, later, tc.runID) {
			if s.Source == "order_items" && s.Inserted != tc.inserted {
				t.Errorf("%s: order_items inserted %d, want %d", tc.runID, s.Inserted, tc.inserted)
			}
		}
	}
	// Every line once, with the keys of its order's customer, store and channel as the
	// dimensions hold them, and the net amount from the export's figures.
	rows, err := db.Query(`SELECT f.order_id, f.line_number, c.customer_id, coalesce(s.store_id, '-'), ch.channel, f.load_run_id, CAST(f.net_amount AS VARCHAR)
		FROM fact_sales AS f JOIN dim_customer AS c USING (customer_key) LEFT JOIN dim_store AS s ON s.store_key = f.store_key AND f.store_key <> 0
		JOIN dim_channel AS ch USING (channel_key) ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var order, customer, store, channel, run, net string
		var line int
		if err := rows.Scan(&order, &line, &customer, &store, &channel, &run, &net); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s/%d %s %s %s %s %s", order, line, customer, store, channel, run, net))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"O1/1 1 S1 store run-1 449.10", "O1/2 1 S1 store run-1 38.00", "O1/3 1 S1 store run-2 19.00",
		"O2/1 2 - web run-1 19.00",
		"O3/1 3 S2 app run-2 960.00", "O3/2 3 S2 app run-2 9.50",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("fact_sales:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
