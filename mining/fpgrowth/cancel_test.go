package fpgrowth

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

// A cancelled context stops mining that would take seconds (dense baskets of 40 of 60 items at a
// low support: an explosion of itemsets) within a second, with the context's error.
func TestMineStopsWhenCancelled(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	baskets := make([][]int32, 20_000)
	for i := range baskets {
		perm := rng.Perm(60)
		for _, it := range perm[:40] {
			baskets[i] = append(baskets[i], int32(it))
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var at atomic.Int64
	time.AfterFunc(300*time.Millisecond, func() { at.Store(time.Now().UnixNano()); cancel() })
	_, _, err := Mine(ctx, 60, stream(baskets), 200, 0)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if late := time.Since(time.Unix(0, at.Load())); late > time.Second {
		t.Errorf("returned %v after the cancel", late)
	}
}
