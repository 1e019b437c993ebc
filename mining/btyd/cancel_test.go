package btyd

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// A cancelled context stops a BG/NBD fit that would take seconds (1M customers, nearly all with
// a history of their own, so no grouping helps) within a second, with the context's error.
func TestFitStopsWhenCancelled(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: simulates 1M customers")
	}
	rfts, _ := simulate(11, 1_000_000, BGNBD{R: 0.5, Alpha: 10, A: 0.8, B: 2.5}, GammaGamma{P: 6, Q: 4, Gamma: 15}, 100, 700)
	ctx, cancel := context.WithCancel(context.Background())
	var at atomic.Int64
	time.AfterFunc(300*time.Millisecond, func() { at.Store(time.Now().UnixNano()); cancel() })
	_, _, err := FitBGNBD(ctx, rfts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if late := time.Since(time.Unix(0, at.Load())); late > time.Second {
		t.Errorf("returned %v after the cancel", late)
	}
}
