// Package matrix holds the dense feature matrix the pure mining algorithms (k-means, CART) read:
// one contiguous row-major slice, so a fit walks memory in order and allocates once.
package matrix

// Dense is n rows of d float64 features, row-major.
type Dense struct {
	Data       []float64
	Rows, Cols int
}

// Row returns row i.
func (m *Dense) Row(i int) []float64 { return m.Data[i*m.Cols : (i+1)*m.Cols] }
