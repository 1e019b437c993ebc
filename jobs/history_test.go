package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmwh/crmwh/etl/demodata"
	"github.com/crmwh/crmwh/publish"
	"github.com/crmwh/crmwh/warehouse"
)

// The columns scores_as_of reconstructs, categorical and numeric.
var (
	historyCategorical = []string{"customer_key", "rfm_segment", "abc_class", "clv_quadrant", "lifecycle_stage", "churn_risk", "cluster_label", "tier", "loyalty_type"}
	historyNumeric     = []string{"recency_days", "frequency", "monetary", "clv_historical", "p_alive", "expected_purchases",
		"expected_spend", "clv", "decline_drop", "churn_probability"}
)

// rowsOf reads a query's rows as customer id → the other columns as text.
func rowsOf(t *testing.T, db *sql.DB, cols []string, from string) map[string]string {
	t.Helper()
	q := fmt.Sprintf("SELECT customer_id, concat_ws('|', %s) FROM %s",
		"coalesce(CAST("+strings.Join(cols, " AS VARCHAR), '∅'), coalesce(CAST(")+" AS VARCHAR), '∅')", from)
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, v string
		if err := rows.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		out[id] = v
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// renderedMigration is migration.sql for dims, computed from the history.
func renderedMigration(t *testing.T, from, to time.Time, dims []string) string {
	t.Helper()
	q, err := warehouse.Render("publish/migration.sql", map[string]any{
		"From": from.Format(time.DateOnly), "To": to.Format(time.DateOnly), "Dimensions": dims})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// queryLines reads a query's rows, each as its values in fmt's default format.
func queryLines(t *testing.T, db warehouse.Querier, q string) []string {
	t.Helper()
	var out []string
	err := warehouse.EachRow(context.Background(), db, q, nil, func(rows *sql.Rows) error {
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		vals, ptrs := warehouse.ScanTargets(len(cols))
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		out = append(out, fmt.Sprint(vals...))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// historyChecksum fingerprints the history tables (run ids aside).
func historyChecksum(t *testing.T, env *Env) string {
	t.Helper()
	db := open(t, env)
	defer db.Close()
	var parts []string
	for _, table := range []string{"scores.customer_score_history", "scores.customer_score_snapshots",
		"scores.segment_migration", "scores.score_history_dates"} {
		var n int64
		var sum string
		q := fmt.Sprintf("SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM (SELECT COLUMNS(c -> c NOT IN ('run_id')) FROM %s) AS t", table)
		if err := db.QueryRow(q).Scan(&n, &sum); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		parts = append(parts, fmt.Sprintf("%s %d %s", table, n, sum))
	}
	return strings.Join(parts, "\n")
}

// A demo backfilled month by month (with one mid-month date) records a history from which
// scores_as_of gives back, for every date, what scores.customer_scores held right after that
// date's run: categorical scores exactly, numeric ones on month ends and on the latest date (a
// mid-month date that is no longer the latest gets the month end before it). Re-running a date
// and running the same dates in another order leave the same history; migration matrices add
// up to the customers at both dates.
func TestScoreHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: 16 nightly runs")
	}
	src := filepath.Join(t.TempDir(), "src")
	if _, err := demodata.Generate(context.Background(), demodata.Options{Customers: 400, Seed: 5, End: day1, Dir: src}); err != nil {
		t.Fatal(err)
	}
	dates, err := BackfillDates(day1.AddDate(0, -6, 0), day1, "month")
	if err != nil {
		t.Fatal(err)
	}
	mid := time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC)
	dates = append(dates, mid)
	slices.SortFunc(dates, func(a, b time.Time) int { return a.Compare(b) })
	if len(dates) < 7 {
		t.Fatalf("dates %v", dates)
	}
	env := newEnv(t, src)
	type copyOf struct{ cat, num, tier, tierChange map[string]string }
	copies := map[time.Time]copyOf{}
	for _, d := range dates {
		run(t, env, d)
		db := open(t, env)
		copies[d] = copyOf{rowsOf(t, db.DB, historyCategorical, "scores.customer_scores"), rowsOf(t, db.DB, historyNumeric, "scores.customer_scores"),
			rowsOf(t, db.DB, []string{"tier"}, "scores.customer_scores"), rowsOf(t, db.DB, []string{"tier_previous", "tier_change"}, "scores.customer_scores")}
		db.Close()
	}
	// Each run's tier change is against the tier the previous run published.
	rank := map[string]int{"∅": 0}
	for i, name := range env.Config.Mining.Tiers.Names() {
		rank[name] = i + 1
	}
	changes := map[string]int{}
	for i := 1; i < len(dates); i++ {
		prev, cur := copies[dates[i-1]], copies[dates[i]]
		for id, tier := range cur.tier {
			before, ok := prev.tier[id]
			change := "new"
			switch {
			case !ok || before == "∅":
				before = "∅"
			case before == tier:
				change = "same"
			case rank[before] > rank[tier]:
				change = "up"
			default:
				change = "down"
			}
			changes[change]++
			if got, want := cur.tierChange[id], before+"|"+change; got != want {
				t.Errorf("%s: customer %s's tier_previous|tier_change %s, want %s", dates[i].Format(time.DateOnly), id, got, want)
				break
			}
		}
	}
	t.Logf("tier changes over the runs: %v", changes)
	if changes["up"] == 0 || changes["down"] == 0 {
		t.Errorf("tier changes %v: want moves both ways", changes)
	}
	want := historyChecksum(t, env)

	db := open(t, env)
	for _, d := range dates {
		day := d.Format(time.DateOnly)
		from := fmt.Sprintf("scores_as_of(DATE '%s')", day)
		if got := rowsOf(t, db.DB, historyCategorical, from); !equalMaps(got, copies[d].cat) {
			t.Errorf("%s: scores_as_of differs from customer_scores after the run (%d against %d customers; %s)", day, len(got), len(copies[d].cat), firstDiff(got, copies[d].cat))
		}
		wantNum := copies[d].num
		if d.Equal(mid) {
			wantNum = copies[time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)].num
		}
		got := rowsOf(t, db.DB, historyNumeric, from)
		for id, v := range got {
			if w, ok := wantNum[id]; ok && v != w || !ok && !d.Equal(mid) {
				t.Errorf("%s: customer %s numeric scores %s, want %s", day, id, v, w)
				break
			}
		}
	}
	// A day between two runs gives the earlier run's scores.
	if got := rowsOf(t, db.DB, historyCategorical, "scores_as_of(DATE '2026-05-20')"); !equalMaps(got, copies[time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC)].cat) {
		t.Errorf("2026-05-20: not the scores of 2026-04-30 (%s)", firstDiff(got, copies[time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC)].cat))
	}
	// Migration matrices: row sums are the customers at the earlier date, column sums those at
	// the later one; (new) and (gone) account for the rest.
	for i := 1; i < len(dates); i++ {
		from, to := dates[i-1].Format(time.DateOnly), dates[i].Format(time.DateOnly)
		for _, dim := range publish.Dimensions() {
			var fromN, toN, newN, goneN int64
			if err := db.QueryRow(`SELECT coalesce(sum(customers) FILTER (WHERE from_value <> '(new)'), 0),
				coalesce(sum(customers) FILTER (WHERE to_value <> '(gone)'), 0),
				coalesce(sum(customers) FILTER (WHERE from_value = '(new)'), 0),
				coalesce(sum(customers) FILTER (WHERE to_value = '(gone)'), 0)
				FROM scores.segment_migration WHERE dimension = ? AND from_as_of = CAST(? AS DATE) AND to_as_of = CAST(? AS DATE)`,
				dim, from, to).Scan(&fromN, &toN, &newN, &goneN); err != nil {
				t.Fatal(err)
			}
			if fromN != int64(len(copies[dates[i-1]].cat)) || toN != int64(len(copies[dates[i]].cat)) {
				t.Errorf("%s %s→%s: rows add up to %d, columns to %d; customers %d and %d", dim, from, to, fromN, toN,
					len(copies[dates[i-1]].cat), len(copies[dates[i]].cat))
			}
			if int64(len(copies[dates[i]].cat))-int64(len(copies[dates[i-1]].cat)) != newN-goneN {
				t.Errorf("%s %s→%s: %d new and %d gone do not explain the change in customers", dim, from, to, newN, goneN)
			}
			// Every cell against a count from the copies.
			fv, tv := column(copies[dates[i-1]].cat, dim), column(copies[dates[i]].cat, dim)
			cells := map[[2]string]int64{}
			for id, v := range fv {
				w, ok := tv[id]
				if !ok {
					w = "(gone)"
				}
				cells[[2]string{v, w}]++
			}
			for id, w := range tv {
				if _, ok := fv[id]; !ok {
					cells[[2]string{"(new)", w}]++
				}
			}
			rows, err := db.Query(`SELECT from_value, to_value, customers FROM scores.segment_migration
				WHERE dimension = ? AND from_as_of = CAST(? AS DATE) AND to_as_of = CAST(? AS DATE)`, dim, from, to)
			if err != nil {
				t.Fatal(err)
			}
			got := map[[2]string]int64{}
			for rows.Next() {
				var a, b string
				var n int64
				if err := rows.Scan(&a, &b, &n); err != nil {
					t.Fatal(err)
				}
				got[[2]string{a, b}] = n
			}
			rows.Close()
			if fmt.Sprint(got) != fmt.Sprint(cells) {
				t.Errorf("%s %s→%s: migration %v, from the copies %v", dim, from, to, got, cells)
			}
		}
	}
	// The migration between consecutive dates is read as the publish kept it, and equals the one
	// computed from the history; other pairs are computed.
	ctx := context.Background()
	for _, pair := range [][2]time.Time{{dates[2], dates[3]}, {dates[1], dates[4]}} {
		q, err := publish.MigrationQuery(ctx, db, pair[0], pair[1], publish.Dimensions())
		if err != nil {
			t.Fatal(err)
		}
		computed := renderedMigration(t, pair[0], pair[1], publish.Dimensions())
		kept := pair[1] == dates[3]
		if got := strings.Contains(q, "scores.segment_migration"); got != kept {
			t.Errorf("%v: the query reads the kept migration: %v, want %v", pair, got, kept)
		}
		if got, want := queryLines(t, db, q), queryLines(t, db, computed); !slices.Equal(got, want) || len(got) == 0 {
			t.Errorf("%v: migration\n%v\ncomputed\n%v", pair, got, want)
		}
	}
	// The lake has the history partitioned by month, as other engines read it.
	var lakeRows, months, want2 int64
	glob := filepath.Join(env.LakeDir(), "warehouse", "scores", "customer_score_history", "**", "*.parquet")
	if err := db.QueryRow("SELECT count(*), count(DISTINCT year_month) FROM read_parquet(?, hive_partitioning = true)", glob).Scan(&lakeRows, &months); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT count(*) FROM scores.customer_score_history").Scan(&want2); err != nil {
		t.Fatal(err)
	}
	if lakeRows != want2 || months < 7 {
		t.Errorf("lake: %d history rows in %d month partitions, the warehouse has %d rows over 7+ months", lakeRows, months, want2)
	}
	db.Close()

	// A kept pair without one of the dimensions asked (a dimension added since) is computed.
	rw, err := warehouse.Open(ctx, env.WarehousePath(), warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := rw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("DELETE FROM scores.segment_migration WHERE dimension = 'tier' AND to_as_of = ?", dates[3]); err != nil {
		t.Fatal(err)
	}
	if q, err := publish.MigrationQuery(ctx, tx, dates[2], dates[3], []string{"tier", "abc_class"}); err != nil {
		t.Fatal(err)
	} else if q != renderedMigration(t, dates[2], dates[3], []string{"tier", "abc_class"}) {
		t.Errorf("a kept pair lacking tier: not computed:\n%s", q)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	rw.Close()

	// Re-running a date changes nothing.
	run(t, env, dates[3])
	if got := historyChecksum(t, env); got != want {
		t.Errorf("re-running %s changed the history:\n%s\nwant\n%s", dates[3].Format(time.DateOnly), got, want)
	}
	// The same dates in another order give the same history.
	other := newEnv(t, src)
	shuffled := slices.Clone(dates)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	if slices.Equal(shuffled, dates) {
		slices.Reverse(shuffled)
	}
	for _, d := range shuffled {
		run(t, other, d)
	}
	if got := historyChecksum(t, other); got != want {
		t.Errorf("running %v in that order gave another history:\n%s\nwant\n%s", shuffled, got, want)
	}
}

// column picks one categorical score out of rowsOf's text (customer_key first), "(none)" for NULL.
func column(rows map[string]string, dim string) map[string]string {
	i := slices.Index(historyCategorical, dim)
	out := map[string]string{}
	for id, v := range rows {
		f := strings.Split(v, "|")[i]
		if f == "∅" {
			f = "(none)"
		}
		out[id] = f
	}
	return out
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func firstDiff(got, want map[string]string) string {
	for k, v := range want {
		if got[k] != v {
			return fmt.Sprintf("customer %s: %q, want %q", k, got[k], v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			return fmt.Sprintf("customer %s: %q not expected", k, v)
		}
	}
	return "no difference"
}
