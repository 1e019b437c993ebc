// Package demodata writes a synthetic operational CRM data set that follows the source contract:
// one CSV file per table, deterministic for a seed, with planted structure (latent customer
// types, product affinities, churn with observable causes) and planted dirty rows recorded in a
// manifest. It streams customer by customer, so memory does not grow with the customer count.
package demodata

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/crmwh/crmwh/etl"
)

// Options of a generated data set.
type Options struct {
	Customers int
	Seed      uint64
	// Start is the first day of history; the zero time means End minus three years. Exports for
	// the same seed and start agree on everything up to the earlier end date.
	Start time.Time
	// End is the last day of data.
	End time.Time
	// DirtyRate is the chance that a written row gets a dirty companion row.
	DirtyRate float64
	// Dir receives the files; it is replaced whole when generation succeeds.
	Dir string
	// SatisfactionDropFrom, when set, plants a drift: surveys from that day on score 3 points
	// lower, so the satisfaction features the churn model learned from shift.
	SatisfactionDropFrom time.Time
	// Progress, if set, is called with the number of customers done.
	Progress func(done int)
}

// Manifest describes a generated data set: what was asked for and what was planted.
type Manifest struct {
	Seed          uint64                 `json:"seed"`
	Customers     int                    `json:"customers"`
	Start         string                 `json:"start"`
	End           string                 `json:"end"`
	DirtyRate     float64                `json:"dirty_rate"`
	Tables        map[string]TableCounts `json:"tables"`
	CustomerTypes map[string]int         `json:"customer_types"`
	Affinities    []Affinity             `json:"affinities"`
	// ChannelDropout is the planted change the customer-base trend must show.
	ChannelDropout ChannelDropout `json:"channel_dropout"`
	// SatisfactionDropFrom is the planted drift's first day, when one was asked for.
	SatisfactionDropFrom string `json:"satisfaction_drop_from,omitempty"`
	// Campaigns are the planted control groups and campaign effect.
	Campaigns CampaignPlant `json:"campaigns"`
	// Service are the planted satisfaction, complaint and referral findings.
	Service ServicePlant `json:"service"`
}

// ChannelDropout is a planted change in the customer base: the customers acquired through Channel
// from From (the first day of a month) on drop out after a purchase Factor times as often.
type ChannelDropout struct {
	Channel string  `json:"channel"`
	From    string  `json:"from"`
	Factor  float64 `json:"factor"`
}

// plantedDropout is the channel and factor of the planted change; it starts two years after the
// start of history, on the first of that month.
var plantedDropout = ChannelDropout{Channel: "web", Factor: 4}

// TableCounts are the data rows written to one file and, of those, the dirty rows by kind.
type TableCounts struct {
	Rows  int64            `json:"rows"`
	Dirty map[string]int64 `json:"dirty"`
}

// Affinity is a planted "bought together" pair: when Antecedent is in a basket, Consequent is
// added with Probability.
type Affinity struct {
	Antecedent  string  `json:"antecedent"`
	Consequent  string  `json:"consequent"`
	Probability float64 `json:"probability"`
}

// ManifestFile is the manifest's name inside the output directory; TruthFile holds each
// customer's latent type, order count and dropout date, for testing the mining methods.
const (
	ManifestFile = "manifest.json"
	TruthFile    = "truth_customers.csv"
)

// DefaultHistory is the span of history before the end date when no start is given.
const DefaultHistory = 1095 * day

type generator struct {
	opt                                                       Options
	start                                                     time.Time
	endExcl                                                   time.Time
	cat                                                       *catalog
	types                                                     map[string]int
	plantFrom                                                 time.Time
	truth                                                     *csv.Writer
	customers, orders, items, interactions, surveys, contacts *sink
	uplift                                                    upliftTruth
	referred                                                  int64
	ambassadors                                               []int
}

// Generate writes the data set into opt.Dir (via a temporary directory, renamed at the end).
func Generate(ctx context.Context, opt Options) (*Manifest, error) {
	if opt.Customers <= 0 {
		return nil, fmt.Errorf("generate: --customers must be positive, not %d", opt.Customers)
	}
	if opt.DirtyRate < 0 || opt.DirtyRate > 0.5 {
		return nil, fmt.Errorf("generate: dirty rate %g is outside 0..0.5", opt.DirtyRate)
	}
	start, end := opt.span()
	if !start.Before(end) {
		return nil, fmt.Errorf("generate: start %s is not before end %s", start.Format(time.DateOnly), end.Format(time.DateOnly))
	}
	g := &generator{opt: opt, start: start, endExcl: end.Add(day), types: map[string]int{}}
	// From the start, not the end, so that exports for the same seed and start agree up to the
	// earlier end date (with the default three years of history: the last year).
	twoYears := start.AddDate(2, 0, 0)
	g.plantFrom = time.Date(twoYears.Year(), twoYears.Month(), 1, 0, 0, 0, 0, time.UTC)
	g.cat = buildCatalog(opt.Seed, start)
	g.ambassadors = g.chooseAmbassadors()

	tmp := opt.Dir + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	m, err := g.write(ctx, tmp)
	if err != nil {
		_ = os.RemoveAll(tmp)
		return nil, err
	}
	if err := os.RemoveAll(opt.Dir); err != nil {
		return nil, fmt.Errorf("generate: replace %s: %w", opt.Dir, err)
	}
	if err := os.Rename(tmp, opt.Dir); err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	return m, nil
}

