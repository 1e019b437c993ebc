package mining

import (
	"database/sql"
	"errors"
	"strings"
	"testing"
)

func TestMarginGuard(t *testing.T) {
	cases := []struct {
		rate sql.NullFloat64
		want string // in the sentence; "" when the rate passes
	}{
		{sql.NullFloat64{Float64: 0.3, Valid: true}, ""},
		{sql.NullFloat64{Float64: 0.95, Valid: true}, ""},
		{sql.NullFloat64{Float64: -0.34, Valid: true}, "is -34.0%: product costs exceed the prices paid"},
		{sql.NullFloat64{Float64: 0, Valid: true}, "is 0.0%"},
		{sql.NullFloat64{Float64: 0.97, Valid: true}, "is 97.0%: product costs are missing"},
		{sql.NullFloat64{}, "no revenue"},
	}
	for _, tc := range cases {
		err := marginGuard(tc.rate)
		var ie *InputError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.rate, err)
		case tc.want != "" && (!errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "mining.clv.margin_rate") || !ie.Permanent()):
			t.Errorf("%v: %v, want a permanent InputError with %q naming mining.clv.margin_rate", tc.rate, err, tc.want)
		}
	}
}

func TestGuardNotes(t *testing.T) {
	cases := []struct {
		name  string
		notes []string
		want  []string // one substring per note
	}{
		{"enough repeat buyers", clvNotes(500, 2000, "2026-06-30", ""), nil},
		{"few repeat buyers", clvNotes(40, 2000, "2026-06-30", ""), []string{"only 40 of 2000 customers bought again before 2026-06-30"}},
		{"a small share of repeat buyers", clvNotes(60, 2000, "2026-06-30", ""), []string{"only 60 of 2000"}},
		{"boundary fit", clvNotes(500, 2000, "2026-06-30", "a = 0 at the boundary"), []string{"boundary of its parameter space (a = 0"}},
		{"both", clvNotes(10, 20, "2026-06-30", "x"), []string{"only 10 of 20", "boundary"}},
		{"balanced churn", churnNotes(300, 1000), nil},
		{"rare churn", churnNotes(15, 1000), []string{"only 15 of the 1000 hold-out customers lost (1.5%): a class this rare"}},
		{"few lost", churnNotes(19, 100), []string{"only 19 of the 100 hold-out customers lost: too few"}},
		{"rarely kept", churnNotes(990, 1000), []string{"only 10 of the 1000 hold-out customers stayed (1.0%)"}},
		{"enough of both", churnNotes(20, 100), nil},
		{"no hold-out", churnNotes(0, 0), nil},
	}
	for _, tc := range cases {
		if len(tc.notes) != len(tc.want) {
			t.Errorf("%s: notes %q, want %d", tc.name, tc.notes, len(tc.want))
			continue
		}
		for i, w := range tc.want {
			if !strings.Contains(tc.notes[i], w) {
				t.Errorf("%s: note %q lacks %q", tc.name, tc.notes[i], w)
			}
		}
	}
}
