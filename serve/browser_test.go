package serve_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"iter"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
)

// TestBrowser drives the web UI in headless Chromium (Debian's chromium, which `make test`
// installs): the sign-in redirect, signing in, the dashboard, building a list whose count
// follows the filters, and downloading it as CSV and Excel, checked against the snapshot.
func TestBrowser(t *testing.T) {
	exe, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("no chromium (install the Debian package chromium; `make test` does)")
	}
	downloads := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelTimeout()

	// Not signed in: the dashboard and the list builder send the browser to the sign-in page.
	for _, page := range []string{"/", "/lists?list=vip-churn-risk"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(fx.webURL+page), chromedp.WaitVisible(css("#login"))); err != nil {
			t.Fatal(err)
		}
		if loc := run(t, ctx, chromedp.Location()); !strings.Contains(loc, "/login?next=") {
			t.Errorf("%s without sign-in shows %s", page, loc)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(fx.webURL+"/export?format=csv")); err != nil {
		t.Fatal(err)
	}
	if body := run(t, ctx, chromedp.Text(css("body"))); !strings.Contains(body, "sign in first") {
		t.Errorf("a download without sign-in shows %q", body)
	}

	// A wrong password, then the right one.
	if err := chromedp.Do(ctx, chromedp.Navigate(fx.webURL+"/login"),
		chromedp.SendKeys(css("input[name=name]"), "mia"), chromedp.SendKeys(css("input[name=password]"), "not-it"),
		chromedp.Submit(css("#login")), chromedp.WaitVisible(css(".error"))); err != nil {
		t.Fatal(err)
	}
	if body := run(t, ctx, chromedp.Text(css(".error"))); !strings.Contains(body, "Wrong name or password") {
		t.Errorf("wrong password shows %q", body)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(fx.webURL+"/login"),
		chromedp.SendKeys(css("input[name=name]"), "mia"), chromedp.SendKeys(css("input[name=password]"), users["mia"][1]),
		chromedp.Submit(css("#login")), chromedp.WaitVisible(css("#kpi-customers"))); err != nil {
		t.Fatal(err)
	}
	customers := run(t, ctx, chromedp.Text(css("#kpi-customers")))
	var n int64
	if err := inProcess(t).QueryRow("SELECT count(*) FROM scores.customer_scores").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if customers != commas(n) {
		t.Errorf("dashboard shows %s customers, the snapshot has %d", customers, n)
	}
	t.Logf("dashboard load: %s", loadTime(t, ctx))
	// The data checks of the published run, as the snapshot has them.
	checks := run(t, ctx, chromedp.Text(css("#data-checks p")))
	var passed, checked int64
	if err := inProcess(t).QueryRow(`SELECT count(*) FILTER (WHERE status = 'pass'), count(*) FROM ops.data_checks
		WHERE run_id = (SELECT arg_max(run_id, checked_at) FROM ops.data_checks)`).Scan(&passed, &checked); err != nil {
		t.Fatal(err)
	}
	if checked == 0 || !strings.HasPrefix(checks, fmt.Sprintf("%d data checks passed", passed)) {
		t.Errorf("dashboard says %q; the snapshot has %d of %d checks passed", checks, passed, checked)
	}

	// The Campaigns page: the table and the chart equal the snapshot's evaluation; a campaign's
	// breakdown is one click away.
	if err := chromedp.Do(ctx, chromedp.Navigate(fx.webURL+"/campaigns"), chromedp.WaitVisible(css("#campaigns"))); err != nil {
		t.Fatal(err)
	}
	var measured, evaluated int
	var uplift, chosen string
	if err := inProcess(t).QueryRow(`SELECT count(*) FILTER (WHERE response_uplift IS NOT NULL), count(*),
		arg_max(printf('%.1f%%', 100 * response_uplift), start_date) FILTER (WHERE response_uplift IS NOT NULL),
		arg_max(campaign_id, start_date) FILTER (WHERE has_control) FROM scores.campaign_effectiveness`).Scan(&measured, &evaluated, &uplift, &chosen); err != nil {
		t.Fatal(err)
	}
	if measured == 0 {
		t.Fatal("no campaign with a control group in the fixture: the page test would prove little")
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#campaigns tbody tr").length`)); n != evaluated {
		t.Errorf("the page lists %d campaigns, the snapshot %d", n, evaluated)
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#uplift-chart circle").length`)); n != measured {
		t.Errorf("the chart shows %d uplifts, the snapshot has %d", n, measured)
	}
	if got := run(t, ctx, chromedp.Text(css(`tr[data-campaign="`+chosen+`"] td.uplift`))); !strings.HasPrefix(got, uplift) {
		t.Errorf("%s's uplift reads %q, the snapshot %s", chosen, got, uplift)
	}
	var segments int
	if err := inProcess(t).QueryRow("SELECT count(*) FROM scores.campaign_breakdown WHERE campaign_id = ?", chosen).Scan(&segments); err != nil {
		t.Fatal(err)
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#breakdown tbody tr").length`)); n != segments || segments == 0 {
		t.Errorf("the breakdown of %s shows %d segments, the snapshot %d", chosen, n, segments)
	}

	// The list builder: a named list in one click, then a filter changed in place.
	if err := chromedp.Do(ctx, chromedp.Navigate(fx.webURL+"/lists"), chromedp.WaitVisible(css("#filters")),
		chromedp.Click(css(`a.button[href="/lists?list=vip-churn-risk"]`)), chromedp.WaitVisible(css("#download-csv"))); err != nil {
		t.Fatal(err)
	}
	if loc := run(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/lists?list=vip-churn-risk") {
		t.Errorf("the named list's button leads to %s", loc)
	}
	count := run(t, ctx, chromedp.Text(css("#list-count")))
	t.Logf("list page load: %s", loadTime(t, ctx))
	vip := expectedList(t, "s.clv_quadrant = 'vip' AND s.churn_risk = 'high'")
	if len(vip) == 0 {
		t.Fatal("no VIP at high churn risk in the fixture: the test would prove little")
	}
	if count != commas(int64(len(vip))) {
		t.Errorf("the named list counts %s, the snapshot %d", count, len(vip))
	}
	want := expectedList(t, "s.clv_quadrant = 'vip' AND s.churn_risk = 'medium'")
	if len(want) == 0 || len(want) == len(vip) {
		t.Fatalf("%d VIPs at medium churn risk: the test would prove little", len(want))
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(css(`select[name=churn_risk]`), "medium")); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.Evaluate[bool](`document.querySelector("select[name=churn_risk]").dispatchEvent(new Event("change", {bubbles: true}))`))
	t0 := time.Now()
	if err := waitText(ctx, "#list-count", commas(int64(len(want)))); err != nil {
		t.Fatalf("count after choosing medium churn risk: %v (want %d)", err, len(want))
	}
	t.Logf("count and chart refreshed %v after the filter changed", time.Since(t0).Round(time.Millisecond))
	if loc := run(t, ctx, chromedp.Location()); !strings.Contains(loc, "churn_risk=medium") || strings.Contains(loc, "list=") {
		t.Errorf("the address after the change: %s", loc)
	}

	// Downloads: both buttons, files checked row by row against the snapshot.
	events := true
	if _, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: &events}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ button, ext string }{{"#download-csv", ".csv"}, {"#download-xlsx", ".xlsx"}} {
		progress := chromedp.Events(ctx, browser.DownloadProgress)
		if err := chromedp.Do(ctx, chromedp.Click(css(tc.button))); err != nil {
			t.Fatal(err)
		}
		file, err := waitDownload(progress, downloads)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var recs [][]string
		if tc.ext == ".csv" {
			recs, err = csv.NewReader(bytes.NewReader(b)).ReadAll()
		} else {
			var f *excelize.File
			if f, err = excelize.OpenReader(bytes.NewReader(b)); err == nil {
				recs, err = f.GetRows("Sheet1")
				f.Close()
			}
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if got := idsEmails(recs); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s has %d customers, the snapshot %d", filepath.Base(file), len(got), len(want))
		}
	}
	checkServicePage(t, ctx)
	checkReportPage(t, ctx)

	recent, err := fx.srv.Web.Access.RecentExports(context.Background(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(recent) != 2 || recent[0].User != "mia" || recent[0].Rows != int64(len(want)) || !strings.Contains(recent[0].Filters, `"churn_risk":"medium"`) {
		t.Errorf("recorded downloads: %+v", recent)
	}
}

// loadTime is the current page's navigation time as the browser measured it.
func loadTime(t *testing.T, ctx context.Context) time.Duration {
	t.Helper()
	ms := run(t, ctx, chromedp.Evaluate[float64](`performance.getEntriesByType("navigation")[0].duration`))
	return time.Duration(ms * float64(time.Millisecond)).Round(time.Millisecond)
}

func waitText(ctx context.Context, sel, want string) error {
	var got string
	var lastErr error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		text, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			// The page's script replaces the element while it refreshes: the node asked
			// for can be gone by the time it is read. Only an error to the end counts.
			lastErr = err
			continue
		}
		got, lastErr = text, nil
		if got == want {
			return nil
		}
	}
	if lastErr != nil {
		return lastErr
	}
	return fmt.Errorf("%s shows %q", sel, got)
}

