package serve

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crmwh/crmwh/configs"

	"github.com/crmwh/crmwh/warehouse"
)

//go:embed web
var webFiles embed.FS

// Web is the marketing web UI: sign-in, the dashboard, the list builder and the downloads.
// Pages are rendered on the server; the one script only refreshes the count and chart as
// filters change.
type Web struct {
	Readers *Readers
	Access  *Access
	Metrics *Metrics
	Lists   []configs.List
	// HorizonDays is the churn horizon, for the dashboard's active customers and churn rate.
	HorizonDays int
	// Health are the model-health thresholds the dashboard's panel applies, as the alerts do.
	Health     configs.ModelHealth
	SessionTTL time.Duration
	Log        *slog.Logger
	// Report configures the customer value report at /report (its links stay relative there);
	// Language is its default language.
	Report   configs.Report
	Language string

	tmpl     *template.Template
	static   fs.FS
	mu       sync.Mutex
	sessions map[string]webSession
}

type webSession struct {
	user, role string
	expires    time.Time
}

const sessionCookie = "crmwh_session"

// parse reads the embedded templates and prepares the session store.
func (w *Web) parse() error {
	t, err := template.New("").Funcs(template.FuncMap{
		"pct":        pct,
		"money":      money,
		"count":      count,
		"query":      func(m map[string]string) template.URL { return template.URL(selectionQuery(m)) },
		"barsHeight": func(n int) int { return max(26*n, 26) },
		"list":       func(v ...any) []any { return v },
	}).ParseFS(webFiles, "web/*.html")
	if err != nil {
		return fmt.Errorf("web templates: %w", err)
	}
	static, err := fs.Sub(webFiles, "web/static")
	if err != nil {
		return fmt.Errorf("web files: %w", err)
	}
	w.tmpl, w.static, w.sessions = t, static, map[string]webSession{}
	return nil
}

// Handler returns the UI's routes. Every page and download needs a signed-in marketing or admin
// user; /login, /static/ and /metrics do not.
func (w *Web) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(w.static)))
	mux.HandleFunc("GET /login", w.loginPage)
	mux.HandleFunc("POST /login", w.signIn)
	mux.HandleFunc("POST /logout", w.signOut)
	mux.Handle("GET /metrics", w.Metrics.Handler())
	mux.HandleFunc("GET /{$}", w.page("dashboard", w.dashboard))
	mux.HandleFunc("GET /lists", w.page("lists", w.lists))
	mux.HandleFunc("GET /lists/summary", w.page("summary", w.summary))
	mux.HandleFunc("GET /export", w.page("export", w.export))
	mux.HandleFunc("GET /campaigns", w.page("campaigns", w.campaigns))
	mux.HandleFunc("GET /service", w.page("service", w.service))
	mux.HandleFunc("GET /report", w.page("report", w.report))
	mux.HandleFunc("GET /customers", w.page("customers", w.customers))
	mux.HandleFunc("GET /customers/audit", w.page("audit", w.customerAudit))
	mux.HandleFunc("GET /customers/{id}", w.page("customer", w.customer))
	return mux
}

// page wraps a handler with the sign-in check and timing.
func (w *Web) page(name string, h func(http.ResponseWriter, *http.Request, webSession)) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		defer func() { w.Metrics.page(name, time.Since(t0)) }()
		s, ok := w.session(r)
		if !ok {
			if name == "dashboard" || name == "lists" {
				http.Redirect(rw, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(rw, "sign in first", http.StatusUnauthorized)
			return
		}
		rw.Header().Set("Cache-Control", "no-store")
		h(rw, r, s)
	}
}

func (w *Web) session(r *http.Request) (webSession, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return webSession{}, false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	s, ok := w.sessions[c.Value]
	if !ok || time.Now().After(s.expires) {
		delete(w.sessions, c.Value)
		return webSession{}, false
	}
	return s, true
}

func (w *Web) loginPage(rw http.ResponseWriter, r *http.Request) {
	w.render(rw, "login.html", map[string]any{"Next": r.URL.Query().Get("next")})
}