func (g *generator) write(ctx context.Context, dir string) (*Manifest, error) {
	header := func(name string) []string { return etl.TableByName(name).Columns }
	sinks := []struct {
		s     **sink
		name  string
		kinds []string
	}{
		{&g.customers, "customers", []string{DuplicateKey, UnparsableDate, MissingRequired}},
		{&g.orders, "orders", []string{DuplicateKey, UnparsableDate, UnknownReference, MissingRequired}},
		{&g.items, "order_items", []string{DuplicateKey, InvalidQuantity, UnknownReference, MissingRequired}},
		{&g.interactions, "interactions", []string{DuplicateKey, UnparsableDate, UnknownReference, MissingRequired}},
		{&g.surveys, "surveys", []string{DuplicateKey, UnparsableDate, UnknownReference, MissingRequired}},
		{&g.contacts, "campaign_contacts", []string{DuplicateKey, UnknownReference}},
	}
	for _, s := range sinks {
		var err error
		if *s.s, err = newSink(dir, s.name, header(s.name), s.kinds); err != nil {
			return nil, err
		}
	}
	tf, err := os.Create(filepath.Join(dir, TruthFile))
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	defer tf.Close()
	g.truth = csv.NewWriter(tf)
	_ = g.truth.Write([]string{"customer_id", "latent_type", "orders", "dropout_date"})

	for id := 1; id <= g.opt.Customers; id++ {
		if id%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("generate: %w", err)
			}
			if g.opt.Progress != nil {
				g.opt.Progress(id)
			}
		}
		g.customer(id)
	}
	if g.opt.Progress != nil {
		g.opt.Progress(g.opt.Customers)
	}
	g.truth.Flush()
	if err := g.truth.Error(); err != nil {
		return nil, fmt.Errorf("generate: %s: %w", TruthFile, err)
	}

	m := &Manifest{Seed: g.opt.Seed, Customers: g.opt.Customers, Start: g.start.Format(time.DateOnly),
		End: g.endExcl.Add(-day).Format(time.DateOnly), DirtyRate: g.opt.DirtyRate,
		Tables: map[string]TableCounts{}, CustomerTypes: g.types,
		ChannelDropout: ChannelDropout{Channel: plantedDropout.Channel, From: g.plantFrom.Format(time.DateOnly), Factor: plantedDropout.Factor},
		Campaigns:      g.campaignPlant(), Service: g.servicePlant()}
	if !g.opt.SatisfactionDropFrom.IsZero() {
		m.SatisfactionDropFrom = g.opt.SatisfactionDropFrom.Format(time.DateOnly)
	}
	for _, s := range sinks {
		if err := (*s.s).close(); err != nil {
			return nil, fmt.Errorf("generate: %s.csv: %w", s.name, err)
		}
		m.Tables[s.name] = TableCounts{Rows: (*s.s).rows, Dirty: (*s.s).dirty}
	}
	for name, rows := range map[string][][]string{
		"products":  g.productRows(),
		"stores":    g.storeRows(),
		"employees": g.employeeRows(),
		"campaigns": g.campaignRows(),
	} {
		if err := writeSmall(dir, name, rows); err != nil {
			return nil, fmt.Errorf("generate: %s.csv: %w", name, err)
		}
		m.Tables[name] = TableCounts{Rows: int64(len(rows)), Dirty: map[string]int64{}}
	}
	for _, p := range g.cat.products {
		for _, pt := range p.partners {
			m.Affinities = append(m.Affinities, Affinity{p.name, g.cat.products[pt.product].name, pt.p})
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("generate: manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), b, 0o644); err != nil {
		return nil, fmt.Errorf("generate: manifest: %w", err)
	}
	return m, nil
}

// emit writes rec to s when at is before the end date, plus a dirty companion when one is drawn.
// The companion is built even when nothing is written: building it may advance id counters, and
// those must not depend on the end date.
func (g *generator) emit(rng *rand.Rand, s *sink, at time.Time, rec []string, companion func(dirt, []string) []string) {
	d := drawDirt(rng, g.opt.DirtyRate, s)
	var bad []string
	if d.planted {
		bad = companion(d, append([]string(nil), rec...))
	}
	if !at.Before(g.endExcl) {
		return
	}
	s.write(rec)
	if d.planted {
		s.write(bad)
		s.dirty[d.kind]++
	}
}

// The small tables are written whole at the end.

func writeSmall(dir, table string, rows [][]string) error {
	s, err := newSink(dir, table, etl.TableByName(table).Columns, nil)
	if err != nil {
		return err
	}
	for _, r := range rows {
		s.write(r)
	}
	return s.close()
}

func (g *generator) productRows() [][]string {
	var rows [][]string
	last := g.endExcl.Add(-time.Second)
	for i, p := range g.cat.products {
		updated := g.start.Add(-30 * day)
		if t := g.cat.lastChange(i, last); !t.IsZero() {
			updated = t
		}
		price := g.cat.priceAt(i, last)
		cost := round2(p.cost * price / p.price)
		rows = append(rows, []string{p.id, p.name, p.category, p.brand, p.model,
			strconv.FormatFloat(price, 'f', 2, 64), strconv.FormatFloat(cost, 'f', 2, 64), ts(updated)})
	}
	return rows
}

func (g *generator) storeRows() [][]string {
	var rows [][]string
	for _, s := range g.cat.stores {
		rows = append(rows, []string{s.id, s.name, s.city, s.region})
	}
	return rows
}

func (g *generator) employeeRows() [][]string {
	var rows [][]string
	for _, e := range g.cat.employees {
		rows = append(rows, e[:])
	}
	return rows
}

func (g *generator) campaignRows() [][]string {
	var rows [][]string
	for _, c := range g.cat.campaigns {
		if !c.start.Before(g.endExcl) {
			continue
		}
		rows = append(rows, []string{c.id, c.name, c.channel, c.start.Format(time.DateOnly), c.end.Format(time.DateOnly),
			strconv.FormatFloat(c.cost, 'f', 2, 64)})
	}
	return rows
}

// span is the history Generate writes for opt: its first day and its last.
func (opt Options) span() (start, end time.Time) {
	end = opt.End.UTC().Truncate(day)
	start = opt.Start.UTC().Truncate(day)
	if opt.Start.IsZero() {
		start = end.Add(-DefaultHistory)
	}
	return start, end
}

// Reuse returns the manifest of the demo data in opt.Dir when Generate(opt) would write the same
// data set: the same seed, customers, history, dirty rate and planted drift, by a generator that
// writes every manifest field today's does. Otherwise (no data, other options, an older
// generator) it returns nil: an export kept from other options once made a benchmark's "next
// night" load a different history on top of the first.
func Reuse(opt Options) *Manifest {
	raw, err := os.ReadFile(filepath.Join(opt.Dir, ManifestFile))
	if err != nil {
		return nil
	}
	m := &Manifest{}
	var have, want map[string]json.RawMessage
	today, err := json.Marshal(Manifest{})
	if err != nil || json.Unmarshal(raw, m) != nil || json.Unmarshal(raw, &have) != nil || json.Unmarshal(today, &want) != nil {
		return nil
	}
	for k := range want {
		if _, ok := have[k]; !ok {
			return nil
		}
	}
	start, end := opt.span()
	drop := ""
	if !opt.SatisfactionDropFrom.IsZero() {
		drop = opt.SatisfactionDropFrom.Format(time.DateOnly)
	}
	if m.Seed != opt.Seed || m.Customers != opt.Customers || m.DirtyRate != opt.DirtyRate ||
		m.Start != start.Format(time.DateOnly) || m.End != end.Format(time.DateOnly) || m.SatisfactionDropFrom != drop {
		return nil
	}
	return m
}

// Ensure leaves in opt.Dir the data set Generate(opt) writes: the one there when Reuse says it is
// the same, else a new one (what else was in opt.Dir goes first, so that no file of another data
// set stays beside it). generated says which; the benchmarks keep their exports this way.
func Ensure(ctx context.Context, opt Options) (m *Manifest, generated bool, err error) {
	if m := Reuse(opt); m != nil {
		return m, false, nil
	}
	if err := os.RemoveAll(opt.Dir); err != nil {
		return nil, false, fmt.Errorf("generate: %w", err)
	}
	m, err = Generate(ctx, opt)
	return m, err == nil, err
}

// ReadManifest reads the manifest of the demo data in dir.
func ReadManifest(dir string) (*Manifest, error) {
	path := filepath.Join(dir, ManifestFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := &Manifest{}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}