// waitDownload waits for Chromium to report a finished download and returns its file (named
// by the download's GUID in dir, with AllowAndName).
func waitDownload(progress iter.Seq2[browser.EventDownloadProgress, error], dir string) (string, error) {
	for ev, err := range progress {
		if err != nil {
			return "", err
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			return filepath.Join(dir, ev.GUID), nil
		case browser.DownloadProgressStateCanceled:
			return "", fmt.Errorf("download %s cancelled", ev.GUID)
		}
	}
	return "", errors.New("no download")
}

func css(s string) chromedp.CSS { return chromedp.CSS(s) }

// run runs a browser action with a value, failing the test on an error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkServicePage opens the Service page and compares every figure its tables show with the
// snapshot's tables, formatted as the page formats them.
func checkServicePage(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(fx.webURL+"/service"), chromedp.WaitVisible(css("#csi-stores"))); err != nil {
		t.Fatal(err)
	}
	t.Logf("service page load: %s", loadTime(t, ctx))
	page := run(t, ctx, chromedp.Evaluate[map[string][][]string](`(() => {
		const rows = (id, cls) => Array.from(document.querySelectorAll('#' + id + ' tbody tr')).map(r =>
			[r.dataset.member || r.dataset.group || r.dataset.tier, r.querySelector('.' + cls).textContent.trim()]);
		return {stores: rows('csi-stores', 'csi'), employees: rows('csi-employees', 'csi'), complaints: rows('complaints-stores', 'rate'),
			topics: rows('complaints-topics', 'median'), bands: rows('bands', 'repurchase'), churn: rows('complaint-churn', 'churn'),
			tiers: rows('tiers', 'customers'), bars: Array.from(document.querySelectorAll('svg.chart g')).map(g => [g.textContent.trim()])};
	})()`))
	db := inProcess(t)
	read := func(q string, format func(float64) string) [][]string {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out [][]string
		for rows.Next() {
			var k string
			var v sql.NullFloat64
			if err := rows.Scan(&k, &v); err != nil {
				t.Fatal(err)
			}
			text := ""
			if v.Valid {
				text = format(v.Float64)
			}
			out = append(out, []string{k, text})
		}
		return out
	}
	f := func(layout string) func(float64) string {
		return func(v float64) string { return fmt.Sprintf(layout, v) }
	}
	pct := func(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }
	want := map[string][][]string{
		"stores": read(`SELECT member, csi FROM scores.satisfaction_summary WHERE dimension = 'store' AND period = 'all' ORDER BY csi, member`, f("%.3f")),
		"employees": read(`SELECT member, csi FROM scores.satisfaction_summary WHERE dimension = 'employee' AND period = 'all' AND surveys >= 10
			ORDER BY csi, member LIMIT 10`, f("%.3f")),
		"complaints": read(`SELECT member, complaint_rate_orders FROM scores.complaint_summary WHERE dimension = 'store' AND period = 'all'
			ORDER BY complaint_rate_orders DESC NULLS LAST, complaints DESC, member`, f("%.2f")),
		"topics": read(`SELECT member, median_resolution_days FROM scores.complaint_summary WHERE dimension = 'topic' AND period = 'all'
			ORDER BY complaint_rate_orders DESC NULLS LAST, complaints DESC, member`, f("%.1f")),
		"bands": read(`SELECT grp, repurchase_rate FROM scores.service_outcomes WHERE analysis = 'satisfaction_band' ORDER BY sort`, pct),
		"churn": read(`SELECT grp, churn_rate FROM scores.service_outcomes WHERE analysis = 'complaints' ORDER BY sort`, pct),
		"tiers": read(`SELECT tier, count(*) FROM scores.customer_scores WHERE tier IS NOT NULL GROUP BY tier ORDER BY min(tier_rank)`,
			func(v float64) string { return commas(int64(v)) }),
	}
	for k, w := range want {
		if len(w) == 0 {
			t.Errorf("service page %s: the snapshot has no rows", k)
		}
		if fmt.Sprint(page[k]) != fmt.Sprint(w) {
			t.Errorf("service page %s:\n%v\nthe snapshot:\n%v", k, page[k], w)
		}
	}
	if len(page["bars"]) < len(want["stores"])+len(want["tiers"]) {
		t.Errorf("service page charts: %d bars", len(page["bars"]))
	}
}

