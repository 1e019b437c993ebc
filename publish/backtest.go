package publish

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/crmwh/crmwh/mining/btyd"
	"github.com/crmwh/crmwh/warehouse"
)

// monitoringRow is one row of scores.model_monitoring.
type monitoringRow struct {
	metric, segment string
	value           float64
}

// clvOutcome is one customer of a CLV back-test: the prediction over the elapsed window and
// what happened.
type clvOutcome struct {
	predicted, actual          float64 // repeat purchase days
	predSpend, actSpend, alive float64
	bought                     bool
}

// BacktestCLV compares, for every earlier date with a numeric snapshot and a clv model, the
// BG/NBD prediction of repeat purchase days over the part of the CLV horizon that has elapsed
// (with that run's parameters and each customer's history then) with what happened: in total,
// by decile of the prediction, per customer (mean absolute error, correlation), the spend
// (predicted purchases × expected spend), and P(alive) against "bought again", by decile. The
// window grows by whole 30-day steps up to the horizon, and a run is back-tested again only when
// its window has grown: a nightly publish redoes at most the few runs whose window just did.
func BacktestCLV(ctx context.Context, tx *sql.Tx, asOf time.Time, statuses []string) error {
	type run struct {
		d       time.Time
		id      string
		p       btyd.BGNBD
		unit    string
		horizon int
		done    sql.NullInt64 // the window of the stored back-test
	}
	var runs []run
	err := warehouse.ForEachRow(ctx, tx, "publish/backtest_clv_runs.sql", map[string]any{"AsOf": asOf.Format(time.DateOnly)}, nil,
		func(rows *sql.Rows) error {
			var r run
			if err := rows.Scan(&r.d, &r.id, &r.p.R, &r.p.Alpha, &r.p.A, &r.p.B, &r.unit, &r.horizon, &r.done); err != nil {
				return err
			}
			runs = append(runs, r)
			return nil
		})
	if err != nil {
		return fmt.Errorf("clv back-test: %w", err)
	}
	for _, r := range runs {
		window := min(int(asOf.Sub(r.d).Hours()/24)/30*30, int(float64(r.horizon)*365.25/12))
		if r.done.Valid && int(r.done.Int64) == window {
			continue // already back-tested over this window
		}
		unit := 1.0
		if r.unit == "week" {
			unit = 7
		}
		var out []clvOutcome
		err := warehouse.ForEachRow(ctx, tx, "publish/backtest_clv_rows.sql", map[string]any{
			"D": r.d.Format(time.DateOnly), "Window": window, "Statuses": statuses,
		}, nil, func(rows *sql.Rows) error {
			var id string
			var x, txd, td int
			var alive, spend sql.NullFloat64
			var o clvOutcome
			if err := rows.Scan(&id, &x, &txd, &td, &alive, &spend, &o.actual, &o.actSpend); err != nil {
				return err
			}
			o.predicted = r.p.ExpectedPurchases(btyd.RFT{X: x, Tx: float64(txd) / unit, T: float64(td) / unit}, float64(window)/unit)
			o.predSpend, o.alive, o.bought = o.predicted*spend.Float64, alive.Float64, o.actual > 0
			out = append(out, o)
			return nil
		})
		if err != nil {
			return fmt.Errorf("clv back-test of %s: %w", r.d.Format(time.DateOnly), err)
		}
		if len(out) == 0 {
			continue
		}
		if err := saveMonitoring(ctx, tx, "clv", r.id, r.d, asOf, window, clvMetrics(out)); err != nil {
			return err
		}
	}
	return nil
}

// clvMetrics are a CLV back-test's figures.
func clvMetrics(out []clvOutcome) []monitoringRow {
	n := float64(len(out))
	var pred, act, predSpend, actSpend, mae float64
	ps, as := make([]float64, len(out)), make([]float64, len(out))
	for i, o := range out {
		pred, act, predSpend, actSpend = pred+o.predicted, act+o.actual, predSpend+o.predSpend, actSpend+o.actSpend
		mae += math.Abs(o.predicted-o.actual) / n
		ps[i], as[i] = o.predicted, o.actual
	}
	rows := []monitoringRow{
		{"customers", "all", n}, {"predicted_purchases", "all", pred}, {"actual_purchases", "all", act},
		{"purchases_ratio", "all", pred / act}, {"mae_purchases", "all", mae}, {"corr_purchases", "all", correlation(ps, as)},
		{"predicted_spend", "all", predSpend}, {"actual_spend", "all", actSpend},
	}
	decile := func(by func(o clvOutcome) float64, each func(k int, part []clvOutcome)) {
		sorted := slices.Clone(out)
		slices.SortStableFunc(sorted, func(a, b clvOutcome) int { return cmp.Compare(by(b), by(a)) })
		for k := range 10 {
			lo, hi := k*len(sorted)/10, (k+1)*len(sorted)/10
			if hi > lo {
				each(k+1, sorted[lo:hi])
			}
		}
	}
	decile(func(o clvOutcome) float64 { return o.predicted }, func(k int, part []clvOutcome) {
		var p, a float64
		for _, o := range part {
			p, a = p+o.predicted, a+o.actual
		}
		seg := fmt.Sprintf("decile %d", k)
		rows = append(rows, monitoringRow{"predicted_purchases", seg, p}, monitoringRow{"actual_purchases", seg, a})
	})
	decile(func(o clvOutcome) float64 { return o.alive }, func(k int, part []clvOutcome) {
		var alive, bought float64
		for _, o := range part {
			alive += o.alive / float64(len(part))
			if o.bought {
				bought += 1 / float64(len(part))
			}
		}
		seg := fmt.Sprintf("decile %d", k)
		rows = append(rows, monitoringRow{"mean_p_alive", seg, alive}, monitoringRow{"bought_again", seg, bought})
	})
	return rows
}

func correlation(a, b []float64) float64 {
	n := float64(len(a))
	var ma, mb float64
	for i := range a {
		ma, mb = ma+a[i]/n, mb+b[i]/n
	}
	var sab, saa, sbb float64
	for i := range a {
		sab += (a[i] - ma) * (b[i] - mb)
		saa += (a[i] - ma) * (a[i] - ma)
		sbb += (b[i] - mb) * (b[i] - mb)
	}
	if saa == 0 || sbb == 0 {
		return math.NaN()
	}
	return sab / math.Sqrt(saa*sbb)
}

// saveMonitoring replaces a method's back-test of one date in scores.model_monitoring.
func saveMonitoring(ctx context.Context, tx *sql.Tx, method, runID string, trained, evaluated time.Time, window int, rows []monitoringRow) error {
	del, err := warehouse.Render("publish/monitoring_delete.sql", nil)
	if err != nil {
		return err
	}
	ins, err := warehouse.Render("publish/monitoring_insert.sql", nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, del, method, trained); err != nil {
		return fmt.Errorf("%s back-test: %w", method, err)
	}
	for _, r := range rows {
		var v any = r.value
		if math.IsNaN(r.value) || math.IsInf(r.value, 0) {
			v = nil
		}
		if _, err := tx.ExecContext(ctx, ins, method, runID, trained, evaluated, window, r.metric, r.segment, v); err != nil {
			return fmt.Errorf("%s back-test: %w", method, err)
		}
	}
	return nil
}
