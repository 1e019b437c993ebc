package etl_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/etl"
	"github.com/crmwh/crmwh/warehouse"
)

var updateCompat = flag.Bool("update", false, "rewrite testdata/mapped_v1.golden")

// compatColumns are the star-schema columns as they were before the optional columns joined the
// contract (surveys' store, employee and order; interactions' category and resolution time;
// customers' referrer): an export without those columns must load exactly these values.
var compatColumns = map[string][]string{
	"dim_customer": {"customer_key", "customer_id", "name", "gender", "birth_date", "phone", "email", "city", "region",
		"customer_type", "acquisition_channel", "marketing_consent", "created_at", "updated_at", "valid_from", "valid_to", "is_current", "version"},
	"dim_product":           {"product_key", "product_id", "name", "category", "brand", "model", "list_price", "unit_cost", "updated_at", "valid_from", "valid_to", "is_current", "version"},
	"dim_store":             {"store_key", "store_id", "name", "city", "region"},
	"dim_employee":          {"employee_key", "employee_id", "name", "role", "store_key", "store_id"},
	"dim_campaign":          {"campaign_key", "campaign_id", "name", "channel", "start_date", "end_date", "cost"},
	"fact_sales":            {"order_id", "line_number", "date_key", "customer_key", "product_key", "store_key", "employee_key", "channel_key", "order_ts", "order_status", "quantity", "unit_price", "discount", "gross_amount", "net_amount", "cost_amount", "margin_amount"},
	"fact_interaction":      {"interaction_id", "date_key", "customer_key", "employee_key", "interaction_type", "interaction_ts", "outcome"},
	"fact_survey":           {"survey_id", "date_key", "customer_key", "survey_ts", "expected_score", "perceived_score", "satisfaction"},
	"fact_campaign_contact": {"campaign_key", "customer_key", "date_key", "contacted_at", "responded", "order_id", "contact_group"},
	"ops.etl_rejects":       {"source_table", "source_row", "reason", "detail"},
}

// A mapped export made before the optional columns existed (testdata/mapped_v1: a 60-customer
// demo export of that time, mapped column by column) loads exactly as it did then: the same rows
// and the same values, checked by a checksum per table recorded before the change.
func TestMappedExportWithoutNewColumns(t *testing.T) {
	dir, err := filepath.Abs("testdata/mapped_v1")
	if err != nil {
		t.Fatal(err)
	}
	src := configs.Source{Type: "files", Dir: dir, Tables: map[string]configs.FileTable{}}
	for _, tb := range etl.Contract {
		m := configs.FileTable{Files: tb.Name + ".csv", Columns: map[string]string{}}
		for _, c := range tb.Columns {
			if !tb.IsOptional(c) {
				m.Columns[c] = `"` + c + `"`
			}
		}
		src.Tables[tb.Name] = m
	}
	lake := t.TempDir()
	if _, err := etl.ExtractMapped(context.Background(), src, dir, lake, pgDay1); err != nil {
		t.Fatal(err)
	}
	db, err := warehouse.Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"), warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := etl.Load(context.Background(), db, lake, pgDay1, "run-1"); err != nil {
		t.Fatal(err)
	}
	tables := make([]string, 0, len(compatColumns))
	for tb := range compatColumns {
		tables = append(tables, tb)
	}
	slices.Sort(tables)
	var b strings.Builder
	for _, tb := range tables {
		cols := strings.Join(compatColumns[tb], ", ")
		var n int64
		var sum string
		q := fmt.Sprintf("SELECT count(*), coalesce(md5(string_agg(r, chr(10) ORDER BY r)), '') FROM (SELECT CAST(ROW(%s) AS VARCHAR) AS r FROM %s)", cols, tb)
		if err := db.QueryRow(q).Scan(&n, &sum); err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		fmt.Fprintf(&b, "%s rows=%d md5=%s\n", tb, n, sum)
	}
	golden := filepath.Join("testdata", "mapped_v1.golden")
	if *updateCompat {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("the old export loads differently:\n%s\nwant:\n%s", b.String(), want)
	}
}