// checkReportPage opens the customer value report compared with the fixture's earlier date:
// every section is there, its figures equal the snapshot's tables (the concentration worked out
// here from the customers' revenue), the findings link to their lists; in Chinese the headings
// are Chinese; without a comparison the migration section is left out, saying why.
func checkReportPage(t *testing.T, ctx context.Context) {
	t.Helper()
	compare := fx.asOf.AddDate(0, 0, -30).Format(time.DateOnly)
	if err := chromedp.Do(ctx, chromedp.Navigate(fx.webURL+"/report?compare="+compare), chromedp.WaitVisible(css("#title"))); err != nil {
		t.Fatal(err)
	}
	t.Logf("report page load: %s", loadTime(t, ctx))
	type pageData struct {
		Sections, Omitted []string
		Tables            map[string][][][]string
		Findings          [][]string
	}
	p := run(t, ctx, chromedp.Evaluate[pageData](`(() => {
		const tables = {};
		for (const s of document.querySelectorAll('section[data-section]')) {
			tables[s.dataset.section] = Array.from(s.querySelectorAll('table')).map(t =>
				Array.from(t.querySelectorAll('tbody tr')).map(r => Array.from(r.cells).map(c => c.textContent.trim())));
		}
		return {
			Sections: Array.from(document.querySelectorAll('section[data-section]')).map(s => s.dataset.section),
			Omitted: Array.from(document.querySelectorAll('#omitted li')).map(l => l.dataset.section),
			Tables: tables,
			Findings: Array.from(document.querySelectorAll('#findings li')).map(l => [l.dataset.rule, l.querySelector('a').getAttribute('href'), l.textContent]),
		};
	})()`))
	want := []string{"concentration", "segments", "clv", "migration", "churn", "lifecycle", "cohorts", "service", "campaigns", "model_health"}
	if fmt.Sprint(p.Sections) != fmt.Sprint(want) || len(p.Omitted) != 0 {
		t.Errorf("report sections %v (left out %v), want %v", p.Sections, p.Omitted, want)
	}
	// Concentration, worked out here: the top 1%, 5% and 20% of the buyers by revenue.
	db := inProcess(t)
	rows, err := db.Query("SELECT monetary FROM scores.customer_scores WHERE frequency > 0 ORDER BY monetary DESC, customer_id")
	if err != nil {
		t.Fatal(err)
	}
	var revenue []float64
	total := 0.0
	for rows.Next() {
		var m float64
		if err := rows.Scan(&m); err != nil {
			t.Fatal(err)
		}
		revenue = append(revenue, m)
		total += m
	}
	rows.Close()
	var shares []string
	for _, pct := range []float64{1, 5, 20} {
		n := int(math.Ceil(float64(len(revenue)) * pct / 100))
		s := 0.0
		for _, v := range revenue[:n] {
			s += v
		}
		shares = append(shares, fmt.Sprintf("%.0f%% %s %.1f%%", pct, commas(int64(n)), 100*s/total))
	}
	var got []string
	for _, r := range p.Tables["concentration"][0] {
		got = append(got, r[0]+" "+r[1]+" "+r[3])
	}
	if fmt.Sprint(got) != fmt.Sprint(shares) {
		t.Errorf("concentration on the page %v, worked out here %v", got, shares)
	}
	// Churn risk and tiers: the counts of the published scores.
	for _, tc := range []struct {
		section string
		table   int
		query   string
	}{
		{"churn", 0, "SELECT churn_risk, count(*) FROM scores.customer_scores WHERE churn_risk IS NOT NULL GROUP BY 1"},
		{"segments", 2, "SELECT tier_label, count(*) FROM scores.customer_scores WHERE tier IS NOT NULL GROUP BY 1"},
		{"clv", 0, "SELECT clv_quadrant, count(*) FROM scores.customer_scores WHERE clv_quadrant IS NOT NULL GROUP BY 1"},
	} {
		counts := map[string]string{}
		rows, err := db.Query(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			var n int64
			if err := rows.Scan(&k, &n); err != nil {
				t.Fatal(err)
			}
			counts[k] = commas(n)
		}
		rows.Close()
		shown := map[string]string{}
		for _, r := range p.Tables[tc.section][tc.table] {
			shown[r[0]] = r[1]
		}
		if fmt.Sprint(shown) != fmt.Sprint(counts) {
			t.Errorf("%s table %d on the page %v, the snapshot %v", tc.section, tc.table, shown, counts)
		}
	}
	if len(p.Findings) == 0 {
		t.Error("no finding on the demo")
	}
	for _, f := range p.Findings {
		if !strings.HasPrefix(f[1], "/") {
			t.Errorf("finding %s links to %q", f[0], f[1])
		}
	}
	t.Logf("findings: %v", p.Findings)

	// In Chinese, and without a comparison.
	if err := chromedp.Do(ctx, chromedp.Navigate(fx.webURL+"/report?lang=zh"), chromedp.WaitVisible(css("#omitted"))); err != nil {
		t.Fatal(err)
	}
	if h := run(t, ctx, chromedp.Text(css("#title"))); h != "客户价值分析报告" {
		t.Errorf("the Chinese report's title is %q", h)
	}
	if why := run(t, ctx, chromedp.Text(css(`#omitted li[data-section="migration"]`))); !strings.Contains(why, "未指定对比日期") {
		t.Errorf("without a comparison the report says %q", why)
	}
}
