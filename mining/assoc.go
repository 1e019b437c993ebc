package mining

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmwh/crmwh/mining/fpgrowth"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/warehouse"
)

// AssocSpec configures the mining of association rules.
type AssocSpec struct {
	MinSupport, MinConfidence, MinLift float64
	MinLen, MaxLen, MaxConsequent      int
}

// AssocFit is the outcome of MineBaskets.
type AssocFit struct {
	Sets            *fpgrowth.Itemsets
	Baskets         int64
	MinCount        int64
	Rules           []fpgrowth.Rule
	FitSeconds      float64 // mining and rules, reading excluded
	ReadSeconds     float64
	Spec            AssocSpec
	Items           int   // distinct items in the baskets
	Recommendations int64 // rows of recommendations_result; 0 without recommending
	// RecommendSeconds is the time the recommendations took: reading the owned items and scoring.
	RecommendSeconds float64
	// TopPairs are the supports of the most frequent item pairs, best first; measured only
	// when no rule was found, to say what min_support would give some.
	TopPairs []float64
}

// MineBaskets streams (basket_id, item_id) pairs, basket ids dense from 1 and item ids dense in
// [0, items), one per distinct item in a basket, from the table (read once, in basket order, to
// build the tree, after the database counted the items' baskets; nothing else is held) and mines
// the frequent itemsets and the rules.
func MineBaskets(ctx context.Context, conn *sql.Conn, table string, items int, spec AssocSpec) (*AssocFit, error) {
	var read time.Duration
	baskets := func(emit func([]int32)) error {
		t0 := time.Now()
		rows, err := conn.QueryContext(ctx, "SELECT basket_id, item_id FROM "+table+" ORDER BY basket_id")
		if err != nil {
			return fmt.Errorf("read baskets: %w", err)
		}
		defer rows.Close()
		var cur int64 = math.MinInt64
		var b []int32
		for rows.Next() {
			var id int64
			var it int32
			if err := rows.Scan(&id, &it); err != nil {
				return fmt.Errorf("read baskets: %w", err)
			}
			if id != cur && cur != math.MinInt64 {
				emit(b)
				b = b[:0]
			}
			cur = id
			b = append(b, it)
		}
		if cur != math.MinInt64 {
			emit(b)
		}
		read += time.Since(t0)
		return rows.Err()
	}
	// The minimum count comes from the support, so the baskets are counted first: their ids are
	// dense from 1, so the highest id is the count, read without a distinct aggregation.
	var n int64
	if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(basket_id), 0) FROM "+table).Scan(&n); err != nil {
		return nil, fmt.Errorf("count baskets: %w", err)
	}
	if n == 0 {
		return nil, fmt.Errorf("no baskets")
	}
	counts := make([]int64, items)
	err := warehouse.ForEachRow(ctx, conn, "mining/assoc_item_counts.sql", map[string]string{"Table": table}, nil, func(r *sql.Rows) error {
		var it, c int64
		if err := r.Scan(&it, &c); err != nil {
			return err
		}
		if it < 0 || it >= int64(items) {
			return fmt.Errorf("item id %d is outside [0, %d)", it, items)
		}
		counts[it] = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count items: %w", err)
	}
	fit := &AssocFit{Spec: spec, MinCount: max(1, int64(math.Ceil(spec.MinSupport*float64(n)-1e-9)))}
	t0 := time.Now()
	sets, baskets64, err := fpgrowth.MineCounted(ctx, counts, n, baskets, fit.MinCount, spec.MaxLen)
	if err != nil {
		return nil, err
	}
	fit.Sets, fit.Baskets = sets, baskets64
	fit.Rules = fpgrowth.Rules(sets, baskets64, fpgrowth.RuleOptions{MinConfidence: spec.MinConfidence, MinLift: spec.MinLift,
		MinLen: spec.MinLen, MaxConsequent: spec.MaxConsequent})
	fit.ReadSeconds = read.Seconds()
	fit.FitSeconds = time.Since(t0).Seconds() - fit.ReadSeconds
	return fit, nil
}

// Model is the record for scores.model_runs, built from the fit's fields; extra are the
// caller's parameters (the job's basket settings).
func (f *AssocFit) Model(extra map[string]any) *Model {
	spec := f.Spec
	params := map[string]any{"min_support": spec.MinSupport, "min_confidence": spec.MinConfidence, "min_lift": spec.MinLift,
		"min_len": spec.MinLen, "max_len": spec.MaxLen, "max_consequent": spec.MaxConsequent, "min_count": f.MinCount}
	for k, v := range extra {
		params[k] = v
	}
	m := &Model{Method: "assoc", Customers: 0, Parameters: params,
		Metrics: map[string]any{"baskets": f.Baskets, "itemsets": f.Sets.Len(), "rules": len(f.Rules),
			"fit_seconds": f.FitSeconds, "read_seconds": f.ReadSeconds, "recommend_seconds": f.RecommendSeconds,
			"items": f.Items, "recommendations": f.Recommendations}}
	if len(f.Rules) == 0 {
		m.Notes = append(m.Notes, f.noRules())
		m.Metrics["top_pair_supports"] = f.TopPairs
	}
	return m
}

