// Package logit fits an L2-regularised logistic regression, the churn model's challenger: the
// loss is scikit-learn's LogisticRegression(C) on standardised features (½‖w‖² + C Σ log-loss,
// the intercept not penalised), minimised with gonum's L-BFGS and the exact gradient. Features
// are standardised inside (a constant one gets weight 0); the coefficients reported are on that
// scale, so their sizes compare. No database, no cgo.
package logit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/optimize"

	"github.com/crmwh/crmwh/mining/matrix"
)

// Options configures a fit.
type Options struct {
	C       float64 // inverse regularisation strength, as scikit-learn's C
	MaxIter int
}

// Model is a fitted logistic regression on standardised features.
type Model struct {
	Coef       []float64 // per feature, on the standardised scale
	Intercept  float64
	Mean, Std  []float64 // the standardisation
	Iterations int
}

// Fit fits the model to x (rows × features) and y (0 or 1).
func Fit(ctx context.Context, x *matrix.Dense, y []int32, opt Options) (*Model, error) {
	n, d := x.Rows, x.Cols
	if n == 0 || d == 0 {
		return nil, errors.New("logistic regression: no data")
	}
	if opt.C <= 0 {
		return nil, fmt.Errorf("logistic regression: C must be positive, not %g", opt.C)
	}
	m := &Model{Mean: make([]float64, d), Std: make([]float64, d)}
	for i := range n {
		for j, v := range x.Row(i) {
			m.Mean[j] += v / float64(n)
		}
	}
	for i := range n {
		for j, v := range x.Row(i) {
			m.Std[j] += (v - m.Mean[j]) * (v - m.Mean[j]) / float64(n)
		}
	}
	for j := range d {
		m.Std[j] = math.Sqrt(m.Std[j])
		if m.Std[j] <= 1e-9*(math.Abs(m.Mean[j])+1) {
			m.Std[j] = 0 // constant, up to rounding in the mean: no information
		}
	}
	z := m.standardise(x)
	workers := runtime.GOMAXPROCS(0)
	// loss returns C Σ log-loss + ½‖w‖² and its gradient; params are w (d) then the intercept.
	loss := func(w []float64, grad []float64) float64 {
		parts := make([]float64, workers)
		grads := make([][]float64, workers)
		var wg sync.WaitGroup
		for k := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				g := make([]float64, d+1)
				s := 0.0
				for i := k * n / workers; i < (k+1)*n/workers; i++ {
					row := z.Row(i)
					t := w[d]
					for j, v := range row {
						t += w[j] * v
					}
					// log(1 + e^t) − y t, stably
					s += math.Max(t, 0) + math.Log1p(math.Exp(-math.Abs(t))) - float64(y[i])*t
					r := 1/(1+math.Exp(-t)) - float64(y[i])
					for j, v := range row {
						g[j] += r * v
					}
					g[d] += r
				}
				parts[k], grads[k] = s, g
			}()
		}
		wg.Wait()
		total := 0.0
		for k := range workers {
			total += parts[k]
		}
		f := opt.C * total
		for j := range d {
			f += w[j] * w[j] / 2
		}
		if grad != nil {
			for j := range d + 1 {
				grad[j] = 0
				for k := range workers {
					grad[j] += opt.C * grads[k][j]
				}
				if j < d {
					grad[j] += w[j]
				}
			}
		}
		return f
	}
	stop := cancelRecorder{ctx}
	res, err := optimize.Minimize(optimize.Problem{
		Func: func(w []float64) float64 { return loss(w, nil) },
		Grad: func(g, w []float64) { loss(w, g) },
	}, make([]float64, d+1), &optimize.Settings{GradientThreshold: 1e-8 * float64(n), MajorIterations: max(opt.MaxIter, 1), Recorder: stop}, &optimize.LBFGS{})
	if cerr := ctx.Err(); cerr != nil {
		return nil, fmt.Errorf("logistic regression: %w", cerr)
	}
	if res == nil {
		return nil, fmt.Errorf("logistic regression: %w", err)
	}
	// An iteration limit or a line search that cannot improve further ends the fit at its best
	// point; anything else non-finite is an error.
	for _, v := range res.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("logistic regression: the estimate diverged: %v", err)
		}
	}
	m.Coef, m.Intercept, m.Iterations = res.X[:d], res.X[d], res.Stats.MajorIterations
	return m, nil
}

// standardise returns x with each feature centred and scaled (a constant one becomes 0).
func (m *Model) standardise(x *matrix.Dense) *matrix.Dense {
	z := &matrix.Dense{Rows: x.Rows, Cols: x.Cols, Data: make([]float64, len(x.Data))}
	for i := range x.Rows {
		for j, v := range x.Row(i) {
			if m.Std[j] > 0 {
				z.Data[i*x.Cols+j] = (v - m.Mean[j]) / m.Std[j]
			}
		}
	}
	return z
}

// Contributions are each feature's term w_j z_j of the row's log-odds (z standardised).
func (m *Model) Contributions(row []float64) []float64 {
	out := make([]float64, len(row))
	for j, v := range row {
		if m.Std[j] > 0 {
			out[j] = m.Coef[j] * (v - m.Mean[j]) / m.Std[j]
		}
	}
	return out
}

// Proba is the probability of class 1 for a row.
func (m *Model) Proba(row []float64) float64 {
	t := m.Intercept
	for _, c := range m.Contributions(row) {
		t += c
	}
	return 1 / (1 + math.Exp(-t))
}

// cancelRecorder ends the optimisation when the context is cancelled.
type cancelRecorder struct{ ctx context.Context }

func (r cancelRecorder) Init() error { return r.ctx.Err() }

func (r cancelRecorder) Record(*optimize.Location, optimize.Operation, *optimize.Stats) error {
	return r.ctx.Err()
}
