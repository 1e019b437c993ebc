package mining

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/warehouse"
)

// ServiceFit is what the service measures found.
type ServiceFit struct {
	Surveys, Complaints int64
	Bands               []float64
	RepurchaseDays      int
}

// Model is the record for scores.model_runs.
func (f *ServiceFit) Model() *Model {
	return &Model{Method: "service", Customers: f.Surveys + f.Complaints,
		Parameters: map[string]any{"satisfaction_bands": f.Bands, "repurchase_days": f.RepurchaseDays},
		Metrics:    map[string]any{"surveys": f.Surveys, "complaints": f.Complaints}}
}

// ServiceTables are the service measures' result tables, saved as mining.<table>.
var ServiceTables = []string{"satisfaction_summary", "complaint_summary", "service_outcomes"}

// band is one satisfaction band: its key (the range) and its label.
type band struct{ Key, Label string }

// bandNames names the bands the bounds make: "<0.80", "0.80-0.95", ..., ">=1.05", with words for
// the default four.
func bandNames(bounds []float64, language string) []band {
	words := map[string][]string{
		"en": {"very dissatisfied", "dissatisfied", "satisfied", "delighted"},
		"zh": {"很不满意", "不满意", "满意", "非常满意"},
	}[language]
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	out := make([]band, len(bounds)+1)
	for i := range out {
		switch {
		case i == 0:
			out[i].Key = "<" + f(bounds[0])
		case i == len(bounds):
			out[i].Key = ">=" + f(bounds[i-1])
		default:
			out[i].Key = f(bounds[i-1]) + "-" + f(bounds[i])
		}
		out[i].Label = out[i].Key
		if len(out) == len(words) {
			out[i].Label = words[i] + " (" + out[i].Key + ")"
		}
	}
	return out
}

// serviceOrderDimensions are the dimensions the orders are counted by, for the response and
// complaint rates (besides the total), with their key in Temp.ServiceOrders.
var serviceOrderDimensions = []struct{ Name, Key string }{
	{"store", "store_key"}, {"employee", "employee_key"}, {"category", "category_id"}, {"channel", "channel_key"},
}

// Service computes the customer-relations department's service measures at asOf: satisfaction
// (CSI and gap) and complaints (rates, resolution, repeat complainers) by store, employee,
// product category, channel or topic, in total and by month, and the satisfaction -> loyalty
// link (repurchase and churn by satisfaction band, churn by complaint status). horizon is the
// churn horizon that makes a customer lost; purchases are the mining input on conn (Temp.Tx,
// built for asOf). It leaves the ServiceTables' results for Save.
func Service(ctx context.Context, conn *sql.Conn, c configs.Service, horizon int, language string, asOf time.Time) (*ServiceFit, error) {
	words := map[string][3]string{
		"en": {"unresolved complaint", "complaints, all resolved", "no complaint"},
		"zh": {"有未解决的投诉", "投诉均已解决", "无投诉"},
	}[language]
	data := map[string]any{
		"AsOf": asOf.Format(time.DateOnly), "Horizon": horizon,
		"Bands": c.SatisfactionBands, "BandNames": bandNames(c.SatisfactionBands, language), "RepurchaseDays": c.RepurchaseDays,
		"Unresolved": words[0], "Resolved": words[1], "NoComplaint": words[2],
		"OrderDimensions": serviceOrderDimensions,
	}
	for _, f := range []string{"service_orders", "satisfaction_summary", "complaint_summary", "service_outcomes"} {
		if err := script(ctx, conn, "mining/"+f+".sql", data); err != nil {
			return nil, fmt.Errorf("service: %w", err)
		}
	}
	fit := &ServiceFit{Bands: c.SatisfactionBands, RepurchaseDays: c.RepurchaseDays}
	err := warehouse.ForEachRow(ctx, conn, "mining/service_totals.sql", nil, nil, func(rows *sql.Rows) error {
		return rows.Scan(&fit.Surveys, &fit.Complaints)
	})
	if err != nil {
		return nil, fmt.Errorf("service: %w", err)
	}
	return fit, nil
}

// LoyaltyFit is what the loyalty scoring found.
type LoyaltyFit struct {
	Customers, Buyers int64
	Types             map[string]int64
	Tiers             map[string]int64
	params            map[string]any
}

// Model is the record for scores.model_runs.
func (f *LoyaltyFit) Model() *Model {
	return &Model{Method: "loyalty", Customers: f.Customers, Parameters: f.params,
		Metrics: map[string]any{"buyers": f.Buyers, "loyalty_types": f.Types, "tiers": f.Tiers}}
}