func (w *Web) signIn(rw http.ResponseWriter, r *http.Request) {
	name, password, next := r.PostFormValue("name"), r.PostFormValue("password"), r.PostFormValue("next")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		next = "/" // only local redirects
	}
	role, ok, err := w.Access.Authenticate(r.Context(), name, password)
	if errors.Is(err, ErrTooManyFailures) {
		w.Metrics.signIn("web", false)
		rw.WriteHeader(http.StatusTooManyRequests)
		w.render(rw, "login.html", map[string]any{"Next": next, "Error": "Too many failed sign-ins for this name; try again in 15 minutes.", "Name": name})
		return
	}
	if err != nil {
		w.fail(rw, err)
		return
	}
	msg := ""
	switch {
	case !ok:
		msg = "Wrong name or password."
	case role == RoleAnalyst:
		ok, msg = false, "Analysts use the SQL endpoint; the web UI is for marketing and admins."
	}
	w.Metrics.signIn("web", ok)
	if !ok {
		rw.WriteHeader(http.StatusUnauthorized)
		w.render(rw, "login.html", map[string]any{"Next": next, "Error": msg, "Name": name})
		return
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		w.fail(rw, err)
		return
	}
	token := hex.EncodeToString(b)
	w.mu.Lock()
	for k, s := range w.sessions { // drop expired sessions
		if time.Now().After(s.expires) {
			delete(w.sessions, k)
		}
	}
	w.sessions[token] = webSession{user: name, role: role, expires: time.Now().Add(w.SessionTTL)}
	w.mu.Unlock()
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: int(w.SessionTTL.Seconds()), Secure: r.TLS != nil})
	http.Redirect(rw, r, next, http.StatusSeeOther)
}

func (w *Web) signOut(rw http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		w.mu.Lock()
		delete(w.sessions, c.Value)
		w.mu.Unlock()
	}
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1})
	http.Redirect(rw, r, "/login", http.StatusSeeOther)
}

type kpis struct {
	Customers, Buyers, Active        int64
	ChurnRate, RepeatRate, Revenue   float64
	Satisfaction                     sql.NullFloat64
	Segments, Stages, Churn          []bar
	Jobs                             []jobStatus
	RunID, AsOf, Published, RunState string
}

type bar struct {
	Label    string
	Value    float64
	Text     string
	Width, Y float64
	TextX    float64
	Extra    string
}

type jobStatus struct {
	Job, Status, Error string
	Seconds            float64
	Rows               int64
}

func (w *Web) dashboard(rw http.ResponseWriter, r *http.Request, s webSession) {
	snap, release, ok := w.acquire(rw)
	if !ok {
		return
	}
	defer release()
	k, err := w.kpis(r.Context(), snap)
	if err != nil {
		w.fail(rw, fmt.Errorf("dashboard: %w", err))
		return
	}
	h, err := readHistory(r.Context(), snap.DB(ReaderClear), r.URL.Query().Get("dim"))
	if err != nil {
		w.fail(rw, fmt.Errorf("dashboard: %w", err))
		return
	}
	asOf, _ := time.Parse(time.DateOnly, snap.Manifest.AsOf)
	h.Health, err = readHealth(r.Context(), snap.DB(ReaderClear), asOf, w.Health)
	if err != nil {
		w.fail(rw, fmt.Errorf("dashboard: %w", err))
		return
	}
	w.render(rw, "dashboard.html", map[string]any{"User": s.user, "Role": s.role, "K": k, "H": h, "Page": "dashboard"})
}

// kpis reads the dashboard's figures, charts and run from the snapshot.
func (w *Web) kpis(ctx context.Context, snap *Snapshot) (kpis, error) {
	db := snap.DB(ReaderClear)
	k := kpis{RunID: snap.Manifest.RunID, AsOf: snap.Manifest.AsOf, RunState: "succeeded",
		Published: snap.Manifest.Published.Local().Format("2006-01-02 15:04 MST")}
	err := warehouse.ForEachRow(ctx, db, "serve/dashboard.sql", map[string]int{"HorizonDays": w.HorizonDays}, nil, func(rows *sql.Rows) error {
		return rows.Scan(&k.Customers, &k.Buyers, &k.Active, &k.ChurnRate, &k.RepeatRate, &k.Satisfaction, &k.Revenue)
	})
	if err != nil {
		return k, err
	}
	err = warehouse.ForEachRow(ctx, db, "serve/revenue_by_segment.sql", nil, nil, func(rows *sql.Rows) error {
		var b bar
		var customers int64
		if err := rows.Scan(&b.Label, &customers, &b.Value); err != nil {
			return err
		}
		b.Text, b.Extra = money(b.Value), count(customers)+" customers"
		k.Segments = append(k.Segments, b)
		return nil
	})
	if err != nil {
		return k, err
	}
	// Customers by lifecycle stage and by churn risk, one query for both charts.
	err = warehouse.ForEachRow(ctx, db, "serve/customers_by_stage.sql", nil, nil, func(rows *sql.Rows) error {
		var chart string
		var b bar
		var customers int64
		if err := rows.Scan(&chart, &b.Label, &customers); err != nil {
			return err
		}
		b.Value, b.Text = float64(customers), count(customers)
		if chart == "stage" {
			k.Stages = append(k.Stages, b)
		} else {
			k.Churn = append(k.Churn, b)
		}
		return nil
	})
	if err != nil {
		return k, err
	}
	k.Segments, k.Stages, k.Churn = layoutBars(k.Segments), layoutBars(k.Stages), layoutBars(k.Churn)
	err = warehouse.ForEachRow(ctx, db, "serve/last_run.sql", nil, []any{snap.Manifest.RunID}, func(rows *sql.Rows) error {
		var j jobStatus
		var start time.Time
		var end *time.Time
		if err := rows.Scan(&j.Job, &j.Status, &start, &end, &j.Rows, &j.Error); err != nil {
			return err
		}
		if end != nil {
			j.Seconds = end.Sub(start).Seconds()
		}
		if j.Status == "running" {
			j.Status = "publishing" // still running when the snapshot was written
		}
		if j.Status == "failed" || j.Status == "skipped" {
			k.RunState = "finished with failures"
		}
		k.Jobs = append(k.Jobs, j)
		return nil
	})
	return k, err
}

