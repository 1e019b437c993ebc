package serve

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"net/http"

	"github.com/crmwh/crmwh/warehouse"
)

// campaignRow is a campaign of the Campaigns page.
type campaignRow struct {
	ID, Name, Channel, Start        string
	Contacts, Control               int64
	ResponseRate, ControlRate       sql.NullFloat64
	Uplift, Low, High, P            sql.NullFloat64
	Revenue                         float64
	ROI, RevUplift, RevLow, RevHigh sql.NullFloat64
	IncRevenue, IncROI              sql.NullFloat64
	HasControl                      bool
	Evaluation                      string
}

// breakdownRow is a segment of a campaign's breakdown.
type breakdownRow struct {
	Dimension, Member                 string
	Contacts, Control                 int64
	ResponseRate, ControlRate, Uplift sql.NullFloat64
	Low, High, RevUplift              sql.NullFloat64
}

// upliftBar is one campaign's response uplift with its interval, placed in the chart's SVG.
type upliftBar struct {
	Label, Text                string
	Y, X0, X1, X, Zero, LabelX float64
}

// campaigns is the Campaigns page: every evaluated campaign, a chart of the response uplift
// with its 95% interval for those with a control group, and the breakdown of a chosen one.
func (w *Web) campaigns(rw http.ResponseWriter, r *http.Request, s webSession) {
	pairs, err := ParsePairs(r.URL.RawQuery)
	if err == nil {
		err = onlyKeys(pairs, "campaign")
	}
	if err != nil {
		w.refuse(rw, s, http.StatusBadRequest, err.Error())
		return
	}
	snap, release, ok := w.acquire(rw)
	if !ok {
		return
	}
	defer release()
	db := snap.DB(ReaderClear)
	list, err := readCampaigns(r.Context(), db)
	if err != nil {
		w.fail(rw, err)
		return
	}
	chosen := pairs["campaign"]
	if chosen == "" {
		for _, c := range list {
			if c.HasControl {
				chosen = c.ID
				break
			}
		}
	}
	var breakdown []breakdownRow
	if chosen != "" {
		known := false
		for _, c := range list {
			known = known || c.ID == chosen
		}
		if !known {
			w.refuse(rw, s, http.StatusBadRequest, fmt.Sprintf("no campaign %q in the published run", warehouse.Excerpt(chosen, shownRunes)))
			return
		}
		if breakdown, err = readBreakdown(r.Context(), db, chosen); err != nil {
			w.fail(rw, err)
			return
		}
	}
	w.render(rw, "campaigns.html", map[string]any{"User": s.user, "Role": s.role, "Page": "campaigns", "AsOf": snap.Manifest.AsOf,
		"Campaigns": list, "Chart": upliftChart(list), "Chosen": chosen, "Breakdown": breakdown})
}

func readCampaigns(ctx context.Context, db warehouse.Querier) ([]campaignRow, error) {
	var out []campaignRow
	err := warehouse.ForEachRow(ctx, db, "serve/campaigns.sql", nil, nil, func(rows *sql.Rows) error {
		var c campaignRow
		if err := rows.Scan(&c.ID, &c.Name, &c.Channel, &c.Start, &c.Contacts, &c.ResponseRate, &c.Control, &c.ControlRate,
			&c.Uplift, &c.Low, &c.High, &c.P, &c.Revenue, &c.ROI, &c.RevUplift, &c.RevLow, &c.RevHigh, &c.IncRevenue, &c.IncROI,
			&c.HasControl, &c.Evaluation); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

func readBreakdown(ctx context.Context, db warehouse.Querier, campaign string) ([]breakdownRow, error) {
	var out []breakdownRow
	err := warehouse.ForEachRow(ctx, db, "serve/campaign_breakdown.sql", nil, []any{campaign}, func(rows *sql.Rows) error {
		var b breakdownRow
		if err := rows.Scan(&b.Dimension, &b.Member, &b.Contacts, &b.ResponseRate, &b.Control, &b.ControlRate,
			&b.Uplift, &b.Low, &b.High, &b.RevUplift); err != nil {
			return err
		}
		out = append(out, b)
		return nil
	})
	return out, err
}

// upliftChart places each measured campaign's response uplift and its interval on a common
// scale in a 600-wide SVG: labels on the left 190 units, 26 units a row, a line at zero.
func upliftChart(list []campaignRow) []upliftBar {
	lo, hi := 0.0, 0.0
	for _, c := range list {
		if c.Uplift.Valid {
			lo, hi = math.Min(lo, c.Low.Float64), math.Max(hi, c.High.Float64)
		}
	}
	if hi-lo == 0 {
		return nil
	}
	scale := func(v float64) float64 { return 200 + 380*(v-lo)/(hi-lo) }
	var bars []upliftBar
	for _, c := range list {
		if !c.Uplift.Valid {
			continue
		}
		bars = append(bars, upliftBar{Label: c.ID, Y: float64(len(bars)) * 26,
			Text: fmt.Sprintf("%+.1f pp [%+.1f, %+.1f]", 100*c.Uplift.Float64, 100*c.Low.Float64, 100*c.High.Float64),
			X0:   scale(c.Low.Float64), X1: scale(c.High.Float64), X: scale(c.Uplift.Float64), Zero: scale(0)})
	}
	return bars
}
