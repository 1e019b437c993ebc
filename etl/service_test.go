package etl

import (
	"context"
	"strings"
	"testing"
)

// withServiceColumns is base() with the optional customer-relations columns: who referred a
// customer, what a survey is about, a complaint's topic and resolution time.
func withServiceColumns() export {
	e := base()
	e["customers"] = "customer_id,name,gender,birth_date,phone,email,city,region,customer_type,acquisition_channel,marketing_consent,created_at,updated_at,referred_by\n" +
		"1,Chen Jie,F,1980-02-03,13000000001,a@example.com,Wuhan,Central,individual,walk-in,true,2025-01-05 10:00:00,2025-01-05 10:00:00,\n" +
		"2,Zhao Min,M,,13000000002,b@example.com,Shanghai,East,individual,web,no,2025-02-05 10:00:00,,\n" +
		"3,Gao Trading Co.,,,13000000003,c@example.com,Wuhan,Central,organization,referral,yes,2025-03-05 10:00:00,2025-03-05 10:00:00,1\n"
	e["interactions"] = "interaction_id,customer_id,type,interaction_ts,outcome,employee_id,category,resolved_at\n" +
		"I1,1,complaint,2025-06-05 09:00:00,unresolved,,Delivery,\n" +
		"I2,2,service visit,2025-07-05 09:00:00,completed,E2,,\n" +
		"I3,2,complaint,2025-07-06 09:00:00,resolved,,price,2025-07-08 21:00:00\n"
	e["surveys"] = "survey_id,customer_id,survey_ts,expected_score,perceived_score,store_id,employee_id,order_id\n" +
		"V1,1,2025-06-03 12:00:00,8,6,,,O1\n" +
		"V2,2,2025-07-03 12:00:00,8,8,S2,,\n" +
		"V3,1,2025-06-04 12:00:00,8,7,,,\n"
	return e
}