// selection reads the request's list and filters: an unparsable query string, an unknown filter
// or a value the snapshot does not hold is refused, never widened to "no filter".
func (w *Web) selection(r *http.Request, snap *Snapshot) (Selection, error) {
	pairs, err := ParsePairs(r.URL.RawQuery, "list", "format", "campaign", "control", "seed")
	if err != nil {
		return Selection{}, err
	}
	sel, err := SelectionOf(w.Lists, r.URL.Query().Get("list"), pairs) // refuses unknown filters
	if err != nil {
		return sel, err
	}
	opts, err := snap.ListOptions(r.Context())
	if err != nil {
		return sel, err
	}
	return sel, CheckValues(opts, pairs)
}

func (w *Web) lists(rw http.ResponseWriter, r *http.Request, s webSession) {
	snap, release, ok := w.acquire(rw)
	if !ok {
		return
	}
	defer release()
	sel, err := w.selection(r, snap)
	if err != nil {
		w.refuse(rw, s, http.StatusBadRequest, err.Error())
		return
	}
	db := snap.DB(ReaderClear)
	opts, err := snap.ListOptions(r.Context())
	if err != nil {
		w.fail(rw, err)
		return
	}
	sum, err := Summarize(r.Context(), db, sel)
	if err != nil {
		w.fail(rw, err)
		return
	}
	type menu struct {
		Filter  Filter
		Value   string
		Options []Option
	}
	var menus []menu
	for _, f := range Filters {
		menus = append(menus, menu{f, sel.Filters[f.Key], opts[f.Key]})
	}
	w.render(rw, "lists.html", map[string]any{"User": s.user, "Role": s.role, "Page": "lists", "Menus": menus,
		"Lists": w.Lists, "Sel": sel, "S": summaryView(sum), "AsOf": snap.Manifest.AsOf})
}

// summary is the list builder's count and chart for the current filters, as an HTML fragment
// the page swaps in.
func (w *Web) summary(rw http.ResponseWriter, r *http.Request, s webSession) {
	snap, release, ok := w.acquire(rw)
	if !ok {
		return
	}
	defer release()
	sel, err := w.selection(r, snap)
	if f := r.URL.Query().Get("format"); err == nil && f != "" && f != "json" {
		err = fmt.Errorf("format %q: json, or none for the page's fragment", warehouse.Excerpt(f, shownRunes))
	}
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	sum, err := Summarize(r.Context(), snap.DB(ReaderClear), sel)
	if err != nil {
		w.fail(rw, err)
		return
	}
	if r.URL.Query().Get("format") == "json" {
		rw.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(rw).Encode(sum) // a write error means the client went away
		return
	}
	w.render(rw, "summary.html", map[string]any{"S": summaryView(sum), "Sel": sel})
}

type summaryData struct {
	Summary
	Bars []bar
}

func summaryView(s Summary) summaryData {
	var bars []bar
	for _, seg := range s.Segments {
		bars = append(bars, bar{Label: seg.Segment, Value: float64(seg.Consenting), Text: count(seg.Consenting),
			Extra: "of " + count(seg.Customers)})
	}
	sort.SliceStable(bars, func(i, j int) bool { return bars[i].Value > bars[j].Value })
	return summaryData{Summary: s, Bars: layoutBars(bars)}
}

