package warehouse

import (
	"math/big"
	"testing"

	"github.com/duckdb/duckdb-go/v2"
)

func TestDecimalText(t *testing.T) {
	tests := []struct {
		value int64
		scale uint8
		want  string
	}{
		{250, 2, "2.50"}, {1000, 2, "10.00"}, {-5, 2, "-0.05"}, {0, 2, "0.00"}, {7, 0, "7"}, {12345, 4, "1.2345"},
	}
	for _, tc := range tests {
		if got := DecimalText(duckdb.Decimal{Width: 18, Scale: tc.scale, Value: big.NewInt(tc.value)}); got != tc.want {
			t.Errorf("DecimalText(%d, scale %d) = %q, want %q", tc.value, tc.scale, got, tc.want)
		}
	}
}
