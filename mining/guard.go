package mining

import (
	"database/sql"
	"fmt"
)

// InputError is a model-input guard that stops a method: the data cannot give a meaningful
// result, and Sentence says what was measured and how to fix it.
type InputError struct {
	Method   string
	Sentence string
}

func (e *InputError) Error() string { return e.Method + ": " + e.Sentence }

// Permanent tells the scheduler that trying again cannot help: the data must change first.
func (e *InputError) Permanent() bool { return true }

// Thresholds of the model-input guards that warn (a note in scores.model_runs) rather than stop.
const (
	minRepeatCustomers = 50   // BG/NBD learns the purchase rate from repeat buyers
	minRepeatShare     = 0.05 // ... and from enough of them
	minChurnShare      = 0.02 // a class rarer than this is hardly learnt
	minChurnTestCases  = 20   // positives in the hold-out below this make its AUC noise
	maxMarginRate      = 0.95 // above it, costs are missing rather than low
)

// marginGuard stops CLV on a measured margin rate no business has: costs mapped from the wrong
// column (the highest price), or missing.
func marginGuard(rate sql.NullFloat64) error {
	if rate.Valid && rate.Float64 > 0 && rate.Float64 <= maxMarginRate {
		return nil
	}
	if !rate.Valid {
		return &InputError{Method: "clv", Sentence: "there is no revenue in fact_sales to measure the margin rate from; " +
			"set mining.clv.margin_rate to the share of revenue that is margin"}
	}
	why := "product costs exceed the prices paid (was unit_cost mapped from the wrong column, e.g. the highest price?)"
	if rate.Float64 > 0 {
		why = "product costs are missing or near zero"
	}
	return &InputError{Method: "clv", Sentence: fmt.Sprintf("the margin rate measured in fact_sales is %.1f%%: %s; "+
		"correct unit_cost in the source, or set mining.clv.margin_rate to the share of revenue that is margin", 100*rate.Float64, why)}
}

// clvNotes are the CLV fit's warnings: too few repeat buyers (of n customers, before cal), a fit
// at the boundary (stdErrNote says why there are no standard errors).
func clvNotes(repeat, n int64, cal, stdErrNote string) []string {
	var notes []string
	if repeat < minRepeatCustomers || float64(repeat) < minRepeatShare*float64(n) {
		notes = append(notes, fmt.Sprintf("only %d of %d customers bought again before %s: BG/NBD learns "+
			"the purchase rate from repeat buyers, so its predictions are unreliable", repeat, n, cal))
	}
	if stdErrNote != "" {
		notes = append(notes, "the fit is at the boundary of its parameter space ("+stdErrNote+"): treat CLV as a ranking, not as money")
	}
	return notes
}

// churnNotes warn when the lost or the kept are too few in the hold-out (pos of n lost): a rare
// class is hardly learnt, and an AUC on a handful of cases is noise.
func churnNotes(pos, n int) []string {
	if n == 0 {
		return nil
	}
	minority, which := pos, "lost"
	if n-pos < pos {
		minority, which = n-pos, "stayed"
	}
	share := float64(minority) / float64(n)
	switch {
	case share < minChurnShare:
		return []string{fmt.Sprintf("only %d of the %d hold-out customers %s (%.1f%%): a class this rare is hardly learnt "+
			"and the AUC on it is noise; lengthen mining.churn.horizon_days or wait for more history", minority, n, which, 100*share)}
	case minority < minChurnTestCases:
		return []string{fmt.Sprintf("only %d of the %d hold-out customers %s: too few to measure the model on (its AUC is "+
			"noise); the churn model needs more customers", minority, n, which)}
	}
	return nil
}
