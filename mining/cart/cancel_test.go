package cart

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmwh/crmwh/mining/matrix"
)

// A cancelled context stops growing a tree that would take seconds (1.5M rows × 20 noisy
// features, depth 14) within a second, with the context's error.
func TestFitStopsWhenCancelled(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds a 1.5M-row input")
	}
	n, d := 1_500_000, 20
	rng := rand.New(rand.NewPCG(1, 2))
	x := &matrix.Dense{Rows: n, Cols: d, Data: make([]float64, n*d)}
	y := make([]int32, n)
	for i := range n {
		s := 0.0
		for j := range d {
			v := rng.Float64()
			x.Data[i*d+j] = v
			s += v * float64(j%3)
		}
		if s+rng.NormFloat64() > 10 {
			y[i] = 1
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var at atomic.Int64
	time.AfterFunc(400*time.Millisecond, func() { at.Store(time.Now().UnixNano()); cancel() })
	_, err := Fit(ctx, x, y, 2, nil, []string{"0", "1"}, Options{Criterion: "gini", MaxDepth: 14, MinLeaf: 1})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if late := time.Since(time.Unix(0, at.Load())); late > time.Second {
		t.Errorf("returned %v after the cancel", late)
	}
}
