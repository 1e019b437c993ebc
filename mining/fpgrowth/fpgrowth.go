package fpgrowth

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Itemsets are frequent itemsets, flat: itemset k is Items[Offsets[k]:Offsets[k+1]] (item ids in
// ascending order) with Counts[k] baskets containing it.
type Itemsets struct {
	Items   []int32
	Offsets []int32
	Counts  []int64
}

// Len is the number of itemsets.
func (s *Itemsets) Len() int { return len(s.Counts) }

// At returns itemset k.
func (s *Itemsets) At(k int) []int32 { return s.Items[s.Offsets[k]:s.Offsets[k+1]] }

func (s *Itemsets) add(items []int32, count int64) {
	if len(s.Offsets) == 0 {
		s.Offsets = append(s.Offsets, 0)
	}
	s.Items = append(s.Items, items...)
	s.Offsets = append(s.Offsets, int32(len(s.Items)))
	s.Counts = append(s.Counts, count)
}

// fpTree is an FP-tree over dense item ranks (0 = most frequent): nodes in arrays, children as
// first-child/next-sibling lists (the root's children indexed directly, as it has the most), and
// per item a chain through the nodes that hold it.
type fpTree struct {
	item, parent, firstChild, nextSibling, next []int32
	count                                       []int64
	head                                        []int32 // per rank: first node of its chain
	support                                     []int64 // per rank: total count in this tree
	rootChild                                   []int32 // per rank: the root's child holding it
	// children of other nodes by (parent, item), open addressing: a node can have as many
	// children as there are items, and scanning them dominated the building of large trees
	keys []uint64 // parent<<32 | item, +1 so that 0 means empty
	vals []int32
	used int
}

func (t *fpTree) child(parent, item int32) int32 {
	if len(t.keys) == 0 {
		return -1
	}
	k := uint64(parent)<<32 | uint64(item) + 1
	mask := uint64(len(t.keys) - 1)
	for h := hash64(k) & mask; ; h = (h + 1) & mask {
		switch t.keys[h] {
		case k:
			return t.vals[h]
		case 0:
			return -1
		}
	}
}

func (t *fpTree) setChild(parent, item, node int32) {
	if 2*(t.used+1) > len(t.keys) {
		old, oldVals := t.keys, t.vals
		size := max(64, 2*len(old))
		t.keys, t.vals, t.used = make([]uint64, size), make([]int32, size), 0
		for i, k := range old {
			if k != 0 {
				t.put(k, oldVals[i])
			}
		}
	}
	t.put(uint64(parent)<<32|uint64(item)+1, node)
}

func (t *fpTree) put(k uint64, v int32) {
	mask := uint64(len(t.keys) - 1)
	h := hash64(k) & mask
	for t.keys[h] != 0 {
		h = (h + 1) & mask
	}
	t.keys[h], t.vals[h] = k, v
	t.used++
}

// hash64 mixes a key (the finaliser of MurmurHash3).
func hash64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	return k ^ k>>33
}

func newFPTree(items int) *fpTree {
	t := &fpTree{head: make([]int32, items), support: make([]int64, items), rootChild: make([]int32, items)}
	for i := range t.head {
		t.head[i], t.rootChild[i] = -1, -1
	}
	// node 0 is the root
	t.item, t.parent, t.firstChild, t.nextSibling, t.next, t.count = []int32{-1}, []int32{-1}, []int32{-1}, []int32{-1}, []int32{-1}, []int64{0}
	return t
}

// insert adds a path of ranks in ascending order, count times.
func (t *fpTree) insert(path []int32, count int64) {
	n := int32(0)
	for _, it := range path {
		var c int32
		if n == 0 {
			c = t.rootChild[it]
		} else {
			c = t.child(n, it)
		}
		if c < 0 {
			c = int32(len(t.item))
			t.item = append(t.item, it)
			t.parent = append(t.parent, n)
			t.firstChild = append(t.firstChild, -1)
			t.nextSibling = append(t.nextSibling, t.firstChild[n])
			t.firstChild[n] = c
			t.count = append(t.count, 0)
			t.next = append(t.next, t.head[it])
			t.head[it] = c
			if n == 0 {
				t.rootChild[it] = c
			} else {
				t.setChild(n, it, c)
			}
		}
		t.count[c] += count
		t.support[it] += count
		n = c
	}
}

