package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// A campaign list with --control 0.1 holds out exactly a tenth of the list (the same customers
// for the same seed), leaves them out of the file and records them; a later run evaluates the
// campaign, whose contacts came back through the source, against exactly those customers.
func TestCampaignControlGroup(t *testing.T) {
	data, cfg := smallData(t, 400, "")
	run := func(args ...string) string {
		t.Helper()
		out, err := crmwh(t, append([]string{"--config", cfg, "--data", data}, args...)...)
		if err != nil {
			t.Fatalf("crmwh %v: %v\n%s", args, err, out)
		}
		return out
	}
	sqlCSV := func(q string) [][]string {
		t.Helper()
		recs, err := csv.NewReader(strings.NewReader(run("sql", "--format", "csv", q))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs[1:]
	}
	run("run", "--as-of", "2026-06-30")
	dir := t.TempDir()
	ids := func(file string) []string {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range recs[1:] {
			out = append(out, r[0])
		}
		return out
	}
	list := []string{"export", "--filter", "churn_risk=low"}
	run(append(list, "--out", filepath.Join(dir, "all.csv"))...)
	all := ids(filepath.Join(dir, "all.csv"))
	run(append(list, "--campaign", "CMP900", "--control", "0.1", "--seed", "7", "--out", filepath.Join(dir, "a.csv"))...)
	run(append(list, "--campaign", "CMP900", "--control", "0.1", "--seed", "8", "--out", filepath.Join(dir, "c.csv"))...)
	// The latest export of a campaign is its list: seed 7 again.
	run(append(list, "--campaign", "CMP900", "--control", "0.1", "--seed", "7", "--out", filepath.Join(dir, "b.csv"))...)
	a, b := ids(filepath.Join(dir, "a.csv")), ids(filepath.Join(dir, "b.csv"))
	held := func(export int) []string {
		var out []string
		for _, r := range sqlCSV(fmt.Sprintf("SELECT customer_id FROM access.ops.export_holdouts WHERE export_id = (SELECT max(export_id) - %d FROM access.ops.exports) ORDER BY customer_id", export)) {
			out = append(out, r[0])
		}
		return out
	}
	ha, hc, hb := held(2), held(1), held(0)
	want := int(float64(len(all))*0.1 + 0.5)
	t.Logf("list of %d: %d held out, %d in the file", len(all), len(ha), len(a))
	if len(all) < 40 || len(ha) != want || len(a)+len(ha) != len(all) {
		t.Errorf("list of %d: %d held out (want %d), %d in the file", len(all), len(ha), want, len(a))
	}
	for _, id := range ha {
		if slices.Contains(a, id) || !slices.Contains(all, id) {
			t.Errorf("held-out customer %s is in the file, or not in the list", id)
		}
	}
	if !slices.Equal(ha, hb) || !slices.Equal(a, b) {
		t.Error("the same seed held out other customers")
	}
	if slices.Equal(ha, hc) {
		t.Error("another seed held out the same customers")
	}
	if r := sqlCSV("SELECT campaign_id, control_share, held_out FROM access.ops.exports ORDER BY export_id DESC LIMIT 1"); r[0][0] != "CMP900" || r[0][1] != "0.1" || r[0][2] != fmt.Sprint(len(hb)) {
		t.Errorf("ops.exports records %v", r[0])
	}

	// The campaign is run on the file: its contacts come back in the next export of the source.
	src := filepath.Join(data, "src")
	appendTo := func(table, rows string) {
		f, err := os.OpenFile(filepath.Join(src, table+".csv"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(rows); err != nil {
			t.Fatal(err)
		}
	}
	day := time.Now().UTC().AddDate(0, 0, 1)
	appendTo("campaigns", "CMP900,Winter Win-back,email,"+day.Format(time.DateOnly)+","+day.AddDate(0, 0, 14).Format(time.DateOnly)+",1500.00\n")
	var contacts strings.Builder
	for _, id := range b { // the second export's file: the same customers as the first
		fmt.Fprintf(&contacts, "CMP900,%s,%s 09:00:00,false,,treatment\n", id, day.Format(time.DateOnly))
	}
	appendTo("campaign_contacts", contacts.String())
	run("run", "--as-of", day.Format(time.DateOnly))
	r := sqlCSV("SELECT contacts, control_customers, has_control FROM scores.campaign_effectiveness WHERE campaign_id = 'CMP900'")
	if len(r) != 1 || r[0][0] != fmt.Sprint(len(b)) || r[0][1] != fmt.Sprint(len(hb)) || r[0][2] != "true" {
		t.Errorf("CMP900 evaluated as %v; want %d contacts against the %d held out", r, len(b), len(hb))
	}
	// By segment at contact time: the RFM segments the June run published for those customers
	// (unknown for those it gave none), counted here from the score history.
	got := sqlCSV("SELECT member, contacts, control_customers FROM scores.campaign_breakdown WHERE campaign_id = 'CMP900' AND dimension = 'rfm_segment' ORDER BY member")
	bySegment := sqlCSV(`SELECT coalesce(h.value, 'unknown'), count(*) FILTER (WHERE NOT held), count(*) FILTER (WHERE held)
		FROM (SELECT customer_id, customer_id IN (SELECT customer_id FROM access.ops.export_holdouts WHERE export_id = (SELECT max(export_id) FROM access.ops.exports)) AS held
			FROM access.ops.export_holdouts WHERE export_id = (SELECT max(export_id) FROM access.ops.exports)
			UNION ALL SELECT d.customer_id, false FROM fact_campaign_contact f JOIN dim_campaign k USING (campaign_key) JOIN dim_customer d USING (customer_key)
			WHERE k.campaign_id = 'CMP900') x
		LEFT JOIN scores.customer_score_history h ON h.customer_id = x.customer_id AND h.score = 'rfm_segment'
			AND h.valid_from <= DATE '2026-06-30' AND (h.valid_to IS NULL OR h.valid_to > DATE '2026-06-30')
		GROUP BY 1 ORDER BY 1`)
	if fmt.Sprint(got) != fmt.Sprint(bySegment) || len(got) < 2 {
		t.Errorf("CMP900 by RFM segment at contact time: %v; the score history gives %v", got, bySegment)
	}
}
