package fpgrowth

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Rule is an association rule A → C with its measures; the counts are baskets.
type Rule struct {
	Antecedent, Consequent                  []int32
	Count, AntecedentCount, ConsequentCount int64
	Support, Confidence, Lift, Leverage     float64
	Conviction                              float64 // +Inf when the confidence is 1
}

// RuleOptions filter rules.
type RuleOptions struct {
	MinConfidence, MinLift float64
	MinLen                 int // items in antecedent and consequent together; 2 drops rules with an empty antecedent
	MaxConsequent          int // items on the right-hand side (1, as arules counts them)
}

func itemKey(items []int32) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(it)))
	}
	return b.String()
}

// Rules derives the rules of the frequent itemsets over baskets: for every itemset and every
// non-empty consequent of at most MaxConsequent of its items, the rule (itemset − consequent) →
// consequent, kept when it has MinLen items and meets MinConfidence and MinLift. Every subset of
// a frequent itemset is frequent, so the antecedent's and consequent's counts are at hand. Rules
// come sorted by lift, then confidence, then count (descending), then items.
func Rules(sets *Itemsets, baskets int64, opt RuleOptions) []Rule {
	opt.MaxConsequent = max(1, opt.MaxConsequent)
	index := make(map[string]int64, sets.Len())
	for k := range sets.Len() {
		index[itemKey(sets.At(k))] = sets.Counts[k]
	}
	n := float64(baskets)
	var rules []Rule
	var ante, cons []int32
	for k := range sets.Len() {
		set := sets.At(k)
		if len(set) < max(2, opt.MinLen) && !(opt.MinLen <= 1 && len(set) == 1) {
			continue
		}
		count := sets.Counts[k]
		// consequents: subsets by bitmask up to MaxConsequent items (itemsets are short)
		size := len(set)
		if size > 30 {
			continue
		}
		for mask := 1; mask < 1<<size; mask++ {
			bits := popcount(mask)
			if bits > opt.MaxConsequent || (bits == size && opt.MinLen > 1) {
				continue
			}
			ante, cons = ante[:0], cons[:0]
			for i, it := range set {
				if mask&(1<<i) != 0 {
					cons = append(cons, it)
				} else {
					ante = append(ante, it)
				}
			}
			aCount := int64(baskets)
			if len(ante) > 0 {
				aCount = index[itemKey(ante)]
			}
			cCount := index[itemKey(cons)]
			if aCount == 0 || cCount == 0 {
				continue
			}
			conf := float64(count) / float64(aCount)
			if conf < opt.MinConfidence {
				continue
			}
			sc := float64(cCount) / n
			lift := conf / sc
			if lift < opt.MinLift {
				continue
			}
			conv := math.Inf(1)
			if conf < 1 {
				conv = (1 - sc) / (1 - conf)
			}
			rules = append(rules, Rule{
				Antecedent: slices.Clone(ante), Consequent: slices.Clone(cons),
				Count: count, AntecedentCount: aCount, ConsequentCount: cCount,
				Support: float64(count) / n, Confidence: conf, Lift: lift,
				Leverage: float64(count)/n - float64(aCount)/n*sc, Conviction: conv,
			})
		}
	}
	slices.SortFunc(rules, func(a, b Rule) int {
		if c := cmp.Compare(b.Lift, a.Lift); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Confidence, a.Confidence); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		if c := slices.Compare(a.Antecedent, b.Antecedent); c != 0 {
			return c
		}
		return slices.Compare(a.Consequent, b.Consequent)
	})
	return rules
}

func popcount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}
