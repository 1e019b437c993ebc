package mining

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"time"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/mining/btyd"
	"github.com/crmwh/crmwh/warehouse"
)

// CLVFit is the outcome of CLV: the fitted models and the record for scores.model_runs.
type CLVFit struct {
	BGNBD          btyd.BGNBD
	GammaGamma     btyd.GammaGamma
	BGInfo, GGInfo btyd.FitInfo
	MarginRate     float64
	FitSeconds     float64
	// HoldoutPredicted is the expected number of repeat purchase days in the holdout (the days
	// after the calibration end up to the data's as-of date) summed over the customers; zero when
	// there is no holdout.
	HoldoutPredicted float64
	HoldoutActual    int64 // repeat purchase days that happened in the holdout
	// HoldoutByFrequency splits the holdout by the customers' repeat purchase days in the
	// calibration period (0 .. 6, 7 or more): predicted and actual repeat purchase days.
	HoldoutByFrequency []HoldoutBucket
	BGStdErr           btyd.BGNBD      // standard errors of the BG/NBD parameters
	GGStdErr           btyd.GammaGamma // standard errors of the Gamma-Gamma parameters
	StdErrNote         string          // why there are none, when the information matrix is singular
	// FitObserved and FitExpected are the customers with 0 .. 6 and 7 or more repeat purchase
	// days in their calibration period, as observed and as the BG/NBD fit expects.
	FitObserved, FitExpected []float64
	Customers                int64            // scored
	RepeatCustomers          int              // with at least one repeat purchase day: Gamma-Gamma's input
	Excluded                 int              // repeat customers without positive spend, left out of Gamma-Gamma
	Distinct                 int              // distinct (x, t_x, T) histories
	SpendFallback            bool             // q ≤ 1: expected spend is the mean spend, not Gamma-Gamma's
	Quadrants                map[string]int64 // customers per CLV quadrant
	Model                    *Model           // built from the fields above
}

// HoldoutBucket is the holdout of the customers with one calibration frequency.
type HoldoutBucket struct {
	Customers         int64
	Predicted, Actual float64
}

// daysPerMonth is the mean length of a month, for the monthly CLV steps.
const daysPerMonth = 365.25 / 12

// clvBatch is how many customers are scored at a time, bounding memory at any scale.
const clvBatch = 100_000

