package serve_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// sectionCounts reads the row count each section of a 360 page shows (<section id=…><h2>… <small class="count">N</small>).
func sectionCounts(body []byte) map[string]int64 {
	out := map[string]int64{}
	for _, m := range regexp.MustCompile(`<section id="([a-z]+)"><h2>[^<]*<small class="count">(\d+)</small>`).FindAllSubmatch(body, -1) {
		n, _ := strconv.ParseInt(string(m[2]), 10, 64)
		out[string(m[1])] = n
	}
	return out
}

// The customer 360 page shows every order, interaction, survey, campaign contact, version and
// score interval of the customer (counts equal the star schema's and the history's); marketing
// does not see a non-consenting customer's contact details, admins do; every view is recorded
// and admins read the record; the search finds by id, name, e-mail and phone, but a marketing
// user cannot find a non-consenting customer by contact details.
func TestCustomer360(t *testing.T) {
	db := inProcess(t)
	pick := func(consent bool) (id, phone, email string) {
		t.Helper()
		if err := db.QueryRow(`SELECT c.customer_id, c.phone, c.email FROM dim_customer c
			JOIN (SELECT k.customer_id, count(*) AS n FROM fact_interaction x JOIN dim_customer k USING (customer_key) GROUP BY 1) i USING (customer_id)
			JOIN (SELECT k.customer_id, count(*) AS n FROM fact_survey v JOIN dim_customer k USING (customer_key) GROUP BY 1) s USING (customer_id)
			WHERE c.is_current AND c.marketing_consent = ? AND c.phone IS NOT NULL ORDER BY i.n + s.n DESC, c.customer_id LIMIT 1`, consent).Scan(&id, &phone, &email); err != nil {
			t.Fatal(err)
		}
		return
	}
	id, phone, email := pick(true)
	hiddenID, hiddenPhone, hiddenEmail := pick(false)
	mia, root := web(t, "mia"), web(t, "root")

	t0 := time.Now()
	res, body := get(t, mia, "/customers/"+id)
	latency := time.Since(t0)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s", res.Status, body)
	}
	t.Logf("360 page of customer %s: %v, %d bytes", id, latency.Round(time.Millisecond), len(body))
	counts := sectionCounts(body)
	for section, q := range map[string]string{
		"orders":       "SELECT count(DISTINCT f.order_id) FROM fact_sales f JOIN dim_customer d USING (customer_key) WHERE d.customer_id = ?",
		"interactions": "SELECT count(*) FROM fact_interaction f JOIN dim_customer d USING (customer_key) WHERE d.customer_id = ?",
		"surveys":      "SELECT count(*) FROM fact_survey f JOIN dim_customer d USING (customer_key) WHERE d.customer_id = ?",
		"contacts":     "SELECT count(*) FROM fact_campaign_contact f JOIN dim_customer d USING (customer_key) WHERE d.customer_id = ?",
		"versions":     "SELECT count(*) FROM dim_customer WHERE customer_id = ?",
		"history":      "SELECT count(*) FROM scores.customer_score_history WHERE customer_id = ? AND score <> 'customer_key'",
		"snapshots":    "SELECT count(*) FROM scores.customer_score_snapshots WHERE customer_id = ?",
	} {
		var want int64
		if err := db.QueryRow(q, id).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if counts[section] != want || want == 0 && section != "contacts" {
			t.Errorf("%s: the page shows %d, the snapshot has %d", section, counts[section], want)
		}
	}
	if !bytes.Contains(body, []byte(phone)) || !bytes.Contains(body, []byte(email)) {
		t.Errorf("a consenting customer's contact details are not shown to marketing")
	}
	var orderID string
	if err := db.QueryRow("SELECT max(f.order_id) FROM fact_sales f JOIN dim_customer d USING (customer_key) WHERE d.customer_id = ?", id).Scan(&orderID); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(body, []byte(">"+orderID+"<")) {
		t.Errorf("order %s is not on the page", orderID)
	}

	_, body = get(t, mia, "/customers/"+hiddenID)
	if bytes.Contains(body, []byte(hiddenPhone)) || bytes.Contains(body, []byte(hiddenEmail)) || !bytes.Contains(body, []byte("contact-hidden")) {
		t.Errorf("marketing sees the contact details of customer %s, who did not consent", hiddenID)
	}
	_, body = get(t, root, "/customers/"+hiddenID)
	if !bytes.Contains(body, []byte(hiddenPhone)) {
		t.Errorf("an admin does not see customer %s's phone", hiddenID)
	}

	// Every view is recorded; the audit is for admins.
	views, err := fx.srv.Web.Access.RecentViews(context.Background(), 3)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(views[0].User, views[0].Customer, views[1].User, views[1].Customer, views[2].User, views[2].Customer)
	if want := fmt.Sprint("root", hiddenID, "mia", hiddenID, "mia", id); got != want {
		t.Errorf("recorded views %s, want %s", got, want)
	}
	if res, _ := get(t, mia, "/customers/audit"); res.StatusCode != http.StatusForbidden {
		t.Errorf("the audit for marketing: %s", res.Status)
	}
	if res, body := get(t, root, "/customers/audit"); res.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(">"+hiddenID+"<")) {
		t.Errorf("the audit for an admin: %s", res.Status)
	}
	if res, _ := get(t, mia, "/customers/no-such-customer"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown customer: %s", res.Status)
	}

	// Search.
	for _, tc := range []struct {
		user, q, want string
		found         bool
	}{
		{"mia", id, id, true}, {"mia", strings.ToUpper(email), id, true}, {"mia", phone, id, true},
		{"mia", hiddenPhone, hiddenID, false}, {"mia", hiddenEmail, hiddenID, false}, {"root", hiddenPhone, hiddenID, true},
	} {
		c := mia
		if tc.user == "root" {
			c = root
		}
		_, body := get(t, c, "/customers?q="+strings.ReplaceAll(tc.q, "@", "%40"))
		if got := bytes.Contains(body, []byte(`data-customer="`+tc.want+`"`)); got != tc.found {
			t.Errorf("%s searching %q: found %s %v, want %v", tc.user, tc.q, tc.want, got, tc.found)
		}
	}
}

// The report as a workbook from the web UI: a sheet per section after the findings, with charts.
func TestReportWorkbook(t *testing.T) {
	c := web(t, "mia")
	compare := fx.asOf.AddDate(0, 0, -30).Format(time.DateOnly)
	t0 := time.Now()
	res, body := get(t, c, "/report?format=xlsx&compare="+compare)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s", res.Status, body)
	}
	t.Logf("report workbook: %v, %d bytes", time.Since(t0).Round(time.Millisecond), len(body))
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 11 {
		t.Errorf("%d sheets %v, want the findings and 10 sections", len(sheets), sheets)
	}
	z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	charts := 0
	for _, zf := range z.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			charts++
		}
	}
	if charts < 10 {
		t.Errorf("%d charts in the workbook", charts)
	}
	if res, _ := get(t, c, "/report?lang=fr"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown language: %s", res.Status)
	}
}
