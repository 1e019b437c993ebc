package warehouse

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// Text renders a value for tables, CSV and exports: DATE as a date, a timestamp with its
// fraction only when it has one, DECIMAL with its scale (2.50), big integers exactly, maps and
// lists as JSON. typ is the column's DuckDB type name.
func Text(v any, typ string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case time.Time:
		switch typ {
		case "DATE":
			return x.Format(time.DateOnly)
		case "TIME":
			return x.Format(time.TimeOnly)
		}
		if x.Nanosecond() == 0 {
			return x.Format(time.DateTime)
		}
		return x.Format("2006-01-02 15:04:05.999999")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case duckdb.Decimal:
		return DecimalText(x)
	case *big.Int:
		return x.String()
	case fmt.Stringer:
		return x.String()
	case map[string]any, []any, duckdb.Map:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	default:
		return fmt.Sprint(x)
	}
}

// JSONValue is a value for JSON output: exact numbers as JSON numbers, the rest as Text.
func JSONValue(v any, typ string) any {
	switch x := v.(type) {
	case duckdb.Decimal:
		return json.Number(DecimalText(x))
	case *big.Int:
		return json.Number(x.String())
	case time.Time, []byte:
		return Text(v, typ)
	case duckdb.Map:
		return Text(v, typ)
	}
	return v
}

// DecimalText is a DECIMAL exactly, with its scale.
func DecimalText(d duckdb.Decimal) string {
	if d.Value == nil {
		return "0"
	}
	digits := new(big.Int).Abs(d.Value).String()
	scale := int(d.Scale)
	if scale > 0 {
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if d.Value.Sign() < 0 {
		return "-" + digits
	}
	return digits
}

// Thousands is n with thousands separators (1,234,567).
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// Excerpt cuts s to n characters (runes), marking the cut with …: what a message quotes of a
// value, never megabytes of it.
func Excerpt(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
