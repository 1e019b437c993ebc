// Package uplift measures what a campaign changed against a control group that was not
// contacted: the difference in response rates (a two-proportion z-test) and in revenue per
// customer (Welch's t-test), each with a 95% confidence interval and a two-sided p-value. Pure
// arithmetic on group summaries: no database.
package uplift

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Group summarises one group of a campaign: its size, how many responded, and the sum and sum of
// squares of the revenue per customer.
type Group struct {
	N         int64
	Responses int64
	Revenue   float64 // sum over the group's customers
	RevenueSq float64 // sum of squares
}

// Estimate is a difference treatment − control with its 95% interval and two-sided p-value.
type Estimate struct {
	Diff, Relative float64 // Relative: Diff over the control's value (NaN when it is 0)
	Low, High      float64
	P              float64
	Stat           float64 // z or t
	DF             float64 // Welch's degrees of freedom (0 for z)
}

// ErrTooSmall says a group is too small to compare (fewer than two customers).
var ErrTooSmall = errors.New("uplift: a group has fewer than two customers")

// Response compares response rates: the interval is Wald's (unpooled standard error), the test
// the two-proportion z-test with the pooled rate, as statsmodels' proportions_ztest does.
func Response(t, c Group) (Estimate, error) {
	if t.N < 2 || c.N < 2 {
		return Estimate{}, ErrTooSmall
	}
	p1, p2 := float64(t.Responses)/float64(t.N), float64(c.Responses)/float64(c.N)
	e := Estimate{Diff: p1 - p2, Relative: relative(p1-p2, p2)}
	se := math.Sqrt(p1*(1-p1)/float64(t.N) + p2*(1-p2)/float64(c.N))
	z := distuv.UnitNormal.Quantile(0.975)
	e.Low, e.High = e.Diff-z*se, e.Diff+z*se
	pool := float64(t.Responses+c.Responses) / float64(t.N+c.N)
	sePool := math.Sqrt(pool * (1 - pool) * (1/float64(t.N) + 1/float64(c.N)))
	if sePool == 0 {
		e.P = 1 // both groups all responded, or none did
		return e, nil
	}
	e.Stat = e.Diff / sePool
	e.P = 2 * distuv.UnitNormal.Survival(math.Abs(e.Stat))
	return e, nil
}

// Revenue compares revenue per customer with Welch's t-test (unequal variances), as scipy's
// ttest_ind(equal_var=False) does, with the interval on Welch's degrees of freedom.
func Revenue(t, c Group) (Estimate, error) {
	if t.N < 2 || c.N < 2 {
		return Estimate{}, ErrTooSmall
	}
	m1, v1 := meanVar(t)
	m2, v2 := meanVar(c)
	e := Estimate{Diff: m1 - m2, Relative: relative(m1-m2, m2)}
	a, b := v1/float64(t.N), v2/float64(c.N)
	se := math.Sqrt(a + b)
	if se == 0 {
		e.Low, e.High, e.P = e.Diff, e.Diff, 1
		if e.Diff != 0 {
			e.P = 0
		}
		return e, nil
	}
	e.DF = (a + b) * (a + b) / (a*a/float64(t.N-1) + b*b/float64(c.N-1))
	dist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: e.DF}
	e.Stat = e.Diff / se
	e.P = 2 * dist.Survival(math.Abs(e.Stat))
	q := dist.Quantile(0.975)
	e.Low, e.High = e.Diff-q*se, e.Diff+q*se
	return e, nil
}

// meanVar is the mean and the sample variance (n − 1) of a group's revenue per customer.
func meanVar(g Group) (float64, float64) {
	n := float64(g.N)
	m := g.Revenue / n
	v := (g.RevenueSq - n*m*m) / (n - 1)
	return m, math.Max(0, v)
}

func relative(diff, base float64) float64 {
	if base == 0 {
		return math.NaN()
	}
	return diff / base
}
