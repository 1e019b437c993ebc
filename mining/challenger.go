package mining

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/crmwh/crmwh/mining/evaluate"
	"github.com/crmwh/crmwh/mining/logit"
)

// LogitFit is the challenger: a regularised logistic regression on the tree's encoding and split.
type LogitFit struct {
	Model      *logit.Model
	Metrics    evaluate.Metrics // on the tree's held-out rows
	FitSeconds float64
}

// TrainLogit fits the logistic-regression challenger on the rows the tree was trained on and
// evaluates it on the rows the tree was evaluated on (positive: the tree's positive class).
func (f *TreeFit) TrainLogit(ctx context.Context, c float64, maxIter int, threshold float64) (*LogitFit, error) {
	y := make([]int32, len(f.trainY))
	for i, v := range f.trainY {
		if int(v) == f.Positive {
			y[i] = 1
		}
	}
	t0 := time.Now()
	m, err := logit.Fit(ctx, f.trainX, y, logit.Options{C: c, MaxIter: maxIter})
	if err != nil {
		return nil, err
	}
	out := &LogitFit{Model: m, FitSeconds: time.Since(t0).Seconds()}
	p, lab := make([]float64, f.testX.Rows), make([]bool, f.testX.Rows)
	for i := range f.testX.Rows {
		p[i], lab[i] = m.Proba(f.testX.Row(i)), int(f.testY[i]) == f.Positive
	}
	out.Metrics = evaluate.Binary(p, lab, threshold)
	return out, nil
}

// ScoreLogit applies the challenger to table (encoded as the tree's training rows) and leaves,
// like TreeFit.Score, the tree_scores table: probability, predicted class and the reason: the
// features that raise this customer's risk most, with their values.
func (f *TreeFit) ScoreLogit(ctx context.Context, conn *sql.Conn, lf *LogitFit, table string, words map[string]string) (int, error) {
	return f.writeScores(ctx, conn, "logistic regression", table, f.logitScorer(lf, words, true), nil)
}

// logitScorer scores with the challenger; with reasons, the features that raise the risk most.
func (f *TreeFit) logitScorer(lf *LogitFit, words map[string]string, reasons bool) rowScorer {
	classes := f.Tree.Classes
	negative := classes[0]
	if f.Positive == 0 {
		negative = classes[1]
	}
	return func(row []float64) (float64, string, string) {
		p := lf.Model.Proba(row)
		predicted := negative
		if p >= 0.5 {
			predicted = classes[f.Positive]
		}
		reason := ""
		if reasons {
			reason = f.logitReason(lf.Model, row, words)
		}
		return p, predicted, reason
	}
}

// logitReason names up to three features that raise the row's log-odds most, with the row's
// value and the term they add ("unresolved complaints 2 (+0.84)").
func (f *TreeFit) logitReason(m *logit.Model, row []float64, words map[string]string) string {
	c := m.Contributions(row)
	idx := make([]int, len(c))
	for j := range idx {
		idx[j] = j
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(c[b], c[a]) })
	var parts []string
	for _, j := range idx {
		if len(parts) == 3 || c[j] <= 0.05 {
			break
		}
		name := f.Encoding.Features[j]
		col, cat, isCat := strings.Cut(name, " = ")
		w := words[col]
		if w == "" {
			w = col
		}
		if isCat {
			parts = append(parts, fmt.Sprintf("%s %s (%+.2f)", w, cat, c[j]))
		} else {
			parts = append(parts, fmt.Sprintf("%s %s (%+.2f)", w, trimFloat(row[j]), c[j]))
		}
	}
	if len(parts) == 0 {
		return "no feature raises the risk above the average"
	}
	return strings.Join(parts, "; ")
}

// logitCoefficients are the challenger's coefficients by feature name, for the model record.
func logitCoefficients(f *TreeFit, m *logit.Model) map[string]float64 {
	out := map[string]float64{"(intercept)": m.Intercept}
	for j, name := range f.Encoding.Features {
		if !math.IsNaN(m.Coef[j]) {
			out[name] = m.Coef[j]
		}
	}
	return out
}
