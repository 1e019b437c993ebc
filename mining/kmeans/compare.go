package kmeans

// AdjustedRand is the adjusted Rand index of two labelings of the same rows: 1 when they are
// identical up to renaming the clusters, about 0 for unrelated ones. Tests use it to compare a fit
// with the truth or with another fit.
func AdjustedRand(a, b []int32) float64 {
	type pair struct{ x, y int32 }
	joint, ra, rb := map[pair]float64{}, map[int32]float64{}, map[int32]float64{}
	for i := range a {
		joint[pair{a[i], b[i]}]++
		ra[a[i]]++
		rb[b[i]]++
	}
	c2 := func(v float64) float64 { return v * (v - 1) / 2 }
	var sj, sa, sb float64
	for _, v := range joint {
		sj += c2(v)
	}
	for _, v := range ra {
		sa += c2(v)
	}
	for _, v := range rb {
		sb += c2(v)
	}
	expected := sa * sb / c2(float64(len(a)))
	return (sj - expected) / ((sa+sb)/2 - expected)
}
