package demodata

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"
)

var end = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)

func gen(t *testing.T, opt Options) (*Manifest, string) {
	t.Helper()
	if opt.Dir == "" {
		opt.Dir = filepath.Join(t.TempDir(), "out")
	}
	if opt.End.IsZero() {
		opt.End = end
	}
	m, err := Generate(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	return m, opt.Dir
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[1:]
}

func TestDeterministic(t *testing.T) {
	_, a := gen(t, Options{Customers: 500, Seed: 7, DirtyRate: 0.01})
	_, b := gen(t, Options{Customers: 500, Seed: 7, DirtyRate: 0.01})
	_, c := gen(t, Options{Customers: 500, Seed: 8, DirtyRate: 0.01})
	for _, f := range []string{"customers.csv", "orders.csv", "order_items.csv", "interactions.csv", "surveys.csv", "campaign_contacts.csv", "products.csv", ManifestFile} {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		z, _ := os.ReadFile(filepath.Join(c, f))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed", f)
		}
		if f != "products.csv" && bytes.Equal(x, z) {
			t.Errorf("%s is the same for different seeds", f)
		}
	}
}

// A later export of the same history holds every row of the earlier one, byte for byte, for the
// tables whose rows never change once written.
func TestLaterExportExtendsEarlier(t *testing.T) {
	start := end.AddDate(0, 0, -1095)
	m1, d1 := gen(t, Options{Customers: 800, Seed: 3, DirtyRate: 0.01, Start: start})
	m2, d2 := gen(t, Options{Customers: 800, Seed: 3, DirtyRate: 0.01, Start: start, End: end.AddDate(0, 0, 30)})
	for _, f := range []string{"orders.csv", "order_items.csv", "interactions.csv", "surveys.csv", "campaign_contacts.csv"} {
		later := map[string]int{}
		for _, r := range readCSV(t, filepath.Join(d2, f)) {
			later[string(csvLine(r))]++
		}
		for _, r := range readCSV(t, filepath.Join(d1, f)) {
			k := string(csvLine(r))
			if later[k] == 0 {
				t.Fatalf("%s: row %v of the earlier export is missing from the later one", f, r)
			}
			later[k]--
		}
	}
	if m2.Tables["order_items"].Rows <= m1.Tables["order_items"].Rows {
		t.Errorf("the later export has no new order lines: %d vs %d", m2.Tables["order_items"].Rows, m1.Tables["order_items"].Rows)
	}
	// Some customers moved or changed consent in the 30 days between the exports.
	c1 := map[string][]string{}
	for _, r := range readCSV(t, filepath.Join(d1, "customers.csv")) {
		c1[r[0]] = r
	}
	changed := 0
	for _, r := range readCSV(t, filepath.Join(d2, "customers.csv")) {
		if p, ok := c1[r[0]]; ok && (p[7] != r[7] || p[10] != r[10]) {
			changed++
		}
	}
	if changed == 0 {
		t.Error("no customer changed region or consent between the exports")
	}
}

func csvLine(r []string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(r)
	w.Flush()
	return b.Bytes()
}

func TestManifestCountsRows(t *testing.T) {
	m, dir := gen(t, Options{Customers: 1000, Seed: 1, DirtyRate: 0.02})
	for table, tc := range m.Tables {
		if got := int64(len(readCSV(t, filepath.Join(dir, table+".csv")))); got != tc.Rows {
			t.Errorf("%s: manifest says %d rows, file has %d", table, tc.Rows, got)
		}
	}
	kinds := map[string]bool{}
	for _, tc := range m.Tables {
		for k, n := range tc.Dirty {
			if n > 0 {
				kinds[k] = true
			}
		}
	}
	for _, k := range []string{DuplicateKey, UnparsableDate, InvalidQuantity, UnknownReference, MissingRequired} {
		if !kinds[k] {
			t.Errorf("no dirty row of kind %s was planted", k)
		}
	}
	clean, _ := gen(t, Options{Customers: 300, Seed: 1, DirtyRate: 0})
	for table, tc := range clean.Tables {
		if len(tc.Dirty) > 0 {
			t.Errorf("%s: dirty rows planted at rate 0: %v", table, tc.Dirty)
		}
	}
}

