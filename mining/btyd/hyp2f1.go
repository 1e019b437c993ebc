package btyd

import "math"

// logHyp2F1 returns log|₂F₁(a, b; c; z)| and its sign for 0 ≤ z < 1, summing the Gauss series.
// BG/NBD's conditional expectation needs it (gonum has no hypergeometric function). The sum is
// kept rescaled so that the large values met at high purchase counts do not overflow.
func logHyp2F1(a, b, c, z float64) (logAbs float64, sign float64) {
	const (
		big      = 1e200
		maxTerms = 1_000_000
	)
	sum, term, scale := 1.0, 1.0, 0.0
	for k := 0.0; k < maxTerms; k++ {
		term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
		sum += term
		if math.Abs(term) <= 1e-16*math.Abs(sum) {
			break
		}
		if math.Abs(sum) > big || math.Abs(term) > big {
			sum, term, scale = sum/big, term/big, scale+math.Log(big)
		}
	}
	if sum < 0 {
		return math.Log(-sum) + scale, -1
	}
	return math.Log(sum) + scale, 1
}