// CLV fits BG/NBD and Gamma-Gamma to the purchases in mining_tx up to calibrationEnd and scores
// every customer into clv_result: P(alive), expected purchases and spend, and the discounted
// margin over the horizon. holdoutDays > 0 also predicts purchases over that many days after
// calibrationEnd, for comparison with what happened.
func CLV(ctx context.Context, conn *sql.Conn, cfg configs.CLV, calibrationEnd time.Time, holdoutDays int) (*CLVFit, error) {
	cal := calibrationEnd.Format(time.DateOnly)
	if err := script(ctx, conn, "mining/clv_summary.sql", map[string]any{"CalibrationEnd": cal}); err != nil {
		return nil, err
	}
	fit := &CLVFit{}
	if cfg.MarginRate != nil {
		fit.MarginRate = *cfg.MarginRate
	} else {
		var rate sql.NullFloat64
		if err := conn.QueryRowContext(ctx, "SELECT sum(clv_historical) / nullif(sum(revenue), 0) FROM clv_summary").Scan(&rate); err != nil {
			return nil, fmt.Errorf("measure the margin rate: %w", err)
		}
		if err := marginGuard(rate); err != nil {
			return nil, err
		}
		fit.MarginRate = rate.Float64
	}
	unit := 1.0
	if cfg.TimeUnit == "week" {
		unit = 7
	}

	// Pass 1: the model inputs, compressed; the customers are streamed, not held.
	rfts, spends := &btyd.RFTSet{}, &btyd.SpendSet{}
	excluded := 0
	rows, err := conn.QueryContext(ctx, "SELECT x, tx_days, t_days, mean_spend FROM clv_summary")
	if err != nil {
		return nil, fmt.Errorf("read summary: %w", err)
	}
	for rows.Next() {
		var x, tx, t int
		var m sql.NullFloat64
		if err := rows.Scan(&x, &tx, &t, &m); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read summary: %w", err)
		}
		rfts.Add(btyd.RFT{X: x, Tx: float64(tx) / unit, T: float64(t) / unit})
		if x > 0 && !spends.Add(x, m.Float64) {
			excluded++ // repeat days without positive spend: Gamma-Gamma is undefined for them
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read summary: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t0 := time.Now()
	if fit.BGNBD, fit.BGInfo, err = btyd.FitBGNBD(ctx, rfts); err != nil {
		return nil, err
	}
	if fit.GammaGamma, fit.GGInfo, err = btyd.FitGammaGamma(ctx, spends); err != nil {
		return nil, err
	}
	fit.FitSeconds = time.Since(t0).Seconds()
	fit.FitObserved, fit.FitExpected = fit.BGNBD.FitCheck(rfts, 7)
	// Standard errors from the observed information; a fit at the boundary has none, and says so.
	if fit.BGStdErr, err = fit.BGNBD.StdErrors(rfts); err != nil {
		fit.StdErrNote = err.Error()
	} else if fit.GGStdErr, err = fit.GammaGamma.StdErrors(spends); err != nil {
		fit.StdErrNote = err.Error()
	}

	// Pass 2: score in batches, appending to clv_predictions.
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE clv_predictions (customer_id VARCHAR,
		p_alive DOUBLE, expected_purchases DOUBLE, expected_spend DOUBLE, clv DOUBLE)`); err != nil {
		return nil, err
	}
	sc := newScorer(fit, cfg, unit, holdoutDays, spends)
	for lo := 0; lo < rfts.Customers(); lo += clvBatch {
		if err := sc.batch(ctx, conn, lo, lo+clvBatch); err != nil {
			return nil, fmt.Errorf("score: %w", err)
		}
	}
	fit.HoldoutPredicted = sc.holdout
	if holdoutDays > 0 {
		fit.HoldoutByFrequency = make([]HoldoutBucket, len(sc.byX))
		for i, p := range sc.byX {
			fit.HoldoutByFrequency[i].Predicted = p
		}
		q, err := render("mining/clv_holdout.sql", map[string]any{"CalibrationEnd": cal})
		if err != nil {
			return nil, err
		}
		err = warehouse.EachRow(ctx, conn, q, nil, func(rows *sql.Rows) error {
			var bucket int
			var b HoldoutBucket
			if err := rows.Scan(&bucket, &b.Customers, &b.Actual); err != nil {
				return err
			}
			b.Predicted = fit.HoldoutByFrequency[bucket].Predicted
			fit.HoldoutByFrequency[bucket] = b
			fit.HoldoutActual += int64(b.Actual)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("holdout: %w", err)
		}
	}
	if err := script(ctx, conn, "mining/clv_result.sql", map[string]any{
		"CurrentQuantile": cfg.CurrentQuantile, "FutureQuantile": cfg.FutureQuantile,
	}); err != nil {
		return nil, err
	}
	quadrants, n, err := countBy(ctx, conn, "clv_result", "clv_quadrant")
	if err != nil {
		return nil, err
	}
	fit.Customers, fit.RepeatCustomers, fit.Excluded, fit.Distinct = n, spends.Customers(), excluded, rfts.Distinct()
	fit.SpendFallback, fit.Quadrants = sc.fallback, quadrants
	bg, gg := fit.BGNBD, fit.GammaGamma
	fit.Model = &Model{Method: "clv", Customers: fit.Customers,
		Parameters: map[string]any{
			"r": bg.R, "alpha": bg.Alpha, "a": bg.A, "b": bg.B, "p": gg.P, "q": gg.Q, "gamma": gg.Gamma,
			"time_unit": cfg.TimeUnit, "calibration_end": cal, "horizon_months": cfg.HorizonMonths,
			"monthly_discount_rate": cfg.MonthlyDiscountRate, "margin_rate": fit.MarginRate,
			"margin_rate_measured": cfg.MarginRate == nil,
			"current_quantile":     cfg.CurrentQuantile, "future_quantile": cfg.FutureQuantile,
		},
		Metrics: map[string]any{
			"bgnbd_loglik": fit.BGInfo.LogLik, "bgnbd_iterations": fit.BGInfo.Iterations, "bgnbd_status": fit.BGInfo.Status,
			"gamma_gamma_loglik": fit.GGInfo.LogLik, "gamma_gamma_iterations": fit.GGInfo.Iterations,
			"gamma_gamma_status": fit.GGInfo.Status,
			"distinct_histories": fit.Distinct, "repeat_customers": fit.RepeatCustomers,
			"excluded_from_gamma_gamma": fit.Excluded, "spend_fallback": fit.SpendFallback,
			"fit_seconds": fit.FitSeconds, "quadrants": fit.Quadrants,
			"r_se": fit.BGStdErr.R, "alpha_se": fit.BGStdErr.Alpha, "a_se": fit.BGStdErr.A, "b_se": fit.BGStdErr.B,
			"p_se": fit.GGStdErr.P, "q_se": fit.GGStdErr.Q, "gamma_se": fit.GGStdErr.Gamma, "std_err_note": fit.StdErrNote,
			"fit_check_observed": fit.FitObserved, "fit_check_expected": fit.FitExpected,
		},
	}
	fit.Model.Notes = clvNotes(int64(fit.RepeatCustomers), int64(n), cal, fit.StdErrNote)
	return fit, nil
}

// scorer computes each customer's predictions. The expectations given alive depend only on
// (x, T), which many customers share, so they are computed once per pair.
type scorer struct {
	fit      *CLVFit
	unit     float64
	steps    []float64 // month ends, in time units
	discount []float64
	holdoutT float64
	memo     map[[2]int]memoEntry
	// fallback: Gamma-Gamma's mean is undefined (q ≤ 1), so a customer's own mean repeat spend,
	// or the mean over repeat customers (meanSpend), stands in for the expected spend.
	fallback  bool
	meanSpend float64
	holdout   float64
	byX       [8]float64 // holdout predictions by calibration frequency 0 .. 6, 7+
}

type memoEntry struct{ discounted, horizon, holdout float64 }

func newScorer(fit *CLVFit, cfg configs.CLV, unit float64, holdoutDays int, spends *btyd.SpendSet) *scorer {
	s := &scorer{fit: fit, unit: unit, memo: map[[2]int]memoEntry{}, holdoutT: float64(holdoutDays) / unit}
	for m := 1; m <= cfg.HorizonMonths; m++ {
		s.steps = append(s.steps, float64(m)*daysPerMonth/unit)
		s.discount = append(s.discount, math.Pow(1+cfg.MonthlyDiscountRate, -float64(m)))
	}
	s.fallback = !(fit.GammaGamma.Q > 1)
	s.meanSpend = spends.MeanSpend()
	return s
}

// expectations returns the discounted expected purchases over the horizon, the expected
// purchases over the horizon and over the holdout, each given alive.
func (s *scorer) expectations(x, tDays int) memoEntry {
	key := [2]int{x, tDays}
	if e, ok := s.memo[key]; ok {
		return e
	}
	bg, T := s.fit.BGNBD, float64(tDays)/s.unit
	var e memoEntry
	prev := 0.0
	for i, t := range s.steps {
		cur := bg.ExpectedIfAlive(x, T, t)
		e.discounted += (cur - prev) * s.discount[i]
		prev = cur
	}
	e.horizon = prev
	if s.holdoutT > 0 {
		e.holdout = bg.ExpectedIfAlive(x, T, s.holdoutT)
	}
	s.memo[key] = e
	return e
}

// batch scores the customers in clv_summary rows [lo, hi).
func (s *scorer) batch(ctx context.Context, conn *sql.Conn, lo, hi int) error {
	rows, err := conn.QueryContext(ctx, "SELECT customer_id, x, tx_days, t_days, mean_spend FROM clv_summary WHERE rowid >= ? AND rowid < ?", lo, hi)
	if err != nil {
		return err
	}
	var out [][]driver.Value
	for rows.Next() {
		var id string
		var x, tx, t int
		var m sql.NullFloat64
		if err := rows.Scan(&id, &x, &tx, &t, &m); err != nil {
			rows.Close()
			return err
		}
		h := btyd.RFT{X: x, Tx: float64(tx) / s.unit, T: float64(t) / s.unit}
		pa := s.fit.BGNBD.PAlive(h)
		e := s.expectations(x, t)
		spendX := x
		if !(m.Float64 > 0) {
			spendX = 0 // no usable repeat spend: the population mean applies
		}
		spend := s.fit.GammaGamma.ExpectedSpend(spendX, m.Float64)
		if s.fallback {
			spend = s.meanSpend
			if spendX > 0 {
				spend = m.Float64
			}
		}
		s.holdout += pa * e.holdout
		s.byX[min(x, len(s.byX)-1)] += pa * e.holdout
		out = append(out, []driver.Value{id, pa, pa * e.horizon, spend, pa * e.discounted * spend * s.fit.MarginRate})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return appendRows(conn, "clv_predictions", out)
}