// The latent types differ the way the BG/NBD story says: loyal customers buy far more often and
// drop out far less than one-timers.
func TestLatentTypesDiffer(t *testing.T) {
	_, dir := gen(t, Options{Customers: 4000, Seed: 11})
	orders := map[string][]float64{}
	dropped := map[string][]float64{}
	for _, r := range readCSV(t, filepath.Join(dir, TruthFile)) {
		n, _ := strconv.Atoi(r[2])
		orders[r[1]] = append(orders[r[1]], float64(n))
		dropped[r[1]] = append(dropped[r[1]], float64(len(r[3]))/10)
	}
	mean := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	loyal, regular, occasional, one := mean(orders["loyal"]), mean(orders["regular"]), mean(orders["occasional"]), mean(orders["one_timer"])
	if !(loyal > 2*regular && regular > occasional && occasional > one) {
		t.Errorf("mean orders by type are not ordered: loyal %.1f regular %.1f occasional %.1f one-timer %.1f", loyal, regular, occasional, one)
	}
	t.Logf("dropout loyal %.2f one-timer %.2f; orders %.1f %.1f %.1f %.1f", mean(dropped["loyal"]), mean(dropped["one_timer"]), loyal, regular, occasional, one)
	if dl, d1 := mean(dropped["loyal"]), mean(dropped["one_timer"]); !(dl < 0.6 && d1 > 0.8) {
		t.Errorf("dropout shares: loyal %.2f, one-timer %.2f", dl, d1)
	}
}

// A planted affinity shows in the baskets: the partner is bought with its anchor far more often
// than on its own.
func TestPlantedAffinity(t *testing.T) {
	m, dir := gen(t, Options{Customers: 3000, Seed: 5})
	names := map[string]string{}
	for _, r := range readCSV(t, filepath.Join(dir, "products.csv")) {
		names[r[0]] = r[1]
	}
	baskets := map[string]map[string]bool{}
	for _, r := range readCSV(t, filepath.Join(dir, "order_items.csv")) {
		if baskets[r[0]] == nil {
			baskets[r[0]] = map[string]bool{}
		}
		baskets[r[0]][names[r[2]]] = true
	}
	var a Affinity
	for _, x := range m.Affinities {
		if x.Consequent == "Memory Card 128GB" {
			a = x
			break
		}
	}
	var withA, both, cons int
	for _, b := range baskets {
		if b[a.Antecedent] {
			withA++
			if b[a.Consequent] {
				both++
			}
		}
		if b[a.Consequent] {
			cons++
		}
	}
	if withA < 20 {
		t.Fatalf("only %d baskets with %s", withA, a.Antecedent)
	}
	conf := float64(both) / float64(withA)
	support := float64(cons) / float64(len(baskets))
	if conf < a.Probability-0.15 || conf/support < 5 {
		t.Errorf("%s -> %s: confidence %.2f (planted %.2f), lift %.1f", a.Antecedent, a.Consequent, conf, a.Probability, conf/support)
	}
}

// Generation streams: the heap does not grow with the number of customers.
func TestBoundedMemory(t *testing.T) {
	peak := uint64(0)
	var ms runtime.MemStats
	opt := Options{Customers: 60000, Seed: 2, Dir: filepath.Join(t.TempDir(), "big"), End: end,
		Progress: func(done int) {
			if done%10000 == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}}
	if _, err := Generate(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	if peak > 64<<20 {
		t.Errorf("heap in use reached %d MiB while generating", peak>>20)
	}
}

// Churn has observable causes: within one latent type, customers with an unresolved complaint
// drop out far more often than those without.
func TestChurnFollowsUnresolvedComplaints(t *testing.T) {
	_, dir := gen(t, Options{Customers: 6000, Seed: 9})
	unresolved := map[string]bool{}
	for _, r := range readCSV(t, filepath.Join(dir, "interactions.csv")) {
		if r[2] == "complaint" && r[4] == "unresolved" {
			unresolved[r[1]] = true
		}
	}
	var n, dropped [2]float64 // [without, with] an unresolved complaint
	for _, r := range readCSV(t, filepath.Join(dir, TruthFile)) {
		if r[1] != "regular" {
			continue
		}
		i := boolInt(unresolved[r[0]])
		n[i]++
		if r[3] != "" {
			dropped[i]++
		}
	}
	if n[1] < 50 {
		t.Fatalf("only %.0f regular customers with an unresolved complaint", n[1])
	}
	without, with := dropped[0]/n[0], dropped[1]/n[1]
	if with < without+0.15 {
		t.Errorf("dropout of regular customers: %.2f with an unresolved complaint, %.2f without", with, without)
	}
	t.Logf("dropout of regular customers: %.2f with an unresolved complaint (%v), %.2f without (%v)", with, n[1], without, n[0])
}
