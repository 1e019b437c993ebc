package kmeans

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// cancelAfter cancels a context after d and reports, once the fit returned, how long after the
// cancel it did.
func cancelAfter(d time.Duration) (context.Context, func() time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	var at atomic.Int64
	time.AfterFunc(d, func() { at.Store(time.Now().UnixNano()); cancel() })
	return ctx, func() time.Duration { return time.Since(time.Unix(0, at.Load())) }
}

// A cancelled context stops a fit that would run for seconds (2M rows × 8 features, k = 20,
// ten restarts, no tolerance) within a second, with the context's error; the silhouette pass
// over a 20,000-row sample stops too.
func TestFitStopsWhenCancelled(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds a 2M-row input")
	}
	x, _ := blobs(1, 2_000_000, 8, 20, 6)
	ctx, late := cancelAfter(300 * time.Millisecond)
	_, err := Fit(ctx, x, Options{K: 20, NInit: 10, MaxIter: 300, Tol: 0, Seed: 1})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if d := late(); d > time.Second {
		t.Errorf("k-means returned %v after the cancel", d)
	}
	sample := make([]int, 20_000)
	for i := range sample {
		sample[i] = i * 100
	}
	labels := make([]int32, x.Rows)
	for i := range labels {
		labels[i] = int32(i % 4)
	}
	ctx, late = cancelAfter(200 * time.Millisecond)
	if _, err := Silhouettes(ctx, x, sample, [][]int32{labels}, []int{4}); !errors.Is(err, context.Canceled) {
		t.Fatalf("silhouette: err %v, want context.Canceled", err)
	}
	if d := late(); d > time.Second {
		t.Errorf("silhouette returned %v after the cancel", d)
	}
}