// layoutBars places horizontal bars in the charts' 600-wide SVG: labels on the left 190 units,
// bars scaled to the largest value, 26 units a row.
func layoutBars(bars []bar) []bar {
	maxV := 0.0
	for _, b := range bars {
		maxV = math.Max(maxV, b.Value)
	}
	for i := range bars {
		bars[i].Y = float64(i) * 26
		if maxV > 0 {
			bars[i].Width = math.Max(1, 300*bars[i].Value/maxV)
		}
		bars[i].TextX = 196 + bars[i].Width
	}
	return bars
}

func (w *Web) export(rw http.ResponseWriter, r *http.Request, s webSession) {
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "xlsx" {
		http.Error(rw, "format: csv or xlsx", http.StatusBadRequest)
		return
	}
	snap, release, ok := w.acquire(rw)
	if !ok {
		return
	}
	defer release()
	sel, err := w.selection(r, snap)
	if err == nil {
		sel.Holdout, err = holdoutOf(r.URL.Query())
	}
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	heldOut, err := HeldOut(r.Context(), snap.DB(ReaderClear), sel)
	if err != nil {
		w.fail(rw, err)
		return
	}
	name := "customers"
	if sel.List != "" {
		name = sel.List
	}
	file := fmt.Sprintf("%s-%s.%s", name, snap.Manifest.AsOf, format)
	ctype := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	rw.Header().Set("Content-Type", ctype)
	rw.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename=%q`, file))
	n, err := WriteList(r.Context(), snap.DB(ReaderClear), sel, format, rw)
	if err != nil {
		// Headers may be out already; the log and the missing record tell what happened.
		w.logger().Error("download failed", "user", s.user, "err", err)
		return
	}
	w.Metrics.export(format, n)
	e := Export{User: s.user, Via: "web", List: sel.List, Filters: sel.JSON(), Format: format, Rows: n, RunID: snap.Manifest.RunID}
	if h := sel.Holdout; h != nil {
		e.Campaign, e.ControlShare, e.HeldOut = h.Campaign, h.Share, heldOut
	}
	if err := w.Access.RecordExport(context.WithoutCancel(r.Context()), e); err != nil {
		w.logger().Error("download not recorded", "user", s.user, "rows", n, "err", err)
	}
}

// holdoutOf reads a download's control group (campaign=ID&control=0.1&seed=N), if it asks for one.
func holdoutOf(q url.Values) (*Holdout, error) {
	if q.Get("control") == "" && q.Get("campaign") == "" {
		return nil, nil
	}
	share, err := strconv.ParseFloat(q.Get("control"), 64)
	if err != nil {
		return nil, fmt.Errorf("control %q: the share to hold out, such as 0.1", warehouse.Excerpt(q.Get("control"), shownRunes))
	}
	var seed int64 = 1
	if v := q.Get("seed"); v != "" {
		if seed, err = strconv.ParseInt(v, 10, 64); err != nil {
			return nil, fmt.Errorf("seed %q: a whole number", warehouse.Excerpt(v, shownRunes))
		}
	}
	return NewHoldout(q.Get("campaign"), share, seed)
}

// acquire returns the current snapshot, or answers the request with the error.
func (w *Web) acquire(rw http.ResponseWriter) (*Snapshot, func(), bool) {
	snap, release, err := w.Readers.Acquire()
	if err != nil {
		w.fail(rw, err)
		return nil, nil, false
	}
	return snap, release, true
}

func (w *Web) render(rw http.ResponseWriter, name string, data any) {
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := w.tmpl.ExecuteTemplate(rw, name, data); err != nil {
		w.logger().Error("render page", "page", name, "err", err)
	}
}

// refuse answers a request the page cannot take with status and a sentence saying why.
func (w *Web) refuse(rw http.ResponseWriter, s webSession, status int, msg string) {
	rw.WriteHeader(status)
	w.render(rw, "error.html", map[string]any{"User": s.user, "Error": msg})
}

func (w *Web) fail(rw http.ResponseWriter, err error) {
	if errors.Is(err, context.Canceled) {
		return // the client went away
	}
	w.logger().Error("web request failed", "err", err)
	// The details stay in the log: they may name files and queries the user has no business seeing.
	http.Error(rw, "Something went wrong on our side; it has been logged. Please try again.", http.StatusInternalServerError)
}

func (w *Web) logger() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

func selectionQuery(m map[string]string) string {
	v := url.Values{}
	for k, x := range m {
		v.Set(k, x)
	}
	return v.Encode()
}

// money prints an amount with thousands separators and no cents.
func pct(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

func money(f float64) string { return count(int64(math.Round(f))) }

// count prints an integer with thousands separators.
func count(n int64) string { return warehouse.Thousands(n) }