// singlePath reports whether the tree is one chain from the root, and returns its nodes.
func (t *fpTree) singlePath() ([]int32, bool) {
	var path []int32
	for n := t.firstChild[0]; n >= 0; n = t.firstChild[n] {
		if t.nextSibling[n] >= 0 {
			return nil, false
		}
		path = append(path, n)
	}
	return path, true
}

// Mine mines the itemsets contained in at least minCount baskets, of at most maxLen items
// (0: any). baskets calls emit for every basket, as a list of item ids in [0, items) (duplicates
// allowed); it is called twice, once to count items (countItems) and once to build the tree, so
// the baskets can be streamed rather than held. Items are ranked by frequency, the tree holds
// only frequent items, and the first-level items are mined in parallel, each worker building its
// own conditional trees; the result is sorted (by length, then items) so it does not depend on
// scheduling. A cancelled ctx stops the mining within one conditional tree.
func Mine(ctx context.Context, items int, baskets func(emit func([]int32)) error, minCount int64, maxLen int) (*Itemsets, int64, error) {
	counts, n, err := countItems(items, baskets)
	if err != nil {
		return nil, 0, err
	}
	return MineCounted(ctx, counts, n, baskets, minCount, maxLen)
}

// countItems is Mine's first pass: how many baskets hold each of the items (an item twice in a
// basket counts once) and how many baskets there are.
func countItems(items int, baskets func(emit func([]int32)) error) ([]int64, int64, error) {
	counts := make([]int64, items)
	var n int64
	seen := make([]int64, items) // last basket an item was counted in, to ignore duplicates
	for i := range seen {
		seen[i] = -1
	}
	err := baskets(func(b []int32) {
		for _, it := range b {
			if seen[it] != n {
				seen[it] = n
				counts[it]++
			}
		}
		n++
	})
	if err != nil {
		return nil, 0, err
	}
	return counts, n, nil
}

// MineCounted is Mine with its first pass done by the caller, who has the counts cheaper (a
// database groups the baskets' items faster than it streams them): counts[i] baskets hold item
// i, of n baskets. baskets is called once, and must emit those n baskets.
func MineCounted(ctx context.Context, counts []int64, n int64, baskets func(emit func([]int32)) error, minCount int64, maxLen int) (*Itemsets, int64, error) {
	items := len(counts)
	seen := make([]int64, items) // last basket an item was taken from, to ignore duplicates
	// Ranks: frequent items by count, descending (ties by id).
	var freq []int32
	for it, c := range counts {
		if c >= minCount {
			freq = append(freq, int32(it))
		}
	}
	slices.SortFunc(freq, func(a, b int32) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	rank := make([]int32, items)
	for i := range rank {
		rank[i] = -1
	}
	for r, it := range freq {
		rank[it] = int32(r)
	}
	tree := newFPTree(len(freq))
	var path []int32
	var b64 int64
	for i := range seen {
		seen[i] = -1
	}
	err := baskets(func(b []int32) {
		path = path[:0]
		for _, it := range b {
			if r := rank[it]; r >= 0 && seen[it] != b64 {
				seen[it] = b64
				path = append(path, r)
			}
		}
		b64++
		slices.Sort(path)
		tree.insert(path, 1)
	})
	if err != nil {
		return nil, 0, err
	}
	if b64 != n {
		return nil, 0, fmt.Errorf("fp-growth: the items were counted in %d baskets, the baskets are %d", n, b64)
	}

	if err := ctx.Err(); err != nil {
		return nil, 0, fmt.Errorf("fp-growth: %w", err)
	}
	// The miners poll a flag, not ctx: the recursion is too hot for a mutex per step.
	var stop atomic.Bool
	defer context.AfterFunc(ctx, func() { stop.Store(true) })()

	// Mine each first-level item on its own; workers take them in turn.
	workers := runtime.GOMAXPROCS(0)
	parts := make([]*Itemsets, len(freq))
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := &miner{minCount: minCount, maxLen: maxLen, stop: &stop}
			for r := range jobs {
				if stop.Load() {
					continue // drain: the caller reports the cancellation
				}
				m.out = &Itemsets{}
				m.suffix = m.suffix[:0]
				m.mineItem(tree, int32(r))
				parts[r] = m.out
			}
		}()
	}
	for r := len(freq) - 1; r >= 0; r-- { // the rarest first: their trees are small, the big ones come last
		jobs <- r
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, 0, fmt.Errorf("fp-growth: %w", err)
	}

	// Back to item ids, sorted within each itemset and then as a whole.
	type ref struct {
		part, k int
	}
	var refs []ref
	total := 0
	for p, s := range parts {
		for k := range s.Len() {
			its := s.At(k)
			for i, r := range its {
				its[i] = freq[r]
			}
			slices.Sort(its)
			refs = append(refs, ref{p, k})
			total += len(its)
		}
	}
	slices.SortFunc(refs, func(a, b ref) int {
		x, y := parts[a.part].At(a.k), parts[b.part].At(b.k)
		if c := cmp.Compare(len(x), len(y)); c != 0 {
			return c
		}
		return slices.Compare(x, y)
	})
	out := &Itemsets{Items: make([]int32, 0, total), Offsets: make([]int32, 0, len(refs)+1), Counts: make([]int64, 0, len(refs))}
	for _, r := range refs {
		out.add(parts[r.part].At(r.k), parts[r.part].Counts[r.k])
	}
	return out, n, nil
}

