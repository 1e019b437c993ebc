package demodata

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Latent customer types, the BG/NBD story: each buys at its own rate and may silently drop out
// after any purchase. The rates and dropout chances are the types' means; every customer draws
// their own around them.
type custType struct {
	name      string
	share     float64
	interval  float64 // mean days between purchases
	drop      float64 // base chance of dropping out after a purchase
	extra     float64 // mean extra small items per order
	premium   float64 // preference for the dearer models, 0..1
	service   float64 // mean days between service visits
	bigTicket float64 // chance that an order centres on a big-ticket product
}

var customerTypes = []custType{
	{"loyal", 0.12, 14, 0.01, 1.5, 0.8, 100, 0.40},
	{"regular", 0.30, 30, 0.03, 1.0, 0.5, 170, 0.30},
	{"occasional", 0.33, 80, 0.08, 0.4, 0.4, 330, 0.25},
	{"one_timer", 0.25, 300, 0.65, 0.2, 0.25, 700, 0.20},
}

const day = 24 * time.Hour

// acquisitionSpan is the stretch of history over which customers are won.
const acquisitionSpan = 1095 * day

func days(d float64) time.Duration { return time.Duration(d * float64(day)) }

type complaint struct {
	at       time.Time
	resolved bool
}

type orderRef struct {
	id     string
	at     time.Time
	status string
}

type customerState struct {
	id         int
	sid        string
	typ        *custType
	acq        time.Time
	homeStore  int
	channel    string
	favourite  string
	drop       float64
	satLevel   float64
	complaintP float64
	orderSeq   int
	interSeq   int
	surveySeq  int
	complaints []complaint
	lastSat    float64
	lastSvc    time.Time
	orders     []orderRef
	svc        *rand.Rand // the service plants' stream (service.go)
}