// topPairs measures the supports of the most frequent item pairs in the prepared baskets.
func topPairs(ctx context.Context, conn *sql.Conn, baskets int64) ([]float64, error) {
	q, err := render("mining/assoc_top_pairs.sql", nil)
	if err != nil {
		return nil, err
	}
	var out []float64
	err = warehouse.EachRow(ctx, conn, q, nil, func(rows *sql.Rows) error {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return err
		}
		out = append(out, float64(n)/float64(baskets))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("assoc: top pairs: %w", err)
	}
	return out, nil
}

// noRules says why no rule came out and what support would give some.
func (f *AssocFit) noRules() string {
	s := f.Spec
	if len(f.TopPairs) == 0 {
		return fmt.Sprintf("no rule: no two items were ever bought together in the %d baskets", f.Baskets)
	}
	last := f.TopPairs[len(f.TopPairs)-1]
	if f.TopPairs[0] < s.MinSupport {
		return fmt.Sprintf("no rule: no pair of items reaches min_support %g; the most frequent pair is in %.4g of the baskets "+
			"and the %d most frequent pairs in at least %.4g: set mining.assoc.min_support to %.2g to find rules among them",
			s.MinSupport, f.TopPairs[0], len(f.TopPairs), last, last)
	}
	return fmt.Sprintf("no rule: itemsets reach min_support %g (the most frequent pair is in %.4g of the baskets) but no rule "+
		"reaches min_confidence %g and min_lift %g; lower them to find rules", s.MinSupport, f.TopPairs[0], s.MinConfidence, s.MinLift)
}

// Recommending asks Associate for product recommendations: the TopN best by Score.
type Recommending struct {
	TopN  int
	Score string
	// Batch is how many customers are read before their recommendations are appended (0:
	// recommendBatch); it bounds the memory the recommendations take.
	Batch int
}

// PrepareQueryBaskets builds the baskets and items from a query's (basket_id, item) rows.
func PrepareQueryBaskets(ctx context.Context, conn *sql.Conn, query string) error {
	if err := script(ctx, conn, "mining/rules_input.sql", map[string]any{"Query": trimQuery(query)}); err != nil {
		return fmt.Errorf("rules input: %w", err)
	}
	return nil
}

// PrepareOrderBaskets builds the baskets, items and owned products from the warehouse's purchases
// up to asOf, as the assoc config says.
func PrepareOrderBaskets(ctx context.Context, conn *sql.Conn, c configs.Assoc, statuses []string, asOf time.Time) error {
	if err := script(ctx, conn, "mining/assoc_baskets.sql", map[string]any{
		"AsOf": asOf.Format(time.DateOnly), "Statuses": statuses,
		"Basket": c.Basket, "WindowDays": c.WindowDays, "Level": c.Level, "ExcludeDays": c.ExcludeBoughtDays,
	}); err != nil {
		return err
	}
	return nil
}

// Associate mines the prepared baskets and leaves association_rules_result (and, with rec,
// recommendations_result for the customers' owned items) on the connection.
func Associate(ctx context.Context, conn *sql.Conn, spec AssocSpec, rec *Recommending, asOf time.Time) (*AssocFit, error) {
	var items int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+Temp.AssocItems).Scan(&items); err != nil {
		return nil, err
	}
	if items == 0 {
		return nil, errors.New("assoc: there are no (basket, item) rows to mine")
	}
	fit, err := MineBaskets(ctx, conn, Temp.AssocBaskets, items, spec)
	if err != nil {
		return nil, err
	}
	fit.Items = items
	if err := fit.WriteRules(ctx, conn); err != nil {
		return nil, err
	}
	if len(fit.Rules) == 0 && fit.Baskets > 0 {
		if fit.TopPairs, err = topPairs(ctx, conn, fit.Baskets); err != nil {
			return nil, err
		}
	}
	if rec != nil {
		t0 := time.Now()
		if fit.Recommendations, err = fit.Recommend(ctx, conn, Temp.AssocOwned, items, *rec); err != nil {
			return nil, err
		}
		fit.RecommendSeconds = time.Since(t0).Seconds()
	}
	if err := script(ctx, conn, "mining/assoc_result.sql", map[string]any{
		"Recommend": rec != nil, "AsOf": asOf.Format(time.DateOnly),
	}); err != nil {
		return nil, err
	}
	return fit, nil
}

