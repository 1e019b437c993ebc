package btyd

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// StdErrors are BG/NBD's parameters' standard errors at p for the histories s: the square roots
// of the diagonal of the inverse observed information matrix, the Hessian of the negative total
// log-likelihood at the optimum (central differences of the analytic gradient).
func (p BGNBD) StdErrors(s *RFTSet) (BGNBD, error) {
	t, err := newBGNBDTables(context.Background(), s)
	if err != nil {
		return BGNBD{}, err
	}
	se, err := stdErrors([]float64{p.R, p.Alpha, p.A, p.B}, func(v []float64) []float64 {
		_, g := t.eval(BGNBD{R: v[0], Alpha: v[1], A: v[2], B: v[3]}, s.counts)
		return g[:]
	})
	if err != nil {
		return BGNBD{}, fmt.Errorf("BG/NBD standard errors: %w", err)
	}
	return BGNBD{R: se[0], Alpha: se[1], A: se[2], B: se[3]}, nil
}

// StdErrors are Gamma-Gamma's parameters' standard errors at g for the spends s, as BG/NBD's.
func (g GammaGamma) StdErrors(s *SpendSet) (GammaGamma, error) {
	se, err := stdErrors([]float64{g.P, g.Q, g.Gamma}, func(v []float64) []float64 {
		_, grad := s.eval(GammaGamma{P: v[0], Q: v[1], Gamma: v[2]})
		return grad[:]
	})
	if err != nil {
		return GammaGamma{}, fmt.Errorf("Gamma-Gamma standard errors: %w", err)
	}
	return GammaGamma{P: se[0], Q: se[1], Gamma: se[2]}, nil
}

// stdErrors inverts the observed information at theta, given the log-likelihood's gradient: the
// Hessian by central differences with steps relative to each parameter, made symmetric, then
// inverted through its Cholesky factor (it must be positive definite at a maximum).
func stdErrors(theta []float64, grad func([]float64) []float64) ([]float64, error) {
	k := len(theta)
	info := mat.NewSymDense(k, nil)
	h := mat.NewDense(k, k, nil)
	v := make([]float64, k)
	for j := range k {
		step := 1e-5 * math.Max(math.Abs(theta[j]), 1e-8)
		copy(v, theta)
		v[j] = theta[j] + step
		up := grad(v)
		v[j] = theta[j] - step
		down := grad(v)
		for i := range k {
			h.Set(i, j, -(up[i]-down[i])/(2*step)) // information = −Hessian of the log-likelihood
		}
	}
	for i := range k {
		for j := i; j < k; j++ {
			info.SetSym(i, j, (h.At(i, j)+h.At(j, i))/2)
		}
	}
	var chol mat.Cholesky
	if ok := chol.Factorize(info); !ok {
		return nil, errors.New("the information matrix is not positive definite (a fit at the boundary?)")
	}
	var cov mat.SymDense
	if err := chol.InverseTo(&cov); err != nil {
		return nil, err
	}
	out := make([]float64, k)
	for i := range k {
		out[i] = math.Sqrt(cov.At(i, i))
	}
	return out, nil
}