// miner holds one worker's state: the current suffix (ranks) and its output.
type miner struct {
	minCount int64
	maxLen   int
	suffix   []int32
	out      *Itemsets
	buf      []int32
	stop     *atomic.Bool // set when the fit is cancelled
}

// mineItem emits suffix+item and mines the tree conditional on item.
func (m *miner) mineItem(t *fpTree, it int32) {
	if m.stop.Load() {
		return
	}
	m.suffix = append(m.suffix, it)
	m.emit(m.suffix, t.support[it])
	if m.maxLen == 0 || len(m.suffix) < m.maxLen {
		if ct := m.conditional(t, it); ct != nil {
			m.mine(ct)
		}
	}
	m.suffix = m.suffix[:len(m.suffix)-1]
}

// mine emits every frequent itemset of t combined with the suffix.
func (m *miner) mine(t *fpTree) {
	if m.stop.Load() {
		return
	}
	if path, ok := t.singlePath(); ok {
		m.combinations(t, path, 0)
		return
	}
	for r := len(t.head) - 1; r >= 0; r-- {
		if t.support[r] >= m.minCount {
			m.mineItem(t, int32(r))
		}
	}
}

// combinations emits the suffix with every non-empty subset of a single path's nodes (from
// path[from] on); a subset's count is that of its deepest node.
func (m *miner) combinations(t *fpTree, path []int32, from int) {
	// A long path has 2^len subsets: check for a cancel here too, not only between trees.
	if m.stop.Load() {
		return
	}
	for i := from; i < len(path); i++ {
		n := path[i]
		m.suffix = append(m.suffix, t.item[n])
		m.emit(m.suffix, t.count[n])
		if m.maxLen == 0 || len(m.suffix) < m.maxLen {
			m.combinations(t, path, i+1)
		}
		m.suffix = m.suffix[:len(m.suffix)-1]
	}
}

func (m *miner) emit(items []int32, count int64) {
	m.out.add(items, count)
}

// conditional builds the FP-tree of the prefix paths of item's nodes, with the items frequent
// among them; nil when there are none.
func (m *miner) conditional(t *fpTree, it int32) *fpTree {
	counts := make([]int64, it) // only ranks below it can be ancestors
	any := false
	for n := t.head[it]; n >= 0; n = t.next[n] {
		c := t.count[n]
		for p := t.parent[n]; p > 0; p = t.parent[p] {
			counts[t.item[p]] += c
			any = true
		}
	}
	if !any {
		return nil
	}
	keep := false
	for _, c := range counts {
		if c >= m.minCount {
			keep = true
			break
		}
	}
	if !keep {
		return nil
	}
	ct := newFPTree(int(it))
	for n := t.head[it]; n >= 0; n = t.next[n] {
		m.buf = m.buf[:0]
		for p := t.parent[n]; p > 0; p = t.parent[p] {
			if counts[t.item[p]] >= m.minCount {
				m.buf = append(m.buf, t.item[p])
			}
		}
		if len(m.buf) == 0 {
			continue
		}
		slices.Reverse(m.buf) // root first: ascending rank
		ct.insert(m.buf, t.count[n])
	}
	return ct
}
