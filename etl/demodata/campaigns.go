package demodata

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// The planted campaign effects, for the campaign evaluation to recover: two campaigns in the
// third year hold out half of the chosen customers at random as a control group (not
// contacted); the effective one gives a contacted customer an extra purchase within two weeks
// with a known chance, the null one changes nothing. Indexes count campaigns from the start of
// history (one every 37 days).
const (
	nullCampaign          = 18 // a control group, no effect
	effectiveCampaign     = 20
	controlShare          = 0.5
	plantedPurchaseChance = 0.12
	// UpliftWindowDays is the attribution window the planted truth is measured over (the
	// campaign evaluation's default).
	UpliftWindowDays = 30
)

// CampaignPlant records the planted campaign effects and their true size on the customers
// written: the share of the effective campaign's treated customers whose response the planted
// purchase created (they bought nothing else in the window), and its revenue per treated customer.
type CampaignPlant struct {
	WithControl        []string `json:"with_control"`
	ControlShare       float64  `json:"control_share"`
	Effective          string   `json:"effective"`
	Null               []string `json:"null"`
	PurchaseChance     float64  `json:"purchase_chance"`
	WindowDays         int      `json:"window_days"`
	Treated            int64    `json:"treated"`
	Control            int64    `json:"control"`
	TrueResponseUplift float64  `json:"true_response_uplift"`
	TrueRevenueUplift  float64  `json:"true_revenue_uplift"`
}

// upliftTruth accumulates the effective campaign's counterfactual while customers are written.
type upliftTruth struct {
	treated, control, created int64
	revenue                   float64
}

// campaignID is the id of the k-th campaign (from 0).
func campaignID(k int) string { return fmt.Sprintf("CMP%03d", k+1) }

// plant is what the generator does for campaign k: the control share and the chance of a
// planted purchase for a treated customer.
func plant(k int) (control, effect float64) {
	switch k {
	case effectiveCampaign:
		return controlShare, plantedPurchaseChance
	case nullCampaign:
		return controlShare, 0
	}
	return 0, 0
}

func (g *generator) campaignPlant() CampaignPlant {
	p := CampaignPlant{ControlShare: controlShare, Effective: campaignID(effectiveCampaign), PurchaseChance: plantedPurchaseChance,
		WindowDays: UpliftWindowDays, Treated: g.uplift.treated, Control: g.uplift.control}
	p.WithControl = []string{campaignID(nullCampaign), campaignID(effectiveCampaign)}
	p.Null = []string{campaignID(nullCampaign)}
	if g.uplift.treated > 0 {
		p.TrueResponseUplift = float64(g.uplift.created) / float64(g.uplift.treated)
		p.TrueRevenueUplift = g.uplift.revenue / float64(g.uplift.treated)
	}
	return p
}

// plantedOrder writes the extra purchase the effective campaign causes: a completed web order of
// a basket at list price, with an id of its own range (so later exports give it the same id).
// It returns the order's revenue.
func (g *generator) plantedOrder(rng *rand.Rand, c *customerState, at time.Time, k int) float64 {
	oid := strconv.Itoa(c.id*10000 + 9000 + k)
	c.orders = append(c.orders, orderRef{id: oid, at: at, status: "completed"})
	written := at.Before(g.endExcl)
	if written {
		g.orders.write([]string{oid, c.sid, "", "", "web", ts(at), "completed"})
	}
	revenue := 0.0
	for line, it := range g.basket(rng, c) {
		p := g.cat.priceAt(it.product, at)
		revenue += p * float64(it.qty)
		if written {
			g.items.write([]string{oid, strconv.Itoa(line + 1), g.cat.products[it.product].id, strconv.Itoa(it.qty),
				strconv.FormatFloat(p, 'f', 2, 64), "0"})
		}
	}
	return revenue
}
