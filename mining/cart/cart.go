package cart

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/crmwh/crmwh/mining/matrix"
)

// Options configures a decision tree.
type Options struct {
	Criterion string // gini or entropy
	MaxDepth  int
	MinLeaf   int // fewest training rows in a leaf
}

// Node is a node of a fitted tree. A row goes left when its feature value is at most the
// threshold. Leaves have Feature −1.
type Node struct {
	Feature     int
	Threshold   float64
	Left, Right int
	Depth       int
	Counts      []float64 // training rows per class
	Samples     int
	Impurity    float64
}

// Tree is a fitted classification tree (CART).
type Tree struct {
	Nodes    []Node
	Features []string
	Classes  []string
}

// Leaf returns the index of the leaf that row x falls in.
func (t *Tree) Leaf(x []float64) int {
	n := 0
	for t.Nodes[n].Feature >= 0 {
		nd := &t.Nodes[n]
		if x[nd.Feature] <= nd.Threshold {
			n = nd.Left
		} else {
			n = nd.Right
		}
	}
	return n
}

// Proba returns the class probabilities for row x: the training class proportions of its leaf.
func (t *Tree) Proba(x []float64) []float64 {
	nd := &t.Nodes[t.Leaf(x)]
	p := make([]float64, len(nd.Counts))
	for c, v := range nd.Counts {
		p[c] = v / float64(nd.Samples)
	}
	return p
}

// Path returns the nodes from the root to x's leaf.
func (t *Tree) Path(x []float64) []int {
	path := []int{0}
	for n := 0; t.Nodes[n].Feature >= 0; {
		if nd := &t.Nodes[n]; x[nd.Feature] <= nd.Threshold {
			n = nd.Left
		} else {
			n = nd.Right
		}
		path = append(path, n)
	}
	return path
}

// Importance is each feature's total weighted impurity decrease, normalised to sum to 1.
func (t *Tree) Importance() []float64 {
	imp := make([]float64, len(t.Features))
	total := 0.0
	for _, nd := range t.Nodes {
		if nd.Feature < 0 {
			continue
		}
		l, r := t.Nodes[nd.Left], t.Nodes[nd.Right]
		d := float64(nd.Samples)*nd.Impurity - float64(l.Samples)*l.Impurity - float64(r.Samples)*r.Impurity
		imp[nd.Feature] += d
		total += d
	}
	if total > 0 {
		for i := range imp {
			imp[i] /= total
		}
	}
	return imp
}