// AssociateOrders is the assoc method on the warehouse: baskets from the purchases up to asOf,
// rules, and at product level the recommendations; at category level an empty recommendations
// result, so that none are left from an earlier product-level run.
func AssociateOrders(ctx context.Context, conn *sql.Conn, cfg configs.Mining, asOf time.Time) (*AssocFit, error) {
	c := cfg.Assoc
	if err := PrepareOrderBaskets(ctx, conn, c, cfg.PurchaseStatuses, asOf); err != nil {
		return nil, err
	}
	spec := AssocSpec{MinSupport: c.MinSupport, MinConfidence: c.MinConfidence, MinLift: c.MinLift,
		MinLen: 2, MaxLen: c.MaxLen, MaxConsequent: c.MaxConsequent}
	var rec *Recommending
	if c.Level == "product" {
		rec = &Recommending{TopN: c.TopN, Score: c.Score}
	}
	fit, err := Associate(ctx, conn, spec, rec, asOf)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		if err := script(ctx, conn, "mining/recommendations_empty.sql", nil); err != nil {
			return nil, err
		}
	}
	return fit, nil
}

// WriteRules leaves rules_raw (rule_id, antecedent, consequent as item ids joined by \x1f, and the
// measures) on the connection.
func (f *AssocFit) WriteRules(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE rules_raw (rule_id INTEGER, antecedent VARCHAR,
		consequent VARCHAR, support DOUBLE, confidence DOUBLE, lift DOUBLE, leverage DOUBLE, conviction DOUBLE,
		basket_count BIGINT, antecedent_count BIGINT, consequent_count BIGINT)`); err != nil {
		return fmt.Errorf("rules: %w", err)
	}
	join := func(items []int32) string {
		parts := make([]string, len(items))
		for i, it := range items {
			parts[i] = fmt.Sprint(it)
		}
		return strings.Join(parts, "\x1f")
	}
	return conn.Raw(func(dc any) error {
		a, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "rules_raw")
		if err != nil {
			return err
		}
		for i, r := range f.Rules {
			if err := a.AppendRow(int32(i+1), join(r.Antecedent), join(r.Consequent), r.Support, r.Confidence, r.Lift,
				r.Leverage, r.Conviction, r.Count, r.AntecedentCount, r.ConsequentCount); err != nil {
				a.Close()
				return err
			}
		}
		return a.Close()
	})
}

// Recommend scores, for every customer in owned (customer_id, item_id, basis, blocked), the items
// not blocked for them: each rule whose antecedent they have entirely (basis items) proposes its
// consequent's items, scored by spec.Score (confidence, lift or confidence_x_lift); an item keeps
// its best rule. The spec.TopN best per customer (ties by item id) go to recs_raw (customer_id,
// item_id, rank, score, rule_id). Customers are streamed in order, in batches of spec.Batch
// customers: one customer's items and one batch's recommendations are held at a time.
func (f *AssocFit) Recommend(ctx context.Context, conn *sql.Conn, owned string, items int, spec Recommending) (int64, error) {
	topN, score := spec.TopN, spec.Score
	// Rules by their antecedent's first item, so a customer only looks at rules they might meet.
	byFirst := make([][]int, items)
	var fromNothing []int // rules with an empty antecedent
	for i, r := range f.Rules {
		if len(r.Antecedent) == 0 {
			fromNothing = append(fromNothing, i)
			continue
		}
		byFirst[r.Antecedent[0]] = append(byFirst[r.Antecedent[0]], i)
	}
	value := func(r *fpgrowth.Rule) float64 {
		switch score {
		case "confidence":
			return r.Confidence
		case "lift":
			return r.Lift
		}
		return r.Confidence * r.Lift
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE recs_raw (customer_id VARCHAR, item_id INTEGER,
		"rank" INTEGER, score DOUBLE, rule_id INTEGER)`); err != nil {
		return 0, fmt.Errorf("recommend: %w", err)
	}
	bounds, err := recommendBatches(ctx, conn, owned, cmp.Or(spec.Batch, recommendBatch))
	if err != nil {
		return 0, err
	}
	type rec struct {
		item  int32
		score float64
		rule  int
	}
	has := make([]bool, items)     // the customer bought it
	blocked := make([]bool, items) // not to be offered to the customer
	best := make([]int, items)     // index into cands + 1, per item
	var mine []int32
	var cands []rec
	// A batch's recommendations are appended once its reading is done (the connection cannot do
	// both); they are kept compact meanwhile: top_n per customer.
	type outRec struct {
		customer string
		item     int32
		rank     int32
		score    float64
		rule     int32
	}
	var out []outRec
	flush := func(customer string) {
		cands = cands[:0]
		consider := func(ri int) {
			r := &f.Rules[ri]
			for _, it := range r.Antecedent {
				if !has[it] {
					return
				}
			}
			v := value(r)
			for _, it := range r.Consequent {
				if blocked[it] {
					continue
				}
				if b := best[it]; b == 0 {
					cands = append(cands, rec{it, v, ri})
					best[it] = len(cands)
				} else if v > cands[b-1].score {
					cands[b-1] = rec{it, v, ri}
				}
			}
		}
		for _, it := range mine {
			for _, ri := range byFirst[it] {
				consider(ri)
			}
		}
		for _, ri := range fromNothing {
			consider(ri)
		}
		slices.SortFunc(cands, func(a, b rec) int {
			if c := cmp.Compare(b.score, a.score); c != 0 {
				return c
			}
			return cmp.Compare(a.item, b.item)
		})
		for k, c := range cands[:min(topN, len(cands))] {
			out = append(out, outRec{customer, c.item, int32(k + 1), c.score, int32(c.rule + 1)})
		}
		for _, c := range cands {
			best[c.item] = 0
		}
		for _, it := range mine {
			has[it], blocked[it] = false, false
		}
		mine = mine[:0]
	}
	var written int64
	// The items a rule can use: in an antecedent (bought) or a consequent (blocked).
	inAntecedent, inConsequent := map[int32]bool{}, map[int32]bool{}
	for _, r := range f.Rules {
		for _, it := range r.Antecedent {
			inAntecedent[it] = true
		}
		for _, it := range r.Consequent {
			inConsequent[it] = true
		}
	}
	idList := func(set map[int32]bool) string {
		ids := []string{"-1"} // no item: the list is never empty
		for _, it := range slices.Sorted(maps.Keys(set)) {
			ids = append(ids, strconv.Itoa(int(it)))
		}
		return strings.Join(ids, ", ")
	}
	data := map[string]any{"Owned": owned, "Filter": len(fromNothing) == 0,
		"Antecedents": idList(inAntecedent), "Consequents": idList(inConsequent)}
	// One batch of customers: those after lo (none: from the first) up to and including hi (none:
	// to the last).
	batch := func(lo, hi *string) error {
		var args []any
		if lo != nil {
			args = append(args, *lo)
		}
		if hi != nil {
			args = append(args, *hi)
		}
		data["Lo"], data["Hi"] = lo != nil, hi != nil
		q, err := render("mining/recommend_owned.sql", data)
		if err != nil {
			return err
		}
		var cur string
		started := false
		err = warehouse.EachRow(ctx, conn, q, args, func(rows *sql.Rows) error {
			var id string
			var it int32
			var basis, block bool
			if err := rows.Scan(&id, &it, &basis, &block); err != nil {
				return err
			}
			if started && id != cur {
				flush(cur)
			}
			cur, started = id, true
			// One row per (customer, item): mine lists each item once.
			has[it], blocked[it] = basis, block
			mine = append(mine, it)
			return nil
		})
		if err != nil {
			return err
		}
		if started {
			flush(cur)
		}
		err = conn.Raw(func(dc any) error {
			a, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "recs_raw")
			if err != nil {
				return err
			}
			for _, r := range out {
				if err := a.AppendRow(r.customer, r.item, r.rank, r.score, r.rule); err != nil {
					a.Close()
					return err
				}
				written++
			}
			return a.Close()
		})
		out = out[:0]
		return err
	}
	var lo *string
	for i := range bounds {
		if err := batch(lo, &bounds[i]); err != nil {
			return 0, fmt.Errorf("recommend: %w", err)
		}
		lo = &bounds[i]
	}
	if err := batch(lo, nil); err != nil {
		return 0, fmt.Errorf("recommend: %w", err)
	}
	return written, nil
}

// recommendBatch is how many customers Recommend reads, by default, before appending their
// recommendations: it bounds the recommendations held in memory (at ten million customers, all of them at once
// took 12.9 GiB of peak RSS).
const recommendBatch = 500_000

// recommendBatches returns the customer id that ends each full batch of size customers of owned,
// in order; the customers after the last bound are the last batch.
func recommendBatches(ctx context.Context, conn *sql.Conn, owned string, size int) ([]string, error) {
	q, err := render("mining/recommend_batches.sql", map[string]any{"Owned": owned, "Batch": size})
	if err != nil {
		return nil, err
	}
	var bounds []string
	err = warehouse.EachRow(ctx, conn, q, nil, func(rows *sql.Rows) error {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		bounds = append(bounds, id)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("recommend: batches: %w", err)
	}
	return bounds, nil
}
