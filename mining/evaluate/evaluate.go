package evaluate

import (
	"math/rand/v2"
	"slices"
	"sort"
)

// StratifiedSplit returns the rows held out for testing: fraction of each class's rows, drawn with
// the seed, so that both parts keep the class balance.
func StratifiedSplit(y []int32, classes int, fraction float64, seed uint64) []bool {
	rng := rand.New(rand.NewPCG(seed, 0x7370))
	test := make([]bool, len(y))
	byClass := make([][]int, classes)
	for i, c := range y {
		byClass[c] = append(byClass[c], i)
	}
	for _, rows := range byClass {
		rng.Shuffle(len(rows), func(a, b int) { rows[a], rows[b] = rows[b], rows[a] })
		k := int(fraction*float64(len(rows)) + 0.5)
		for _, i := range rows[:k] {
			test[i] = true
		}
	}
	return test
}

// Metrics are a binary classifier's scores on labelled rows.
type Metrics struct {
	AUC, Accuracy, Precision, Recall, F1 float64
	LiftTopDecile                        float64
	TP, FP, TN, FN                       int
	Threshold                            float64
	Rows                                 int
	Positives                            int
}

// Binary scores predicted positive-class probabilities p against labels (true = positive): ROC
// AUC (ties count half), accuracy, precision, recall and F1 at the threshold (p ≥ threshold is
// positive), the lift of the top tenth by p, and the confusion matrix.
func Binary(p []float64, label []bool, threshold float64) Metrics {
	m := Metrics{Threshold: threshold, Rows: len(p)}
	for i, v := range p {
		pos := v >= threshold
		switch {
		case pos && label[i]:
			m.TP++
		case pos:
			m.FP++
		case label[i]:
			m.FN++
		default:
			m.TN++
		}
		if label[i] {
			m.Positives++
		}
	}
	n := float64(len(p))
	if n == 0 {
		return m
	}
	m.Accuracy = float64(m.TP+m.TN) / n
	if m.TP+m.FP > 0 {
		m.Precision = float64(m.TP) / float64(m.TP+m.FP)
	}
	if m.TP+m.FN > 0 {
		m.Recall = float64(m.TP) / float64(m.TP+m.FN)
	}
	if m.Precision+m.Recall > 0 {
		m.F1 = 2 * m.Precision * m.Recall / (m.Precision + m.Recall)
	}
	// AUC by ranks: the mean rank of the positives, with tied scores sharing their mean rank.
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	rankSum := 0.0
	for lo := 0; lo < len(idx); {
		hi := lo
		for hi < len(idx) && p[idx[hi]] == p[idx[lo]] {
			hi++
		}
		mid := float64(lo+hi+1) / 2 // ranks lo+1..hi
		for _, i := range idx[lo:hi] {
			if label[i] {
				rankSum += mid
			}
		}
		lo = hi
	}
	pos, neg := float64(m.Positives), n-float64(m.Positives)
	if pos > 0 && neg > 0 {
		m.AUC = (rankSum - pos*(pos+1)/2) / (pos * neg)
	}
	// Lift: positives among the top tenth by score, against the base rate. Ties at the cut are
	// taken in row order, which keeps it deterministic.
	slices.Reverse(idx)
	top := max(1, len(idx)/10)
	hits := 0
	for _, i := range idx[:top] {
		if label[i] {
			hits++
		}
	}
	if pos > 0 {
		m.LiftTopDecile = (float64(hits) / float64(top)) / (pos / n)
	}
	return m
}