// Loyalty scores every customer known at asOf: the loyalty index and type (configs.Loyalty), the
// referrals made and the network's revenue, and the membership tier (configs.Tiers). It leaves
// loyalty_result for Save.
func Loyalty(ctx context.Context, conn *sql.Conn, l configs.Loyalty, t configs.Tiers, statuses []string, asOf time.Time) (*LoyaltyFit, error) {
	weights := map[string]float64{}
	sum := 0.0
	for _, p := range configs.LoyaltyParts {
		weights[p] = l.Weights[p]
		sum += l.Weights[p]
	}
	type level struct {
		configs.Tier
		Rank int
	}
	var upper []level
	for i, lv := range t.Levels[:len(t.Levels)-1] {
		upper = append(upper, level{lv, i + 1})
	}
	data := map[string]any{
		"AsOf": asOf.Format(time.DateOnly), "Statuses": statuses, "Weights": weights, "WeightSum": sum,
		"RepeatOrders": l.RepeatOrders, "TenureDays": l.TenureDays, "Referrals": l.Referrals, "RecencyDays": l.RecencyDays,
		"RepeatMinOrders": l.RepeatMinOrders, "Attitude": l.AttitudeSatisfaction,
		"Basis": t.Basis, "Upper": upper, "Last": level{t.Levels[len(t.Levels)-1], len(t.Levels)},
	}
	if err := script(ctx, conn, "mining/loyalty.sql", data); err != nil {
		return nil, fmt.Errorf("loyalty: %w", err)
	}
	fit := &LoyaltyFit{Types: map[string]int64{}, Tiers: map[string]int64{},
		params: map[string]any{"weights": weights, "repeat_orders": l.RepeatOrders, "tenure_days": l.TenureDays,
			"referrals": l.Referrals, "recency_days": l.RecencyDays, "repeat_min_orders": l.RepeatMinOrders,
			"attitude_satisfaction": l.AttitudeSatisfaction, "tier_basis": t.Basis, "tiers": t.Names()}}
	err := warehouse.ForEachRow(ctx, conn, "mining/loyalty_counts.sql", nil, nil, func(rows *sql.Rows) error {
		var kind, v string
		var n int64
		if err := rows.Scan(&kind, &v, &n); err != nil {
			return err
		}
		if kind == "tier" {
			fit.Tiers[v] = n
			fit.Customers += n
		} else if v != "" {
			fit.Types[v] = n
			fit.Buyers += n
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loyalty: %w", err)
	}
	return fit, nil
}

// CareFit counts the customers on each care list.
type CareFit struct {
	Lists map[string]int64
	cfg   configs.Care
}

// Model is the record for scores.model_runs.
func (f *CareFit) Model() *Model {
	var n int64
	for _, v := range f.Lists {
		n += v
	}
	return &Model{Method: "care", Customers: n,
		Parameters: map[string]any{"birthday_days": f.cfg.BirthdayDays, "anniversary_days": f.cfg.AnniversaryDays,
			"service_interval_days": f.cfg.ServiceIntervalDays, "missed_appointment_days": f.cfg.MissedAppointmentDays,
			"complaint_open_days": f.cfg.ComplaintOpenDays},
		Metrics: map[string]any{"lists": f.Lists}}
}

// Care builds the care lists at asOf (who to care for now, and why, in language) and leaves
// care_lists_result for Save. First purchases come from the mining input on conn (Temp.Tx, built
// for asOf).
func Care(ctx context.Context, conn *sql.Conn, c configs.Care, language string, asOf time.Time) (*CareFit, error) {
	if err := script(ctx, conn, "mining/care_lists.sql", map[string]any{
		"AsOf": asOf.Format(time.DateOnly), "Language": language,
		"BirthdayDays": c.BirthdayDays, "AnniversaryDays": c.AnniversaryDays, "ServiceInterval": c.ServiceIntervalDays,
		"MissedDays": c.MissedAppointmentDays, "ComplaintDays": c.ComplaintOpenDays,
	}); err != nil {
		return nil, fmt.Errorf("care: %w", err)
	}
	fit := &CareFit{Lists: map[string]int64{}, cfg: c}
	err := warehouse.ForEachRow(ctx, conn, "mining/care_counts.sql", nil, nil, func(rows *sql.Rows) error {
		var l string
		var n int64
		if err := rows.Scan(&l, &n); err != nil {
			return err
		}
		fit.Lists[l] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("care: %w", err)
	}
	return fit, nil
}
