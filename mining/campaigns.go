package mining

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/mining/uplift"
	"github.com/crmwh/crmwh/warehouse"
)

// CampaignFit is the outcome of the campaign evaluation.
type CampaignFit struct {
	Campaigns, WithControl int
	Contacts               int64
	WindowDays             int
}

// Model is the record for scores.model_runs.
func (f *CampaignFit) Model() *Model {
	return &Model{Method: "campaigns", Customers: f.Contacts,
		Parameters: map[string]any{"window_days": f.WindowDays,
			"tests": "response: two-proportion z-test (pooled), Wald interval; revenue per customer: Welch's t-test and interval"},
		Metrics: map[string]any{"campaigns": f.Campaigns, "with_control": f.WithControl, "contacts": f.Contacts}}
}

// campaignKey keys the group summaries: campaign, dimension, member.
type campaignKey struct{ campaign, dimension, member string }

// groupPair holds a campaign's (or a segment's) two groups: for the uplift, each group's window
// figures (every purchase in the window: the same rule for both); for the campaign's own
// figures, the treatment's attributed orders, revenue and margin.
type groupPair struct {
	t, c               uplift.Group
	winMargT, winMargC float64
	orders             int64
	revenue, margin    float64
}

// Campaigns evaluates every campaign with contacts up to asOf: what its contacts brought
// (responses, attributed orders, revenue, cost, ROI) and, when a control group was held out, the
// uplift in response rate and revenue per customer with 95% intervals and p-values (package
// uplift), overall and by the customers' segments at contact time. The control group is the
// source's (campaign_contacts.group) or the one held out of the campaign's list at export, read
// from the access store at path access. The purchases are the connection's mining input (Temp.Tx,
// built by PrepareWarehouse for asOf). It leaves campaign_effectiveness_result and
// campaign_breakdown_result for Save.
func Campaigns(ctx context.Context, conn *sql.Conn, c configs.Campaigns, language string, asOf time.Time, access string) (*CampaignFit, error) {
	if err := readHoldouts(ctx, conn, access); err != nil {
		return nil, fmt.Errorf("campaigns: control groups held out at export: %w", err)
	}
	if err := script(ctx, conn, "mining/campaign_outcomes.sql", map[string]any{
		"AsOf": asOf.Format(time.DateOnly), "WindowDays": c.WindowDays,
	}); err != nil {
		return nil, fmt.Errorf("campaigns: %w", err)
	}
	groups := map[campaignKey]*groupPair{}
	var order []campaignKey
	q, err := render("mining/campaign_groups.sql", nil)
	if err != nil {
		return nil, err
	}
	err = warehouse.EachRow(ctx, conn, q, nil, func(rows *sql.Rows) error {
		var k campaignKey
		var group string
		var n, responses, orders int64
		var revenue, margin, winRevenue, winRevenueSq, winMargin float64
		if err := rows.Scan(&k.campaign, &k.dimension, &k.member, &group, &n, &responses, &orders, &revenue, &margin,
			&winRevenue, &winRevenueSq, &winMargin); err != nil {
			return err
		}
		p := groups[k]
		if p == nil {
			p = &groupPair{}
			groups[k] = p
			order = append(order, k)
		}
		g := uplift.Group{N: n, Responses: responses, Revenue: winRevenue, RevenueSq: winRevenueSq}
		if group == "control" {
			p.c, p.winMargC = g, winMargin
		} else {
			p.t, p.winMargT, p.orders, p.revenue, p.margin = g, winMargin, orders, revenue, margin
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("campaigns: %w", err)
	}
	// The outcomes are summed now; they go, not when the run's mining connection closes (temp
	// tables spill uncompressed: 25M contacts at ten million customers).
	if _, err := conn.ExecContext(ctx, "DROP TABLE campaign_outcomes"); err != nil {
		return nil, fmt.Errorf("campaigns: %w", err)
	}
	type meta struct {
		name, channel sql.NullString
		start         sql.NullTime
		cost          sql.NullFloat64
	}
	metas := map[string]meta{}
	q, err = render("mining/campaign_meta.sql", nil)
	if err != nil {
		return nil, err
	}
	err = warehouse.EachRow(ctx, conn, q, nil, func(rows *sql.Rows) error {
		var id string
		var m meta
		if err := rows.Scan(&id, &m.name, &m.channel, &m.start, &m.cost); err != nil {
			return err
		}
		metas[id] = m
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("campaigns: %w", err)
	}

	fit := &CampaignFit{WindowDays: c.WindowDays}
	var eff, brk [][]driver.Value
	for _, k := range order {
		p := groups[k]
		hasControl := p.c.N > 0
		resp, rerr := uplift.Response(p.t, p.c)
		rev, verr := uplift.Revenue(p.t, p.c)
		measured := hasControl && rerr == nil && verr == nil
		if k.dimension != "all" {
			row := []driver.Value{k.campaign, k.dimension, k.member, p.t.N, ratio(float64(p.t.Responses), float64(p.t.N)),
				ratio(p.revenue, float64(p.t.N)), p.c.N, ratio(float64(p.c.Responses), float64(p.c.N))}
			if measured {
				row = append(row, num(resp.Diff), num(resp.Low), num(resp.High), num(rev.Diff), num(rev.Low), num(rev.High))
			} else {
				row = append(row, nil, nil, nil, nil, nil, nil)
			}
			brk = append(brk, row)
			continue
		}
		fit.Campaigns++
		fit.Contacts += p.t.N
		m := metas[k.campaign]
		cost := m.cost.Float64
		costOr := func(v float64) driver.Value {
			if !m.cost.Valid || cost == 0 {
				return nil
			}
			return num(v)
		}
		var start driver.Value
		if m.start.Valid {
			start = m.start.Time
		}
		row := []driver.Value{k.campaign, nullStr(m.name), nullStr(m.channel), start, nullFloat(m.cost),
			p.t.N, p.t.Responses, ratio(float64(p.t.Responses), float64(p.t.N)), p.orders, p.revenue, p.margin,
			ratio(cost, float64(p.t.Responses)), ratio(p.revenue, float64(p.t.N)), costOr((p.margin - cost) / cost),
			hasControl, p.c.N}
		words := campaignWords(language)
		if measured {
			fit.WithControl++
			marginUplift := p.winMargT/float64(p.t.N) - p.winMargC/float64(p.c.N)
			row = append(row, ratio(float64(p.c.Responses), float64(p.c.N)), ratio(p.c.Revenue, float64(p.c.N)),
				num(resp.Diff), num(resp.Relative), num(resp.Low), num(resp.High), num(resp.P),
				num(rev.Diff), num(rev.Low), num(rev.High), num(rev.P),
				num(rev.Diff*float64(p.t.N)), num(marginUplift*float64(p.t.N)), costOr((marginUplift*float64(p.t.N)-cost)/cost),
				words.measured)
		} else {
			note := words.noControl
			if hasControl {
				note = words.tooSmall
			}
			row = append(row, ratio(float64(p.c.Responses), float64(p.c.N)), ratio(p.c.Revenue, float64(p.c.N)),
				nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, note)
		}
		eff = append(eff, row)
	}
	if err := writeCampaignResults(ctx, conn, eff, brk); err != nil {
		return nil, fmt.Errorf("campaigns: %w", err)
	}
	return fit, nil
}

// readHoldouts reads the held-out control groups into campaign_holdouts; the access store is
// opened read-only, waiting while crmwh serve or export briefly holds it.
func readHoldouts(ctx context.Context, conn *sql.Conn, access string) error {
	_, statErr := os.Stat(access)
	data := map[string]any{"Access": access, "Exists": access != "" && statErr == nil}
	return warehouse.RetryLocked(ctx, func() error { return script(ctx, conn, "mining/campaign_holdouts.sql", data) })
}

type campaignText struct{ measured, noControl, tooSmall string }

// campaignWords are the evaluation column's sentences.
func campaignWords(language string) campaignText {
	if language == "zh" {
		return campaignText{"与随机对照组比较（未接触的客户）：提升量有置信区间和p值",
			"没有对照组：只能知道响应情况，无法衡量活动带来的提升",
			"对照组太小（少于两位客户），无法衡量提升"}
	}
	return campaignText{"measured against a control group held out at random (not contacted)",
		"no control group: only the response is known, not what the campaign changed",
		"the control group is too small (fewer than two customers) to measure an uplift"}
}

func writeCampaignResults(ctx context.Context, conn *sql.Conn, eff, brk [][]driver.Value) error {
	for _, ddl := range []string{
		`CREATE OR REPLACE TEMP TABLE campaign_effectiveness_result AS SELECT * EXCLUDE (run_id, as_of) FROM mining.campaign_effectiveness WITH NO DATA`,
		`CREATE OR REPLACE TEMP TABLE campaign_breakdown_result AS SELECT * EXCLUDE (run_id, as_of) FROM mining.campaign_breakdown WITH NO DATA`,
	} {
		if _, err := conn.ExecContext(ctx, ddl); err != nil {
			return err
		}
	}
	if err := appendRows(conn, "campaign_effectiveness_result", eff); err != nil {
		return err
	}
	return appendRows(conn, "campaign_breakdown_result", brk)
}

// ratio is a / b, NULL when b is 0.
func ratio(a, b float64) driver.Value {
	if b == 0 {
		return nil
	}
	return a / b
}

// num is v, NULL when it is not a number (a relative uplift over a zero rate).
func num(v float64) driver.Value {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

func nullStr(s sql.NullString) driver.Value {
	if !s.Valid {
		return nil
	}
	return s.String
}

func nullFloat(f sql.NullFloat64) driver.Value {
	if !f.Valid {
		return nil
	}
	return f.Float64
}
