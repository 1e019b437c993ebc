package serve

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/crmwh/crmwh/warehouse"
)

// The customer 360 page: one customer completely, for anyone who deals with them. Contact details
// of a customer without marketing consent are shown to admins only; every view is recorded in
// ops.customer_views (who, whom, when), which admins read at /customers/audit.

// sheet is a table of the 360 page: headings and rows of text.
type sheet struct {
	Columns []string
	Rows    [][]string
}

// customerView is what the 360 page shows.
type customerView struct {
	ID, Name, Phone, Email string
	Consent, ContactShown  bool
	Versions, Orders       sheet
	Interactions, Surveys  sheet
	Contacts, History      sheet
	Snapshots              sheet
	Scores                 [][2]string
	Recommendations, Care  []string
}

// maySeeContact says whether the user sees the contact details of a customer with this consent.
func maySeeContact(role string, consent bool) bool { return consent || role == RoleAdmin }

// customers is the search page: /customers?q=… by id, name, phone or e-mail.
func (w *Web) customers(rw http.ResponseWriter, r *http.Request, s webSession) {
	pairs, err := ParsePairs(r.URL.RawQuery)
	if err == nil {
		err = onlyKeys(pairs, "q")
	}
	if err != nil {
		w.refuse(rw, s, http.StatusBadRequest, err.Error())
		return
	}
	q := strings.TrimSpace(pairs["q"])
	var found sheet
	if q != "" {
		snap, release, ok := w.acquire(rw)
		if !ok {
			return
		}
		defer release()
		found.Columns = []string{"customer", "name", "city", "region", "consent", "phone", "e-mail"}
		err = warehouse.ForEachRow(r.Context(), snap.DB(ReaderClear), "serve/customer_search.sql", nil, []any{q, s.role == RoleAdmin}, func(rows *sql.Rows) error {
			var id, name string
			var city, region, phone, email sql.NullString
			var consent bool
			if err := rows.Scan(&id, &name, &city, &region, &consent, &phone, &email); err != nil {
				return err
			}
			if !maySeeContact(s.role, consent) {
				phone.String, email.String = "", ""
			}
			found.Rows = append(found.Rows, []string{id, name, city.String, region.String, yesNo(consent), phone.String, email.String})
			return nil
		})
		if err != nil {
			w.fail(rw, err)
			return
		}
	}
	w.render(rw, "customers.html", map[string]any{"User": s.user, "Role": s.role, "Page": "customers", "Q": q, "Found": found, "Searched": q != ""})
}

// customer is the 360 page of one customer, recorded in ops.customer_views.
func (w *Web) customer(rw http.ResponseWriter, r *http.Request, s webSession) {
	id := r.PathValue("id")
	if r.URL.RawQuery != "" {
		w.refuse(rw, s, http.StatusBadRequest, "the customer page takes no parameters")
		return
	}
	snap, release, ok := w.acquire(rw)
	if !ok {
		return
	}
	defer release()
	v, err := readCustomer(r.Context(), snap.DB(ReaderClear), id, s.role)
	if err == sql.ErrNoRows {
		w.refuse(rw, s, http.StatusNotFound, fmt.Sprintf("no customer %q in the published run", warehouse.Excerpt(id, shownRunes)))
		return
	}
	if err != nil {
		w.fail(rw, err)
		return
	}
	// The view is recorded before anything is shown: no record, no page.
	if err := w.Access.RecordView(r.Context(), s.user, s.role, id); err != nil {
		w.fail(rw, err)
		return
	}
	w.render(rw, "customer.html", map[string]any{"User": s.user, "Role": s.role, "Page": "customers", "C": v, "AsOf": snap.Manifest.AsOf})
}

// customerAudit lists the latest customer views, for admins.
func (w *Web) customerAudit(rw http.ResponseWriter, r *http.Request, s webSession) {
	if s.role != RoleAdmin {
		w.refuse(rw, s, http.StatusForbidden, "the audit of customer views is for admins")
		return
	}
	views, err := w.Access.RecentViews(r.Context(), 500)
	if err != nil {
		w.fail(rw, err)
		return
	}
	g := sheet{Columns: []string{"viewed at (UTC)", "user", "role", "customer"}}
	for _, v := range views {
		g.Rows = append(g.Rows, []string{v.At.Format("2006-01-02 15:04:05"), v.User, v.Role, v.Customer})
	}
	w.render(rw, "audit.html", map[string]any{"User": s.user, "Role": s.role, "Page": "customers", "Views": g})
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// cellText writes a value of the 360 page.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.Format("2006-01-02 15:04")
	case float64:
		return fmt.Sprintf("%.4g", x)
	case bool:
		return yesNo(x)
	}
	return warehouse.Text(v, "")
}

