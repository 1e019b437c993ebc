package kmeans

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/crmwh/crmwh/mining/matrix"
)

// Silhouettes returns the mean silhouette coefficient of the rows in sample under each of the
// labelings (labels[c][row], k[c] clusters), computed in one pass over the sample's pairs: the
// distances do not depend on the labeling, so each pair's distance serves every candidate. A row
// alone in its cluster (within the sample) scores 0, as in scikit-learn.
func Silhouettes(ctx context.Context, x *matrix.Dense, sample []int, labels [][]int32, k []int) ([]float64, error) {
	s, nc := len(sample), len(labels)
	sizes := make([][]float64, nc) // cluster sizes within the sample
	for c := range labels {
		sizes[c] = make([]float64, k[c])
		for _, i := range sample {
			sizes[c][labels[c][i]]++
		}
	}
	offset := make([]int, nc+1)
	for c := range nc {
		offset[c+1] = offset[c] + k[c]
	}
	workers := runtime.GOMAXPROCS(0)
	parts := make([][]float64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			total := make([]float64, nc)
			sums := make([]float64, offset[nc])
			for p := w; p < s; p += workers {
				if ctx.Err() != nil { // one check per row of s distances: cheap
					return // the caller reports the cancellation
				}
				i := sample[p]
				row := x.Row(i)
				clear(sums)
				for _, j := range sample {
					dist := math.Sqrt(sqDist(row, x.Row(j)))
					for c := range nc {
						sums[offset[c]+int(labels[c][j])] += dist
					}
				}
				for c := range nc {
					own := int(labels[c][i])
					if sizes[c][own] <= 1 {
						continue // silhouette 0
					}
					a := sums[offset[c]+own] / (sizes[c][own] - 1)
					b := math.Inf(1)
					for o := range k[c] {
						if o != own && sizes[c][o] > 0 {
							b = math.Min(b, sums[offset[c]+o]/sizes[c][o])
						}
					}
					if math.IsInf(b, 1) || math.Max(a, b) == 0 {
						continue
					}
					total[c] += (b - a) / math.Max(a, b)
				}
			}
			parts[w] = total
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("silhouette: %w", err)
	}
	out := make([]float64, nc)
	for _, p := range parts {
		for c, v := range p {
			out[c] += v / float64(s)
		}
	}
	return out, nil
}

// ChooseK picks among candidate fits (ks with their silhouettes, in any order) the largest k
// whose silhouette is within tolerance of the best one, and returns its index. Customer data
// seldom has sharp clusters: silhouettes of neighbouring k often differ by less than their
// sampling noise, and the largest such k gives segments that can be told apart and acted on.
// With tolerance 0 it is the best silhouette (the larger k on a tie).
func ChooseK(ks []int, silhouettes []float64, tolerance float64) int {
	best := 0
	for i, s := range silhouettes {
		if s > silhouettes[best] {
			best = i
		}
	}
	pick := best
	for i, s := range silhouettes {
		if s >= silhouettes[best]-tolerance && ks[i] > ks[pick] {
			pick = i
		}
	}
	return pick
}