func TestServiceColumnsLoad(t *testing.T) {
	db, stats := extractAndLoad(t, withServiceColumns())
	for _, s := range stats {
		if s.Rejected != 0 {
			t.Errorf("%s: %d rejected", s.Source, s.Rejected)
		}
	}
	var referrer string
	if err := db.QueryRow("SELECT referred_by FROM dim_customer WHERE customer_id = '3'").Scan(&referrer); err != nil || referrer != "1" {
		t.Errorf("customer 3 referred by %q (%v), want 1", referrer, err)
	}
	// V1 names only its order: the store and seller are the order's (S1, E1). V2 names a store
	// and no order. V3 names nothing.
	var got string
	if err := db.QueryRow(`SELECT string_agg(v.survey_id || ':' || coalesce(s.store_id, 'null') || ':' || coalesce(e.employee_id, 'null') || ':' || coalesce(v.order_id, 'null'), ' ' ORDER BY v.survey_id)
		FROM fact_survey v LEFT JOIN dim_store s USING (store_key) LEFT JOIN dim_employee e USING (employee_key)`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "V1:S1:E1:O1 V2:S2:null:null V3:null:null:null" {
		t.Errorf("surveys are about %s", got)
	}
	if err := db.QueryRow(`SELECT string_agg(interaction_id || ':' || coalesce(category, 'null') || ':' || coalesce(strftime(resolved_at, '%d %H'), 'null'), ' ' ORDER BY interaction_id)
		FROM fact_interaction`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "I1:delivery:null I2:null:null I3:price:08 21" {
		t.Errorf("interactions %s", got)
	}
}

// serviceRejects are the bad values of the optional columns, each rejecting its row with the
// reason (TestRejectReasons adds each to withServiceColumns).
var serviceRejects = []rejectCase{
	{"unknown referrer", "customers", "9,Late,,,,,,,individual,referral,true,2025-02-03 10:00:00,,99", "unknown_reference", `referred_by "99" is not a known customer`},
	{"referred by itself", "customers", "9,Late,,,,,,,individual,referral,true,2025-02-03 10:00:00,,9", "invalid_value", "is the customer itself"},
	{"unknown topic", "interactions", "I9,1,complaint,2025-06-05 09:00:00,unresolved,,weather,", "invalid_value", `category "weather" is not product`},
	{"resolution time not a time", "interactions", "I9,1,complaint,2025-06-05 09:00:00,resolved,,price,soon", "unparsable_date", "resolved_at"},
	{"resolved before made", "interactions", "I9,1,complaint,2025-06-05 09:00:00,resolved,,price,2025-06-01 09:00:00", "invalid_value", "is before interaction_ts"},
	{"survey about an unknown store", "surveys", "V9,1,2025-06-03 12:00:00,8,6,S9,,", "unknown_reference", "store_id"},
	{"survey about an unknown employee", "surveys", "V9,1,2025-06-03 12:00:00,8,6,,E9,", "unknown_reference", "employee_id"},
	{"survey about an unknown order", "surveys", "V9,1,2025-06-03 12:00:00,8,6,,,O9", "unknown_reference", `order_id "O9" is not a known order`},
}

// A customer whose referrer is rejected is rejected too, down the chain: the warehouse never
// holds a referral to a customer it does not know.
func TestReferralChainRejectedWhole(t *testing.T) {
	e := withServiceColumns()
	e["customers"] += "4,Chain A,,,,,,,individual,referral,true,2025-02-03 10:00:00,,99\n" +
		"5,Chain B,,,,,,,individual,referral,true,2025-02-04 10:00:00,,4\n" +
		"6,Chain C,,,,,,,individual,referral,true,2025-02-05 10:00:00,,5\n"
	db, _ := extractAndLoad(t, e)
	var got string
	if err := db.QueryRow("SELECT string_agg(detail, '; ' ORDER BY source_row) FROM ops.etl_rejects WHERE source_table = 'customers'").Scan(&got); err != nil {
		t.Fatal(err)
	}
	want := `referred_by "99" is not a known customer; referred_by "4" is not a known customer; referred_by "5" is not a known customer`
	if got != want {
		t.Errorf("rejects %q, want %q", got, want)
	}
}

// A complaint is an accumulating fact: a later export that resolves it updates the row; an
// export without the optional columns keeps the topic and resolution time; a survey may name an
// order loaded on an earlier day.
func TestComplaintResolvedLater(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	e := withServiceColumns()
	lake := t.TempDir()
	if _, err := ExtractCSV(ctx, e.write(t), lake, loadDate, CSVOptions{}, quiet); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx, db, lake, loadDate, "run-1"); err != nil {
		t.Fatal(err)
	}
	e["interactions"] = strings.Replace(e["interactions"], "I1,1,complaint,2025-06-05 09:00:00,unresolved,,Delivery,",
		"I1,1,complaint,2025-06-05 09:00:00,resolved,,delivery,2025-06-09 09:00:00", 1)
	e["surveys"] = "survey_id,customer_id,survey_ts,expected_score,perceived_score,store_id,employee_id,order_id\nV4,1,2025-06-10 12:00:00,8,8,,,O1\n"
	e["orders"] = "order_id,customer_id,store_id,employee_id,channel,order_ts,status\n"
	e["order_items"] = "order_id,line_number,product_id,quantity,unit_price,discount\n"
	next := loadDate.AddDate(0, 0, 1)
	if _, err := ExtractCSV(ctx, e.write(t), lake, next, CSVOptions{}, quiet); err != nil {
		t.Fatal(err)
	}
	stats, err := Load(ctx, db, lake, next, "run-2")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stats {
		if s.Rejected != 0 {
			t.Errorf("%s: %d rejected", s.Source, s.Rejected)
		}
		if s.Source == "interactions" && (s.Updated != 1 || s.Inserted != 0) {
			t.Errorf("interactions: updated %d, inserted %d; want 1 and 0", s.Updated, s.Inserted)
		}
	}
	var got string
	if err := db.QueryRow(`SELECT outcome || ':' || category || ':' || strftime(resolved_at, '%m-%d') FROM fact_interaction WHERE interaction_id = 'I1'`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "resolved:delivery:06-09" {
		t.Errorf("I1 after the later export: %s", got)
	}
	if err := db.QueryRow(`SELECT s.store_id FROM fact_survey v JOIN dim_store s USING (store_key) WHERE v.survey_id = 'V4'`).Scan(&got); err != nil || got != "S1" {
		t.Errorf("V4 (about O1, loaded the day before) is about store %q (%v), want S1", got, err)
	}

	// An export without the optional columns leaves the topic and resolution time alone.
	e = base()
	e["interactions"] = strings.Replace(e["interactions"], "unresolved", "resolved", 1)
	third := next.AddDate(0, 0, 1)
	if _, err := ExtractCSV(ctx, e.write(t), lake, third, CSVOptions{}, quiet); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx, db, lake, third, "run-3"); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT outcome || ':' || category || ':' || strftime(resolved_at, '%m-%d') FROM fact_interaction WHERE interaction_id = 'I1'`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "resolved:delivery:06-09" {
		t.Errorf("I1 after an export without the columns: %s", got)
	}
}
