package serve

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"

	"github.com/crmwh/crmwh/warehouse"
)

// csiRow is a store or employee of the Service page's satisfaction tables.
type csiRow struct {
	Member, Name string
	Surveys      int64
	CSI, Gap     float64
	ResponseRate sql.NullFloat64
}

// complaintRow is a store or topic of the Service page's complaint tables.
type complaintRow struct {
	Member, Name            string
	Complaints, Repeat      int64
	PerCustomers, PerOrders sql.NullFloat64
	Resolved                float64
	MedianDays              sql.NullFloat64
}

// outcomeRow is a satisfaction band or complaint status of the satisfaction -> loyalty link.
type outcomeRow struct {
	Analysis, Group, Label string
	Customers, Lost        int64
	Churn                  sql.NullFloat64
	Surveys                sql.NullInt64
	Repurchase             sql.NullFloat64
}

// tierRow is a membership tier's size.
type tierRow struct {
	Tier, Label         string
	Customers, Up, Down int64
}

// Service page settings: the employees shown are the lowest-CSI ones with enough surveys.
const (
	serviceEmployees     = 10
	serviceMinSurveys    = 10
	serviceStoreMinSurvs = 1
)

// service is the Service page: CSI by store and employee, complaint rates and resolution times
// by store and topic, the satisfaction -> repurchase chart and churn by complaint status, and
// the tier sizes, all from the published snapshot.
func (w *Web) service(rw http.ResponseWriter, r *http.Request, s webSession) {
	if r.URL.RawQuery != "" {
		w.refuse(rw, s, http.StatusBadRequest, "the Service page takes no parameters")
		return
	}
	snap, release, ok := w.acquire(rw)
	if !ok {
		return
	}
	defer release()
	ctx, db := r.Context(), snap.DB(ReaderClear)
	stores, err := readCSI(ctx, db, "store", serviceStoreMinSurvs)
	if err != nil {
		w.fail(rw, err)
		return
	}
	employees, err := readCSI(ctx, db, "employee", serviceMinSurveys)
	if err != nil {
		w.fail(rw, err)
		return
	}
	employees = employees[:min(len(employees), serviceEmployees)]
	storeComplaints, err := readComplaints(ctx, db, "store")
	if err != nil {
		w.fail(rw, err)
		return
	}
	topics, err := readComplaints(ctx, db, "topic")
	if err != nil {
		w.fail(rw, err)
		return
	}
	var bands, statuses []outcomeRow
	err = warehouse.ForEachRow(ctx, db, "serve/service_outcomes.sql", nil, nil, func(rows *sql.Rows) error {
		var o outcomeRow
		if err := rows.Scan(&o.Analysis, &o.Group, &o.Label, &o.Customers, &o.Lost, &o.Churn, &o.Surveys, &o.Repurchase); err != nil {
			return err
		}
		if o.Analysis == "satisfaction_band" {
			bands = append(bands, o)
		} else {
			statuses = append(statuses, o)
		}
		return nil
	})
	if err != nil {
		w.fail(rw, err)
		return
	}
	var tiers []tierRow
	err = warehouse.ForEachRow(ctx, db, "serve/tier_sizes.sql", nil, nil, func(rows *sql.Rows) error {
		var t tierRow
		if err := rows.Scan(&t.Tier, &t.Label, &t.Customers, &t.Up, &t.Down); err != nil {
			return err
		}
		tiers = append(tiers, t)
		return nil
	})
	if err != nil {
		w.fail(rw, err)
		return
	}
	var csiBars, repurchaseBars, tierBars []bar
	for _, c := range stores {
		csiBars = append(csiBars, bar{Label: c.Member + " " + c.Name, Value: c.CSI, Text: fmt.Sprintf("%.3f", c.CSI)})
	}
	for _, b := range bands {
		if b.Repurchase.Valid {
			repurchaseBars = append(repurchaseBars, bar{Label: b.Label, Value: b.Repurchase.Float64, Text: pct(b.Repurchase.Float64),
				Extra: "of " + count(b.Surveys.Int64) + " surveys"})
		}
	}
	for _, t := range tiers {
		tierBars = append(tierBars, bar{Label: t.Label, Value: float64(t.Customers), Text: count(t.Customers)})
	}
	w.render(rw, "service.html", map[string]any{"User": s.user, "Role": s.role, "Page": "service", "AsOf": snap.Manifest.AsOf,
		"Stores": stores, "Employees": employees, "MinSurveys": serviceMinSurveys, "StoreComplaints": storeComplaints, "Topics": topics,
		"Bands": bands, "Statuses": statuses, "Tiers": tiers,
		"CSIBars": layoutBars(csiBars), "RepurchaseBars": layoutBars(repurchaseBars), "TierBars": layoutBars(tierBars)})
}

func readCSI(ctx context.Context, db warehouse.Querier, dimension string, minSurveys int) ([]csiRow, error) {
	var out []csiRow
	err := warehouse.ForEachRow(ctx, db, "serve/service_satisfaction.sql", nil, []any{dimension, minSurveys}, func(rows *sql.Rows) error {
		var c csiRow
		if err := rows.Scan(&c.Member, &c.Name, &c.Surveys, &c.CSI, &c.Gap, &c.ResponseRate); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

func readComplaints(ctx context.Context, db warehouse.Querier, dimension string) ([]complaintRow, error) {
	var out []complaintRow
	err := warehouse.ForEachRow(ctx, db, "serve/service_complaints.sql", nil, []any{dimension}, func(rows *sql.Rows) error {
		var c complaintRow
		if err := rows.Scan(&c.Member, &c.Name, &c.Complaints, &c.PerCustomers, &c.PerOrders, &c.Resolved, &c.MedianDays, &c.Repeat); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}