// readGrid reads an embedded query about the customer into a sheet, hiding the contact columns
// (phone, email) when hide is set. The query gets the customer id as $1 and, as .Keys, the
// customer's surrogate keys (all versions) as a list of integer constants.
func readGrid(ctx context.Context, db warehouse.Querier, file, id, keys string, hide bool) (sheet, error) {
	var g sheet
	args := []any{id}
	if keys != "" {
		args = nil // the fact queries name the customer by their keys only
	}
	err := warehouse.ForEachRow(ctx, db, file, map[string]string{"Keys": keys}, args, func(rows *sql.Rows) error {
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		g.Columns = cols
		vals, ptrs := warehouse.ScanTargets(len(cols))
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = cellText(v)
			if hide && (cols[i] == "phone" || cols[i] == "email") && row[i] != "" {
				row[i] = "(hidden: no marketing consent)"
			}
		}
		g.Rows = append(g.Rows, row)
		return nil
	})
	if err != nil {
		return g, fmt.Errorf("%s: %w", file, err)
	}
	return g, nil
}

func readCustomer(ctx context.Context, db warehouse.Querier, id, role string) (*customerView, error) {
	v := &customerView{ID: id}
	var phone, email sql.NullString
	var keys []int64
	rows, err := db.QueryContext(ctx, `SELECT any_value(name ORDER BY is_current DESC), any_value(phone ORDER BY is_current DESC),
		any_value(email ORDER BY is_current DESC), bool_or(marketing_consent AND is_current), list(customer_key ORDER BY customer_key)
		FROM dim_customer WHERE customer_id = $1 HAVING count(*) > 0`, id)
	if err != nil {
		return nil, err
	}
	found := rows.Next()
	if found {
		var list []any
		err = rows.Scan(&v.Name, &phone, &email, &v.Consent, &list)
		for _, k := range list {
			keys = append(keys, k.(int64))
		}
	}
	rows.Close()
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, sql.ErrNoRows
	}
	v.ContactShown = maySeeContact(role, v.Consent)
	if v.ContactShown {
		v.Phone, v.Email = phone.String, email.String
	}
	hide := !v.ContactShown
	keyList := make([]string, len(keys))
	for i, k := range keys {
		keyList[i] = strconv.FormatInt(k, 10)
	}
	// The parts are independent scans of the snapshot's facts: read them at once.
	var scores, extras sheet
	g, gctx := errgroup.WithContext(ctx)
	for _, part := range []struct {
		file  string
		to    *sheet
		facts bool
	}{
		{"serve/customer_versions.sql", &v.Versions, false}, {"serve/customer_orders.sql", &v.Orders, true},
		{"serve/customer_interactions.sql", &v.Interactions, true}, {"serve/customer_surveys.sql", &v.Surveys, true},
		{"serve/customer_contacts.sql", &v.Contacts, true}, {"serve/customer_history.sql", &v.History, false},
		{"serve/customer_scores.sql", &scores, false}, {"serve/customer_extras.sql", &extras, false},
	} {
		g.Go(func() error {
			keys := ""
			if part.facts {
				keys = strings.Join(keyList, ", ")
			}
			s, err := readGrid(gctx, db, part.file, id, keys, hide && part.file == "serve/customer_versions.sql")
			*part.to = s
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	// The history's snapshots apart from its categorical intervals.
	var cat, snaps [][]string
	for _, r := range v.History.Rows {
		if r[0] == "snapshot" {
			snaps = append(snaps, []string{r[3], r[5], r[6], r[7]})
		} else {
			cat = append(cat, []string{r[1], r[2], r[3], r[4]})
		}
	}
	v.History = sheet{Columns: []string{"score", "value", "from", "until"}, Rows: cat}
	v.Snapshots = sheet{Columns: []string{"as of", "clv", "churn_probability", "monetary"}, Rows: snaps}
	if len(scores.Rows) == 1 {
		for i, c := range scores.Columns {
			if scores.Rows[0][i] != "" {
				v.Scores = append(v.Scores, [2]string{c, scores.Rows[0][i]})
			}
		}
	}
	for _, r := range extras.Rows {
		if r[0] == "care" {
			v.Care = append(v.Care, r[1])
		} else {
			v.Recommendations = append(v.Recommendations, r[1])
		}
	}
	return v, nil
}