// FitTree grows a CART classification tree on the rows of x (n × d) with class labels y in
// [0, classes): at each node, the split over every feature and every threshold between two
// adjacent distinct values that most reduces the weighted impurity, as long as both sides keep
// MinLeaf rows and the node is above MaxDepth and impure. The tree grows level by level: each
// feature's values are sorted once, and one pass over them per level finds the best split of every
// node of the level, the features in parallel. Ties go to the lower feature and the lower
// threshold, so the same data always gives the same tree.
func Fit(ctx context.Context, x *matrix.Dense, y []int32, classes int, features []string, classNames []string, opt Options) (*Tree, error) {
	n, d := x.Rows, x.Cols
	if n == 0 {
		return nil, errors.New("tree: no rows")
	}
	if opt.Criterion != "gini" && opt.Criterion != "entropy" {
		return nil, fmt.Errorf("tree: criterion %q is not gini or entropy", opt.Criterion)
	}
	opt.MinLeaf = max(1, opt.MinLeaf)
	if opt.MaxDepth < 1 {
		return nil, fmt.Errorf("tree: max depth must be at least 1")
	}
	imp := impurity(opt.Criterion)

	// Columns, and each column's rows sorted by value (ties by row).
	sorted := make([][]entry, d)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for f := range d {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if ctx.Err() != nil {
				return // reported after the wait
			}
			s := make([]entry, n)
			for i := range n {
				s[i] = entry{x.Data[i*d+f], int32(i)}
			}
			slices.SortFunc(s, func(a, b entry) int {
				if c := cmp.Compare(a.v, b.v); c != 0 {
					return c
				}
				return cmp.Compare(a.i, b.i)
			})
			sorted[f] = s
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("tree: %w", err)
	}

	t := &Tree{Features: features, Classes: classNames}
	root := Node{Feature: -1, Counts: make([]float64, classes), Samples: n}
	for _, c := range y {
		root.Counts[c]++
	}
	root.Impurity = imp(root.Counts, float64(n))
	t.Nodes = append(t.Nodes, root)
	nodeOf := make([]int32, n) // the node of the current level each row is in; −1 when settled
	level := []int{0}          // node indexes of the current level
	for depth := 0; depth < opt.MaxDepth && len(level) > 0; depth++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("tree: %w", err)
		}
		// Which nodes of the level may split.
		slot := map[int]int{} // node index → position in level
		for p, k := range level {
			nd := &t.Nodes[k]
			if nd.Samples >= 2*opt.MinLeaf && nd.Impurity > 1e-12 {
				slot[k] = p
			}
		}
		if len(slot) == 0 {
			break
		}
		// Rows of nodes that will not split settle now; the others carry their slot and class
		// in one number, so that the scans below touch one array per row.
		L := len(level)
		tag := make([]int32, n)
		for i := range n {
			k := nodeOf[i]
			if k < 0 {
				tag[i] = -1
				continue
			}
			if _, ok := slot[level[k]]; !ok {
				nodeOf[i], tag[i] = -1, -1
				continue
			}
			tag[i] = k*int32(classes) + y[i]
		}
		totals := make([]float64, L) // rows per slot
		totalCounts := make([]float64, L*classes)
		for p, k := range level {
			totals[p] = float64(t.Nodes[k].Samples)
			copy(totalCounts[p*classes:], t.Nodes[k].Counts)
		}
		best := make([][]split, d) // per feature, per level slot
		for f := range d {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				if ctx.Err() != nil {
					return // reported after the wait
				}
				if classes == 2 && opt.Criterion == "gini" {
					best[f] = scanBinaryGini(sorted[f], tag, totals, totalCounts, f, float64(opt.MinLeaf))
				} else {
					best[f] = scanGeneral(sorted[f], tag, totals, totalCounts, classes, f, float64(opt.MinLeaf), imp)
				}
			}()
		}
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("tree: %w", err)
		}

		// The best split per node over the features; create the children.
		next := []int{}
		childOf := make([][2]int32, len(level))
		for p, k := range level {
			childOf[p] = [2]int32{-1, -1}
			if _, ok := slot[k]; !ok {
				continue
			}
			var b split
			b.score = math.Inf(1)
			for f := range d {
				if s := best[f][p]; s.ok && s.score < b.score-1e-12*float64(t.Nodes[k].Samples) {
					b = s
				}
			}
			nd := &t.Nodes[k]
			if !b.ok || b.score >= float64(nd.Samples)*nd.Impurity-1e-12*float64(nd.Samples) {
				continue // no split reduces the impurity
			}
			nd.Feature, nd.Threshold = b.feature, b.threshold
			li, ri := len(t.Nodes), len(t.Nodes)+1
			nd.Left, nd.Right = li, ri
			for range 2 {
				t.Nodes = append(t.Nodes, Node{Feature: -1, Depth: depth + 1, Counts: make([]float64, classes)})
			}
			childOf[p] = [2]int32{int32(len(next)), int32(len(next) + 1)}
			next = append(next, li, ri)
		}
		// Move the rows down.
		for i := range n {
			k := nodeOf[i]
			if k < 0 {
				continue
			}
			p := int(k)
			ch := childOf[p]
			if ch[0] < 0 {
				nodeOf[i] = -1
				continue
			}
			nd := &t.Nodes[level[p]]
			c := ch[1]
			if x.Data[i*d+nd.Feature] <= nd.Threshold {
				c = ch[0]
			}
			nodeOf[i] = c
			child := &t.Nodes[next[c]]
			child.Counts[y[i]]++
			child.Samples++
		}
		for _, k := range next {
			nd := &t.Nodes[k]
			nd.Impurity = imp(nd.Counts, float64(nd.Samples))
		}
		level = next
	}
	return t, nil
}

