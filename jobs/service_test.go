package jobs

import (
	"context"
	"database/sql"
	"math"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/mining"
	"github.com/crmwh/crmwh/warehouse"
)

// checkServicePlants recovers the planted customer-relations findings from a run of the demo
// (TestMiningOnDemoData) and checks every figure against a computation written here from the
// star schema, separately from the jobs' SQL (correlated subqueries and Go instead of grouping
// sets and ASOF joins).
func checkServicePlants(t *testing.T, db *warehouse.DB, src string, cfg configs.Mining, asOf time.Time) {
	m, err := demodata.ReadManifest(src)
	if err != nil {
		t.Fatal(err)
	}
	plant := m.Service
	end := asOf.AddDate(0, 0, 1) // the as-of date's data ends before this instant

	t.Run("the planted store and consultant rank last by CSI; CSI, gap and response rate equal a direct count", func(t *testing.T) {
		type fig struct {
			surveys, orders int64
			csi, gap, rr    float64
		}
		read := func(q string, args ...any) map[string]fig {
			out := map[string]fig{}
			rows, err := db.Query(q, args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var k string
				var f fig
				var orders sql.NullInt64
				var rr sql.NullFloat64
				if err := rows.Scan(&k, &f.surveys, &f.csi, &f.gap, &orders, &rr); err != nil {
					t.Fatal(err)
				}
				f.orders, f.rr = orders.Int64, rr.Float64
				out[k] = f
			}
			return out
		}
		for _, dim := range []struct{ name, table, key string }{{"store", "dim_store", "store"}, {"employee", "dim_employee", "employee"}} {
			got := read(`SELECT member, surveys, csi, gap, orders, response_rate FROM scores.satisfaction_summary
				WHERE dimension = ? AND period = 'all' AND member NOT IN ('(none)', '(unknown)')`, dim.name)
			want := read(`SELECT d.`+dim.key+`_id, count(*), avg(v.perceived_score / v.expected_score), avg(v.perceived_score - v.expected_score),
					(SELECT count(DISTINCT f.order_id) FROM fact_sales f WHERE f.`+dim.key+`_key = d.`+dim.key+`_key AND f.order_ts < ?),
					count(*) / (SELECT count(DISTINCT f.order_id) FROM fact_sales f WHERE f.`+dim.key+`_key = d.`+dim.key+`_key AND f.order_ts < ?)
				FROM fact_survey v JOIN `+dim.table+` d ON d.`+dim.key+`_key = v.`+dim.key+`_key
				WHERE v.`+dim.key+`_key > 0 AND v.survey_ts < ? GROUP BY d.`+dim.key+`_id, d.`+dim.key+`_key`, end, end, end)
			if len(got) != len(want) || len(got) == 0 {
				t.Fatalf("%s: %d members, direct count %d", dim.name, len(got), len(want))
			}
			for k, w := range want {
				g := got[k]
				if g.surveys != w.surveys || g.orders != w.orders || math.Abs(g.csi-w.csi) > 1e-8 || math.Abs(g.gap-w.gap) > 1e-8 || math.Abs(g.rr-w.rr) > 1e-12 {
					t.Errorf("%s %s: %+v, direct %+v", dim.name, k, g, w)
				}
			}
			lowest, low := "", math.Inf(1)
			for k, g := range got {
				if g.surveys >= 20 && g.csi < low {
					lowest, low = k, g.csi
				}
			}
			planted := map[string]string{"store": plant.LowSatisfactionStore, "employee": plant.LowSatisfactionConsultant}[dim.name]
			t.Logf("lowest CSI by %s: %s (%.3f); planted %s (%.3f)", dim.name, lowest, low, planted, got[planted].csi)
			if lowest != planted {
				t.Errorf("lowest CSI by %s is %s, planted %s", dim.name, lowest, planted)
			}
		}
		// By month: the totals equal a count by survey month.
		var bad int64
		if err := db.QueryRow(`SELECT count(*) FROM scores.satisfaction_summary s
			FULL JOIN (SELECT strftime(survey_ts, '%Y-%m') AS period, count(*) AS n, avg(satisfaction) AS csi FROM fact_survey WHERE survey_ts < ? GROUP BY 1) d
				ON d.period = s.period AND s.dimension = 'total'
			WHERE (s.dimension = 'total' AND s.period <> 'all' OR d.period IS NOT NULL)
				AND (s.surveys IS DISTINCT FROM d.n OR abs(s.csi - d.csi) > 1e-8)`, end).Scan(&bad); err != nil {
			t.Fatal(err)
		}
		if bad != 0 {
			t.Errorf("%d months whose survey count or CSI differ from a count by month", bad)
		}
	})

	// The complaints, each given to the customer's latest order at or before it, here in Go.
	type order struct {
		at    time.Time
		store string
	}
	orders := map[string][]order{}
	storeOrders, storeCustomers := map[string]int64{}, map[string]map[string]bool{}
	each(t, db, `SELECT d.customer_id, f.order_id, min(f.order_ts), min(coalesce(s.store_id, '')) FROM fact_sales f
		JOIN dim_customer d USING (customer_key) LEFT JOIN dim_store s ON s.store_key = f.store_key AND f.store_key > 0
		WHERE f.order_ts < ? GROUP BY 1, 2`, []any{end}, func(rows *sql.Rows) error {
		var c, id, store string
		var at time.Time
		if err := rows.Scan(&c, &id, &at, &store); err != nil {
			return err
		}
		orders[c] = append(orders[c], order{at, store})
		storeOrders[store]++
		if storeCustomers[store] == nil {
			storeCustomers[store] = map[string]bool{}
		}
		storeCustomers[store][c] = true
		return nil
	})
	for _, os := range orders {
		sort.Slice(os, func(i, j int) bool { return os[i].at.Before(os[j].at) })
	}
	type complaint struct {
		customer, topic string
		at              time.Time
		resolved        bool
		days            float64 // to resolution; -1 without a resolution time
	}
	var complaints []complaint
	each(t, db, `SELECT d.customer_id, coalesce(x.category, ''), x.interaction_ts, x.outcome, x.resolved_at FROM fact_interaction x
		JOIN dim_customer d USING (customer_key) WHERE x.interaction_type = 'complaint' AND x.interaction_ts < ?`, []any{end}, func(rows *sql.Rows) error {
		var c complaint
		var outcome sql.NullString
		var resolved sql.NullTime
		if err := rows.Scan(&c.customer, &c.topic, &c.at, &outcome, &resolved); err != nil {
			return err
		}
		c.days = -1
		if resolved.Valid && resolved.Time.Before(end) {
			c.resolved, c.days = true, resolved.Time.Sub(c.at).Hours()/24
		} else if !resolved.Valid {
			c.resolved = outcome.String == "resolved"
		}
		complaints = append(complaints, c)
		return nil
	})

	t.Run("the planted store ranks first by complaint rate; rates equal a count made here", func(t *testing.T) {
		byStore := map[string]int64{}
		for _, c := range complaints {
			os := orders[c.customer]
			i := sort.Search(len(os), func(i int) bool { return os[i].at.After(c.at) }) - 1
			if i >= 0 {
				byStore[os[i].store]++
			}
		}
		rows, err := db.Query(`SELECT member, complaints, complaint_rate, complaint_rate_orders FROM scores.complaint_summary
			WHERE dimension = 'store' AND period = 'all' AND member NOT IN ('(none)', '(unknown)') ORDER BY complaint_rate_orders DESC`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		first := ""
		for rows.Next() {
			var store string
			var n int64
			var rate, rateOrders float64
			if err := rows.Scan(&store, &n, &rate, &rateOrders); err != nil {
				t.Fatal(err)
			}
			if first == "" {
				first = store
				t.Logf("highest complaint rate: %s, %.1f per 100 orders", store, rateOrders)
			}
			wantRate := 100 * float64(byStore[store]) / float64(len(storeCustomers[store]))
			wantOrders := 100 * float64(byStore[store]) / float64(storeOrders[store])
			if n != byStore[store] || math.Abs(rate-wantRate) > 1e-9 || math.Abs(rateOrders-wantOrders) > 1e-9 {
				t.Errorf("store %s: %d complaints, %.4f per 100 customers, %.4f per 100 orders; counted here %d, %.4f, %.4f",
					store, n, rate, rateOrders, byStore[store], wantRate, wantOrders)
			}
		}
		if first != plant.HighComplaintStore {
			t.Errorf("highest complaint rate at %s, planted %s", first, plant.HighComplaintStore)
		}
	})

	t.Run("median resolution days per topic are the planted ones within 10%", func(t *testing.T) {
		days := map[string][]float64{}
		for _, c := range complaints {
			if c.days >= 0 {
				days[c.topic] = append(days[c.topic], c.days)
			}
		}
		for topic, planted := range plant.ResolutionDays {
			var got float64
			var resolved float64
			if err := db.QueryRow(`SELECT median_resolution_days, resolved_share FROM scores.complaint_summary
				WHERE dimension = 'topic' AND member = ? AND period = 'all'`, topic).Scan(&got, &resolved); err != nil {
				t.Fatalf("%s: %v", topic, err)
			}
			ds := days[topic]
			slices.Sort(ds)
			n := len(ds)
			median := (ds[(n-1)/2] + ds[n/2]) / 2
			t.Logf("%s: median %.2f days (planted %.0f, %d resolved, %.0f%% of complaints)", topic, got, planted, n, 100*resolved)
			if math.Abs(got-median) > 1e-6 {
				t.Errorf("%s: median %.6f, computed here %.6f", topic, got, median)
			}
			if math.Abs(got-planted) > 0.1*planted {
				t.Errorf("%s: median %.2f days, planted %.0f", topic, got, planted)
			}
		}
	})

	t.Run("repurchase rises with the satisfaction band; rates equal a direct count", func(t *testing.T) {
		bands := cfg.Service.SatisfactionBands
		rows, err := db.Query(`SELECT sort, surveys, repurchased, repurchase_rate, customers, lost FROM scores.service_outcomes
			WHERE analysis = 'satisfaction_band' ORDER BY sort`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		prev := -1.0
		for rows.Next() {
			var band int
			var surveys, repurchased, customers, lost int64
			var rate float64
			if err := rows.Scan(&band, &surveys, &repurchased, &rate, &customers, &lost); err != nil {
				t.Fatal(err)
			}
			lo, hi := 0.0, math.Inf(1)
			if band > 0 {
				lo = bands[band-1]
			}
			if band < len(bands) {
				hi = bands[band]
			}
			var ws, wr int64
			if err := db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE EXISTS (
					SELECT 1 FROM fact_sales f JOIN dim_customer c2 USING (customer_key)
					WHERE c2.customer_id = c.customer_id AND f.order_status = 'completed'
						AND f.order_ts > v.survey_ts AND f.order_ts <= v.survey_ts + INTERVAL (?) DAY))
				FROM fact_survey v JOIN dim_customer c USING (customer_key)
				WHERE v.satisfaction >= ? AND v.satisfaction < ? AND v.survey_ts + INTERVAL (?) DAY < ?`,
				cfg.Service.RepurchaseDays, lo, hi, cfg.Service.RepurchaseDays, end).Scan(&ws, &wr); err != nil {
				t.Fatal(err)
			}
			t.Logf("band %d [%g, %g): %d surveys, repurchase %.3f; %d customers, %d lost", band, lo, hi, surveys, rate, customers, lost)
			if surveys != ws || repurchased != wr {
				t.Errorf("band %d: %d surveys, %d repurchased; direct count %d, %d", band, surveys, repurchased, ws, wr)
			}
			if rate <= prev {
				t.Errorf("band %d: repurchase rate %.3f does not rise from %.3f", band, rate, prev)
			}
			prev = rate
		}
	})

	// Per customer: the loyalty parts, computed here from the star schema.
	type cust struct {
		created                  time.Time
		orders12, referrals      int64
		spend12                  float64
		last                     sql.NullTime
		first                    time.Time
		lastOrder                string
		revenue, discounted, sat sql.NullFloat64
		referredBy               string
	}
	custs := map[string]*cust{}
	each(t, db, `SELECT customer_id, created_at, coalesce(referred_by, '') FROM dim_customer
		WHERE valid_from < ? AND valid_to >= ? AND created_at < ?`, []any{end, end, end}, func(rows *sql.Rows) error {
		c := &cust{}
		var id string
		if err := rows.Scan(&id, &c.created, &c.referredBy); err != nil {
			return err
		}
		custs[id] = c
		return nil
	})
	yearAgo := end.AddDate(0, 0, -365)
	each(t, db, `SELECT d.customer_id, f.order_id, f.order_ts, f.net_amount::DOUBLE, f.discount > 0 FROM fact_sales f JOIN dim_customer d USING (customer_key)
		WHERE f.order_status = 'completed' AND f.order_ts < ? ORDER BY d.customer_id, f.order_ts, f.order_id`, []any{end}, func(rows *sql.Rows) error {
		var id, oid string
		var at time.Time
		var net float64
		var disc bool
		if err := rows.Scan(&id, &oid, &at, &net, &disc); err != nil {
			return err
		}
		c := custs[id]
		if oid != c.lastOrder { // an order's lines come together
			c.lastOrder = oid
			if !at.Before(yearAgo) {
				c.orders12++
			}
		}
		if c.first.IsZero() {
			c.first = at.Truncate(24 * time.Hour)
		}
		c.last = sql.NullTime{Time: at, Valid: true}
		if !at.Before(yearAgo) {
			c.spend12 += net
		}
		c.revenue.Float64 += net
		c.revenue.Valid = true
		if disc {
			c.discounted.Float64 += net
		}
		return nil
	})
	each(t, db, `SELECT d.customer_id, avg(v.perceived_score / v.expected_score) FROM fact_survey v JOIN dim_customer d USING (customer_key)
		WHERE v.survey_ts < ? GROUP BY 1`, []any{end}, func(rows *sql.Rows) error {
		var id string
		var s float64
		if err := rows.Scan(&id, &s); err != nil {
			return err
		}
		custs[id].sat = sql.NullFloat64{Float64: s, Valid: true}
		return nil
	})
	children := map[string][]string{}
	for id, c := range custs {
		if c.referredBy != "" {
			custs[c.referredBy].referrals++
			children[c.referredBy] = append(children[c.referredBy], id)
		}
	}

	t.Run("loyalty index and types equal the rule computed here; the types partition the buyers", func(t *testing.T) {
		l := cfg.Loyalty
		w := l.Weights
		sum := w["repeat"] + w["tenure"] + w["referrals"] + w["recency"] + w["price"]
		types := map[string]int{}
		rows, err := db.Query(`SELECT customer_id, loyalty_index, loyalty_type, referrals FROM scores.customer_scores`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		buyers, n := 0, 0
		for rows.Next() {
			var id string
			var index sql.NullFloat64
			var typ sql.NullString
			var refs sql.NullInt64
			if err := rows.Scan(&id, &index, &typ, &refs); err != nil {
				t.Fatal(err)
			}
			n++
			c := custs[id]
			if refs.Int64 != c.referrals {
				t.Errorf("%s: %d referrals, counted here %d", id, refs.Int64, c.referrals)
			}
			if !c.last.Valid {
				if index.Valid || typ.Valid {
					t.Errorf("%s never bought but has loyalty %v %v", id, index, typ)
				}
				continue
			}
			buyers++
			types[typ.String]++
			tenure := math.Round(asOf.Sub(c.created.Truncate(24*time.Hour)).Hours() / 24)
			recency := math.Round(asOf.Sub(c.last.Time.Truncate(24*time.Hour)).Hours() / 24)
			price := 1.0
			if c.revenue.Float64 > 0 {
				price = 1 - c.discounted.Float64/c.revenue.Float64
			}
			want := 100 * (w["repeat"]*math.Min(float64(c.orders12)/float64(l.RepeatOrders), 1) +
				w["tenure"]*math.Min(tenure/float64(l.TenureDays), 1) +
				w["referrals"]*math.Min(float64(c.referrals)/float64(l.Referrals), 1) +
				w["recency"]*math.Max(1-recency/float64(l.RecencyDays), 0) +
				w["price"]*price) / sum
			if math.Abs(index.Float64-want) > 0.05+1e-9 {
				t.Errorf("%s: loyalty index %.1f, computed here %.3f", id, index.Float64, want)
			}
			attitude := c.referrals > 0
			if c.sat.Valid {
				attitude = c.sat.Float64 >= l.AttitudeSatisfaction-1e-9 // a mean of exactly 1 may sum to 0.999…
			}
			behaviour := c.orders12 >= int64(l.RepeatMinOrders)
			wantType := map[[2]bool]string{{true, true}: "loyal", {true, false}: "latent", {false, true}: "spurious", {false, false}: "none"}[[2]bool{attitude, behaviour}]
			if typ.String != wantType {
				t.Errorf("%s: loyalty type %q, rule here %q", id, typ.String, wantType)
			}
		}
		t.Logf("%d customers, %d buyers: %v", n, buyers, types)
		if types["loyal"]+types["latent"]+types["spurious"]+types["none"] != buyers || len(types) != 4 {
			t.Errorf("types %v do not partition the %d buyers into four", types, buyers)
		}
	})

	t.Run("tiers follow their thresholds exactly, by spend and by share", func(t *testing.T) {
		levels := cfg.Tiers.Levels
		tierOf := func(spend float64) string {
			for _, lv := range levels[:len(levels)-1] {
				if spend >= lv.MinSpend-1e-9 {
					return lv.Name
				}
			}
			return levels[len(levels)-1].Name
		}
		sizes := map[string]int{}
		each(t, db, `SELECT customer_id, tier, tier_label FROM scores.customer_scores`, nil, func(rows *sql.Rows) error {
			var id, tier, label string
			if err := rows.Scan(&id, &tier, &label); err != nil {
				return err
			}
			sizes[tier]++
			if want := tierOf(math.Round(custs[id].spend12*100) / 100); tier != want {
				t.Errorf("%s: tier %s, spend %.2f gives %s", id, tier, custs[id].spend12, want)
			}
			return nil
		})
		t.Logf("tier sizes by spend: %v", sizes)
		if len(sizes) != len(levels) {
			t.Errorf("tiers %v: want all %d in use", sizes, len(levels))
		}

		// By share: the top 2% / 10% / 30% (cumulative) of the customers who spent.
		share := cfg.Tiers
		share.Basis = "share"
		ctx := context.Background()
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := mining.Loyalty(ctx, conn, cfg.Loyalty, share, cfg.PurchaseStatuses, asOf); err != nil {
			t.Fatal(err)
		}
		spenders := 0
		for _, c := range custs {
			if c.spend12 > 0 {
				spenders++
			}
		}
		prev := 0
		for _, lv := range share.Levels[:len(share.Levels)-1] {
			top := int(math.Round(lv.TopShare * float64(spenders)))
			var got int
			var minSpend float64
			if err := conn.QueryRowContext(ctx, "SELECT count(*), min(spend_12m) FROM loyalty_result WHERE tier = ?", lv.Name).Scan(&got, &minSpend); err != nil {
				t.Fatal(err)
			}
			above := 0 // customers who spent more than the tier's least: all in this tier or above
			for _, c := range custs {
				if math.Round(c.spend12*100)/100 > minSpend {
					above++
				}
			}
			if got != top-prev || above > top {
				t.Errorf("%s: %d customers, want the next %d of %d spenders (%d spent more than its least)", lv.Name, got, top-prev, spenders, above)
			}
			prev = top
		}
	})

	t.Run("referrals and the network's revenue follow the chains; the ambassadors referred most", func(t *testing.T) {
		var network func(id string, seen map[string]bool) float64
		network = func(id string, seen map[string]bool) float64 {
			total := 0.0
			for _, ch := range children[id] {
				if !seen[ch] {
					seen[ch] = true
					total += custs[ch].revenue.Float64 + network(ch, seen)
				}
			}
			return total
		}
		rows, err := db.Query(`SELECT customer_id, referred_revenue::DOUBLE FROM scores.customer_scores WHERE referrals > 0 ORDER BY referrals DESC, customer_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var top []string
		var referred int64
		for rows.Next() {
			var id string
			var revenue float64
			if err := rows.Scan(&id, &revenue); err != nil {
				t.Fatal(err)
			}
			if len(top) < len(plant.Ambassadors) {
				top = append(top, id)
			}
			referred += custs[id].referrals
			if want := network(id, map[string]bool{id: true}); math.Abs(revenue-want) > 0.01 {
				t.Errorf("%s: referred revenue %.2f, down the chains here %.2f", id, revenue, want)
			}
		}
		slices.Sort(top)
		amb := slices.Sorted(slices.Values(plant.Ambassadors))
		t.Logf("top referrers %v (planted ambassadors %v); %d referred customers (planted %d)", top, amb, referred, plant.Referred)
		if !slices.Equal(top, amb) {
			t.Errorf("top referrers %v, planted ambassadors %v", top, amb)
		}
		if referred != plant.Referred {
			t.Errorf("%d referred customers, planted %d", referred, plant.Referred)
		}
	})

	t.Run("each care list equals the rule computed here", func(t *testing.T) {
		c := cfg.Care
		want := map[string]map[string]bool{}
		add := func(list, id string) {
			if want[list] == nil {
				want[list] = map[string]bool{}
			}
			want[list][id] = true
		}
		next := func(d time.Time) time.Time { // the next anniversary of d after the as-of date
			for y := asOf.Year(); ; y++ {
				day := d.Day()
				if d.Month() == time.February && day == 29 && !(y%4 == 0 && (y%100 != 0 || y%400 == 0)) {
					day = 28
				}
				if a := time.Date(y, d.Month(), day, 0, 0, 0, 0, time.UTC); a.After(asOf) {
					return a
				}
			}
		}
		each(t, db, `SELECT customer_id, birth_date FROM dim_customer WHERE valid_from < ? AND valid_to >= ? AND created_at < ? AND birth_date IS NOT NULL`,
			[]any{end, end, end}, func(rows *sql.Rows) error {
				var id string
				var b time.Time
				if err := rows.Scan(&id, &b); err != nil {
					return err
				}
				if !b.After(asOf) && !next(b).After(asOf.AddDate(0, 0, c.BirthdayDays)) {
					add("birthdays", id)
				}
				return nil
			})
		for id, cu := range custs {
			if !cu.first.IsZero() && !next(cu.first).After(asOf.AddDate(0, 0, c.AnniversaryDays)) {
				add("anniversaries", id)
			}
		}
		type visits struct{ lastVisit, lastKept, missed time.Time }
		vs := map[string]*visits{}
		each(t, db, `SELECT d.customer_id, x.interaction_type, x.interaction_ts, coalesce(x.outcome, '') FROM fact_interaction x JOIN dim_customer d USING (customer_key)
			WHERE x.interaction_type IN ('service visit', 'appointment') AND x.interaction_ts < ?`, []any{end}, func(rows *sql.Rows) error {
			var id, typ, outcome string
			var at time.Time
			if err := rows.Scan(&id, &typ, &at, &outcome); err != nil {
				return err
			}
			v := vs[id]
			if v == nil {
				v = &visits{}
				vs[id] = v
			}
			later := func(a, b time.Time) time.Time {
				if b.After(a) {
					return b
				}
				return a
			}
			switch {
			case typ == "service visit":
				v.lastVisit, v.lastKept = later(v.lastVisit, at), later(v.lastKept, at)
			case outcome == "no-show":
				v.missed = later(v.missed, at)
			default:
				v.lastKept = later(v.lastKept, at)
			}
			return nil
		})
		for id, v := range vs {
			if custs[id] == nil {
				continue
			}
			if !v.lastVisit.IsZero() {
				last := v.lastVisit.Truncate(24 * time.Hour)
				if !last.After(asOf.AddDate(0, 0, -c.ServiceIntervalDays)) && last.After(asOf.AddDate(0, 0, -2*c.ServiceIntervalDays)) {
					add("service-due", id)
				}
			}
			if !v.missed.IsZero() && v.missed.Truncate(24*time.Hour).After(asOf.AddDate(0, 0, -c.MissedAppointmentDays)) && v.lastKept.Before(v.missed) {
				add("missed-appointments", id)
			}
		}
		for _, cp := range complaints {
			if !cp.resolved && !cp.at.Truncate(24*time.Hour).After(asOf.AddDate(0, 0, -c.ComplaintOpenDays)) && custs[cp.customer] != nil {
				add("unresolved-complaints", cp.customer)
			}
		}
		for _, list := range configs.CareLists {
			got := map[string]bool{}
			each(t, db, "SELECT customer_id FROM scores.care_lists WHERE list = ?", []any{list}, func(rows *sql.Rows) error {
				var id string
				if err := rows.Scan(&id); err != nil {
					return err
				}
				got[id] = true
				return nil
			})
			t.Logf("%s: %d customers (computed here %d)", list, len(got), len(want[list]))
			if len(want[list]) == 0 {
				t.Errorf("%s: the demo puts no one on the list", list)
			}
			for id := range want[list] {
				if !got[id] {
					t.Errorf("%s: customer %s is missing", list, id)
				}
			}
			for id := range got {
				if !want[list][id] {
					t.Errorf("%s: customer %s should not be on it", list, id)
				}
			}
		}
	})
}

// each runs query and calls fn for each row.
func each(t *testing.T, db *warehouse.DB, query string, args []any, fn func(*sql.Rows) error) {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