// customer simulates one customer from acquisition to the end date and writes their rows.
func (g *generator) customer(id int) {
	rng := rand.New(rand.NewPCG(g.opt.Seed, uint64(id)))
	c := &customerState{id: id, sid: strconv.Itoa(id), lastSat: 1}
	c.acq = g.acquisition(rng)
	c.svc = g.serviceRNG(id)
	u := rng.Float64()
	for i := range customerTypes {
		c.typ = &customerTypes[i]
		if u < c.typ.share {
			break
		}
		u -= c.typ.share
	}
	t := c.typ

	gender := []string{"F", "M"}[rng.IntN(2)]
	if rng.Float64() < 0.03 {
		gender = ""
	}
	birth := ""
	if rng.Float64() >= 0.05 {
		birth = time.Date(1950+rng.IntN(55), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	}
	sur, given := surnames[rng.IntN(len(surnames))], givenNames[rng.IntN(len(givenNames))]
	name := sur + " " + given
	ctype := "individual"
	if rng.Float64() < 0.08 {
		ctype = "organization"
		name = sur + " " + []string{"Trading Co.", "Technology Ltd.", "Design Studio", "Logistics"}[rng.IntN(4)]
	}
	phone := fmt.Sprintf("13%d%08d", rng.IntN(10), rng.IntN(100000000))
	email := fmt.Sprintf("%s.%s%d@example.com", strings.ToLower(given), strings.ToLower(sur), id)
	region := regions[rng.IntN(len(regions))]
	city := region.cities[rng.IntN(len(region.cities))]
	c.homeStore = g.homeStore(rng, city, region.name)
	c.channel = pick(rng, []string{"walk-in", "web", "referral", "campaign"}, []float64{0.4, 0.3, 0.15, 0.15})
	consent := rng.Float64() < 0.7

	// Type-2 changes at absolute times: a move to another region, a change of consent.
	var moveAt, flipAt time.Time
	newRegion := regions[rng.IntN(len(regions))]
	newCity := newRegion.cities[rng.IntN(len(newRegion.cities))]
	if rng.Float64() < 0.25 && newCity != city {
		moveAt = c.acq.Add(days(30 + 1065*rng.Float64())).Truncate(time.Second)
	}
	if rng.Float64() < 0.15 {
		flipAt = c.acq.Add(days(30 + 1065*rng.Float64())).Truncate(time.Second)
	}

	// Personal parameters around the type's means.
	gammaish := (rng.ExpFloat64() + rng.ExpFloat64() + rng.ExpFloat64() + rng.ExpFloat64()) / 4
	interval := t.interval / math.Max(gammaish, 0.15)
	c.drop = math.Min(0.95, t.drop*math.Exp(0.3*rng.NormFloat64()))
	c.satLevel = 0.97 + 0.1*rng.NormFloat64()
	c.complaintP = 0.05 * math.Exp(0.5*rng.NormFloat64())
	serviceInterval := t.service * math.Exp(0.5*rng.NormFloat64())
	c.favourite = g.cat.bigCats[rng.IntN(len(g.cat.bigCats))]
	buys := rng.Float64() >= 0.03

	if !c.acq.Before(g.endExcl) {
		return
	}
	g.types[t.name]++

	// The customers row shows the state as of the end date.
	curRegion, curCity, curConsent, updated := region.name, city, consent, c.acq
	if !moveAt.IsZero() && moveAt.Before(g.endExcl) {
		curRegion, curCity, updated = newRegion.name, newCity, maxTime(updated, moveAt)
	}
	if !flipAt.IsZero() && flipAt.Before(g.endExcl) {
		curConsent, updated = !consent, maxTime(updated, flipAt)
	}
	referredBy := ""
	if c.channel == "referral" {
		if referredBy = g.referrer(c.svc, id, c.acq); referredBy != "" {
			g.referred++
		}
	}
	rec := []string{c.sid, name, gender, birth, phone, email, curCity, curRegion, ctype, c.channel,
		strconv.FormatBool(curConsent), ts(c.acq), ts(updated), referredBy}
	g.emit(rng, g.customers, c.acq, rec, func(d dirt, r []string) []string {
		switch d.kind {
		case UnparsableDate:
			r[0], r[11] = strconv.Itoa(900000000+id), d.badDate()
		case MissingRequired:
			r[0], r[1] = strconv.Itoa(950000000+id), ""
		}
		return r
	})

	// Events in time order; the loop stops at the end date, so a later end date only adds rows.
	next := c.acq
	if !buys {
		next = farFuture
	}
	c.lastSvc = c.acq
	nextSvc := c.acq.Add(days(serviceInterval * rng.ExpFloat64()))
	nextCall := c.acq.Add(days(240 * rng.ExpFloat64()))
	alive := true
	var dropoutAt time.Time
	for alive {
		now := minTime(next, minTime(nextSvc, nextCall))
		if !now.Before(g.endExcl) {
			break
		}
		switch {
		case now.Equal(next):
			defected := g.order(rng, c, now)
			if rng.Float64() < c.dropChance(now)*g.plantedDropout(c, now) || defected {
				alive, dropoutAt = false, now
			}
			next = now.Add(days(math.Max(1, nextInterval(c.lastSat, interval*rng.ExpFloat64()))))
		case now.Equal(nextSvc):
			visit := now
			if rng.Float64() < 0.4 && now.Add(-7*day).After(c.acq) {
				outcome := "completed"
				if rng.Float64() < 0.1 {
					outcome = "no-show"
				}
				g.interaction(rng, c, now.Add(-days(1+6*rng.Float64())), "appointment", outcome, g.technician(rng, c), "", time.Time{})
				if outcome == "no-show" {
					visit = rescheduled(c.svc, now)
				}
			}
			g.interaction(rng, c, visit, "service visit", "completed", g.technician(rng, c), "", time.Time{})
			c.lastSvc = now
			nextSvc = now.Add(days(math.Max(7, serviceInterval*rng.ExpFloat64())))
		default:
			g.interaction(rng, c, now, "call", "completed", "", "", time.Time{})
			nextCall = now.Add(days(math.Max(7, 240*rng.ExpFloat64())))
		}
	}
	g.campaignContacts(c, consent, flipAt)
	dropped := ""
	if !dropoutAt.IsZero() {
		dropped = dropoutAt.Format("2006-01-02")
	}
	_ = g.truth.Write([]string{c.sid, t.name, strconv.Itoa(len(c.orders)), dropped})
}

// plantedDropout is the factor on the dropout chance that the planted change adds: the customers
// acquired through PlantedDropout.Channel from PlantedDropout.From on drop out faster.
func (g *generator) plantedDropout(c *customerState, t time.Time) float64 {
	if c.channel == plantedDropout.Channel && !c.acq.Before(g.plantFrom) {
		return plantedDropout.Factor
	}
	return 1
}

// dropChance is the chance of silently dropping out after the purchase at t: the personal base
// rate raised by unresolved complaints of the last half year, low satisfaction and a long time
// without a service visit, so that churn has observable causes.
func (c *customerState) dropChance(t time.Time) float64 {
	unresolved := 0
	for _, cp := range c.complaints {
		if !cp.resolved && cp.at.After(t.Add(-180*day)) && cp.at.Before(t.Add(11*day)) {
			unresolved++
		}
	}
	m := 1 + 5.0*float64(unresolved)
	if c.lastSat < 0.8 {
		m += 1.5
	}
	if t.Sub(c.lastSvc) > 365*day {
		m += 1.0
	}
	return math.Min(0.95, c.drop*m)
}

// order writes one order with its lines and what follows it (a complaint, a return visit, a
// survey); it says whether the survey made the customer stop buying.
func (g *generator) order(rng *rand.Rand, c *customerState, at time.Time) bool {
	c.orderSeq++
	oid := strconv.Itoa(c.id*10000 + c.orderSeq)
	channel := g.orderChannel(rng, c.channel)
	storeID, employee := "", ""
	if channel == "store" {
		si := c.homeStore
		if rng.Float64() < 0.1 {
			si = rng.IntN(len(g.cat.stores))
		}
		s := g.cat.stores[si]
		storeID, employee = s.id, s.consultants[rng.IntN(len(s.consultants))]
	}
	status := pick(rng, []string{"completed", "cancelled", "returned"}, []float64{0.94, 0.03, 0.03})
	c.orders = append(c.orders, orderRef{id: oid, at: at, status: status})
	g.emit(rng, g.orders, at, []string{oid, c.sid, storeID, employee, channel, ts(at), status}, c.brokenEvent(&c.orderSeq, eventColumns{date: 5, required: 1}))

	for line, it := range g.basket(rng, c) {
		p := g.cat.priceAt(it.product, at)
		disc := pick(rng, []string{"0", "0.05", "0.1", "0.15", "0.2"}, []float64{0.65, 0.15, 0.12, 0.05, 0.03})
		rec := []string{oid, strconv.Itoa(line + 1), g.cat.products[it.product].id, strconv.Itoa(it.qty),
			strconv.FormatFloat(p, 'f', 2, 64), disc}
		g.emit(rng, g.items, at, rec, func(d dirt, r []string) []string {
			if d.kind == DuplicateKey {
				return r
			}
			r[1] = strconv.Itoa(900 + line + 1)
			switch d.kind {
			case InvalidQuantity:
				r[3] = strconv.Itoa(-(d.pick % 4))
			case UnknownReference:
				r[2] = "P9999"
			case MissingRequired:
				r[2] = ""
			}
			return r
		})
	}

	complaintP := c.complaintP
	if status != "completed" {
		complaintP *= 2 // cancelled and returned orders go wrong more often
	}
	if storeID == highComplaintStore {
		complaintP *= complaintFactor
	}
	complained := rng.Float64() < complaintP
	cAt, resolved := at.Add(days(1+9*rng.Float64())), rng.Float64() < 0.7
	if complained {
		c.complaints = append(c.complaints, complaint{at: cAt, resolved: resolved})
		topic, resolvedAt := complaintTopic(c.svc, cAt)
		outcome := "resolved"
		if !resolved {
			outcome, resolvedAt = "unresolved", time.Time{}
		}
		g.interaction(rng, c, cAt, "complaint", outcome, "", topic, resolvedAt)
	}
	if employee != "" && rng.Float64() < 0.15 {
		g.interaction(rng, c, at.Add(days(3+7*rng.Float64())), "return visit", "completed", employee, "", time.Time{})
	}
	defected := false
	if rng.Float64() < 0.25 {
		sAt := at.Add(days(1 + 4*rng.Float64()))
		expected := 6 + rng.IntN(5)
		perceived := float64(expected)*c.satLevel + 0.7*rng.NormFloat64()
		if complained && !resolved {
			perceived -= 2.5
		}
		if !g.opt.SatisfactionDropFrom.IsZero() && !sAt.Before(g.opt.SatisfactionDropFrom) {
			perceived -= 3 // the planted drift: service got worse from that day on
		}
		perceived -= surveyPenalty(storeID, employee)
		perceived = math.Round(math.Max(1, math.Min(10, perceived)))
		c.lastSat = perceived / float64(expected)
		defected = defects(c.svc, c.lastSat)
		c.surveySeq++
		sid := strconv.Itoa(c.id*10000 + c.surveySeq)
		g.emit(rng, g.surveys, sAt, []string{sid, c.sid, ts(sAt), strconv.Itoa(expected), strconv.Itoa(int(perceived)), storeID, employee, oid},
			c.brokenEvent(&c.surveySeq, eventColumns{date: 2, required: 4}))
	}
	return defected
}

// eventColumns locate, in an event row (orders, interactions, surveys: id first, customer id
// second), the timestamp and the required column that dirty companions break.
type eventColumns struct{ date, required int }

// brokenEvent returns the dirty companion maker for one of the customer's event tables: a
// duplicate repeats the row; the other kinds are a new row (the next id of seq) broken in one
// column: an unparsable timestamp, a customer id that does not exist, an empty required field.
func (c *customerState) brokenEvent(seq *int, cols eventColumns) func(dirt, []string) []string {
	return func(d dirt, r []string) []string {
		if d.kind == DuplicateKey {
			return r
		}
		*seq++
		r[0] = strconv.Itoa(c.id*10000 + *seq)
		switch d.kind {
		case UnparsableDate:
			r[cols.date] = d.badDate()
		case UnknownReference:
			r[1] = strconv.Itoa(800000000 + c.id)
		case MissingRequired:
			r[cols.required] = ""
		}
		return r
	}
}

type basketItem struct{ product, qty int }

// basket picks an order's products: maybe one big-ticket item (the customer's favourite category
// half of the time, dearer models for premium types), small add-ons, and the planted partners of
// each item bought.
func (g *generator) basket(rng *rand.Rand, c *customerState) []basketItem {
	var items []basketItem
	add := func(p, q int) {
		for i := range items {
			if items[i].product == p {
				items[i].qty += q
				return
			}
		}
		items = append(items, basketItem{p, q})
	}
	if rng.Float64() < c.typ.bigTicket {
		cat := c.favourite
		if rng.Float64() < 0.5 {
			cat = g.cat.bigCats[rng.IntN(len(g.cat.bigCats))]
		}
		ps := g.cat.byCategory[cat]
		a, b := rng.Float64(), rng.Float64()
		u := math.Min(a, b)
		if rng.Float64() < c.typ.premium {
			u = math.Max(a, b)
		}
		add(ps[int(u*float64(len(ps)))], 1)
	} else {
		add(g.cat.small[rng.IntN(len(g.cat.small))], 1+boolInt(rng.Float64() < 0.2))
	}
	for n := poisson(rng, c.typ.extra); n > 0; n-- {
		add(g.cat.small[rng.IntN(len(g.cat.small))], 1)
	}
	for i := 0; i < len(items); i++ {
		for _, pt := range g.cat.products[items[i].product].partners {
			if rng.Float64() < pt.p {
				add(pt.product, 1)
			}
		}
	}
	return items
}

// interaction writes one interaction; a resolved complaint (resolved not zero) is written once
// it is resolved, so that a row never changes in a later export.
func (g *generator) interaction(rng *rand.Rand, c *customerState, at time.Time, typ, outcome, employee, category string, resolved time.Time) {
	c.interSeq++
	id := strconv.Itoa(c.id*10000 + c.interSeq)
	resolvedAt, written := "", at
	if !resolved.IsZero() {
		resolvedAt, written = ts(resolved), resolved
	}
	g.emit(rng, g.interactions, written, []string{id, c.sid, typ, ts(at), outcome, employee, category, resolvedAt},
		c.brokenEvent(&c.interSeq, eventColumns{date: 3, required: 2}))
}

// campaignContacts contacts a quarter of the consenting customers of each campaign; a response is
// a completed order within 14 days. A contact is written once its response window has closed, so
// it never changes in a later export. It has its own random stream, as the event loop's length
// depends on the end date. Campaigns with a planted control group (campaigns.go) hold out some of
// the chosen customers (group control: not contacted, but written with the day they would have
// been); the effective one gives a contacted customer an extra purchase.
func (g *generator) campaignContacts(c *customerState, consent bool, flipAt time.Time) {
	rng := rand.New(rand.NewPCG(g.opt.Seed^0xc0ffee, uint64(c.id)))
	for k, cp := range g.cat.campaigns {
		u, off := rng.Float64(), rng.Float64()
		contactAt := cp.start.Add(days(5 * off)).Add(10 * time.Hour).Truncate(time.Second)
		consentThen := consent != (!flipAt.IsZero() && !flipAt.After(contactAt))
		if cp.start.Before(c.acq) || !consentThen || u >= 0.25 {
			continue
		}
		control, effect := plant(k)
		group := ""
		if control > 0 {
			group = "treatment"
			if rng.Float64() < control {
				group = "control"
			}
		}
		written := contactAt.Add(14 * day).Before(g.endExcl)
		if effect > 0 && written {
			// The counterfactual: did the customer buy in the window anyway?
			natural := false
			for _, o := range c.orders {
				if o.status == "completed" && !o.at.Before(contactAt) && o.at.Before(contactAt.Add(UpliftWindowDays*day)) {
					natural = true
					break
				}
			}
			if group == "control" {
				g.uplift.control++
			} else {
				g.uplift.treated++
			}
			if group == "treatment" && rng.Float64() < effect {
				g.uplift.revenue += g.plantedOrder(rng, c, contactAt.Add(days(1+12*rng.Float64())).Truncate(time.Second), k)
				if !natural {
					g.uplift.created++
				}
			}
		}
		responded, oid := false, ""
		if group != "control" { // the held-out were not contacted: no response is recorded
			for _, o := range c.orders {
				if o.status == "completed" && !o.at.Before(contactAt) && o.at.Before(contactAt.Add(14*day)) {
					responded, oid = true, o.id
					break
				}
			}
		}
		rec := []string{cp.id, c.sid, ts(contactAt), strconv.FormatBool(responded), oid, group}
		g.emit(rng, g.contacts, contactAt.Add(14*day), rec, func(d dirt, r []string) []string {
			if d.kind == UnknownReference {
				r[0] = "CMP999"
			}
			return r
		})
	}
}

func (g *generator) homeStore(rng *rand.Rand, city, region string) int {
	if s := g.cat.storesByCity[city]; len(s) > 0 {
		return s[rng.IntN(len(s))]
	}
	s := g.cat.storesByRegion[region]
	return s[rng.IntN(len(s))]
}

func (g *generator) technician(rng *rand.Rand, c *customerState) string {
	ts := g.cat.stores[c.homeStore].technicians
	return ts[rng.IntN(len(ts))]
}

func (g *generator) orderChannel(rng *rand.Rand, acquisition string) string {
	chs := []string{"store", "web", "app", "phone"}
	switch acquisition {
	case "web":
		return pick(rng, chs, []float64{0.15, 0.55, 0.3, 0})
	case "campaign":
		return pick(rng, chs, []float64{0.4, 0.3, 0.2, 0.1})
	default:
		return pick(rng, chs, []float64{0.75, 0.15, 0.05, 0.05})
	}
}

var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

func pick(rng *rand.Rand, vals []string, weights []float64) string {
	u := rng.Float64()
	for i, w := range weights {
		if u < w {
			return vals[i]
		}
		u -= w
	}
	return vals[len(vals)-1]
}

func poisson(rng *rand.Rand, mean float64) int {
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