// entry is one row's value of a feature, in a feature's sorted order.
type entry struct {
	v float64
	i int32
}

// split is the best split found for a node on one feature.
type split struct {
	feature   int
	threshold float64
	score     float64 // the children's impurities weighted by their rows; lower is better
	ok        bool
}

// slotState is a node's running left side during a scan of one feature.
type slotState struct {
	nLeft, posLeft, last float64
	started              bool
}

// midpoint is the threshold between two adjacent distinct values, never rounded up to the upper.
func midpoint(lo, hi float64) float64 {
	if m := lo + (hi-lo)/2; m < hi {
		return m
	}
	return lo
}

// scanBinaryGini finds, for every node of the level, the best threshold on one feature for two
// classes and the Gini criterion: the common case, written out for speed. Rows arrive in the
// feature's order; tag is slot·2 + class, or −1 for rows that do not take part.
func scanBinaryGini(sorted []entry, tag []int32, totals, totalCounts []float64, f int, minLeaf float64) []split {
	L := len(totals)
	st := make([]slotState, L)
	bs := make([]split, L)
	for p := range bs {
		bs[p].score = math.Inf(1)
	}
	for _, e := range sorted {
		tg := tag[e.i]
		if tg < 0 {
			continue
		}
		p := int(tg >> 1)
		s := &st[p]
		if s.started && e.v > s.last {
			nl, n := s.nLeft, totals[p]
			if nr := n - nl; nl >= minLeaf && nr >= minLeaf {
				pl := s.posLeft
				pr := totalCounts[2*p+1] - pl
				// Σ n_side·gini_side = n − Σ (pos² + neg²)/n_side
				score := n - (pl*pl+(nl-pl)*(nl-pl))/nl - (pr*pr+(nr-pr)*(nr-pr))/nr
				if score < bs[p].score-1e-12*n {
					bs[p] = split{feature: f, threshold: midpoint(s.last, e.v), score: score, ok: true}
				}
			}
		}
		s.posLeft += float64(tg & 1)
		s.nLeft++
		s.last, s.started = e.v, true
	}
	return bs
}

// scanGeneral is scanBinaryGini for any number of classes and either criterion.
func scanGeneral(sorted []entry, tag []int32, totals, totalCounts []float64, classes, f int, minLeaf float64, imp func([]float64, float64) float64) []split {
	L := len(totals)
	st := make([]slotState, L)
	left := make([]float64, L*classes)
	right := make([]float64, classes)
	bs := make([]split, L)
	for p := range bs {
		bs[p].score = math.Inf(1)
	}
	for _, e := range sorted {
		tg := tag[e.i]
		if tg < 0 {
			continue
		}
		p, c := int(tg)/classes, int(tg)%classes
		s := &st[p]
		if s.started && e.v > s.last {
			nl, n := s.nLeft, totals[p]
			if nr := n - nl; nl >= minLeaf && nr >= minLeaf {
				lc := left[p*classes : (p+1)*classes]
				for k := range right {
					right[k] = totalCounts[p*classes+k] - lc[k]
				}
				score := nl*imp(lc, nl) + nr*imp(right, nr)
				if score < bs[p].score-1e-12*n {
					bs[p] = split{feature: f, threshold: midpoint(s.last, e.v), score: score, ok: true}
				}
			}
		}
		left[p*classes+c]++
		s.nLeft++
		s.last, s.started = e.v, true
	}
	return bs
}

func impurity(criterion string) func(counts []float64, n float64) float64 {
	if criterion == "entropy" {
		return func(counts []float64, n float64) float64 {
			if n == 0 {
				return 0
			}
			h := 0.0
			for _, c := range counts {
				if c > 0 {
					p := c / n
					h -= p * math.Log2(p)
				}
			}
			return h
		}
	}
	return func(counts []float64, n float64) float64 {
		if n == 0 {
			return 0
		}
		s := 0.0
		for _, c := range counts {
			s += c * c
		}
		return 1 - s/(n*n)
	}
}
