package jobs

import (
	"testing"
	"time"
)

func TestBackfillDates(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		from, to, every string
		want            []string
	}{
		{"2026-01-30", "2026-02-02", "day", []string{"2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02"}},
		{"2026-01-01", "2026-01-20", "week", []string{"2026-01-01", "2026-01-08", "2026-01-15"}},
		{"2026-01-15", "2026-04-30", "month", []string{"2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"}},
		{"2026-02-01", "2026-02-27", "month", nil},
		{"2024-01-31", "2024-03-30", "month", []string{"2024-01-31", "2024-02-29"}},
	}
	for _, c := range cases {
		got, err := BackfillDates(d(c.from), d(c.to), c.every)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, g := range got {
			s = append(s, g.Format(time.DateOnly))
		}
		if len(s) != len(c.want) {
			t.Errorf("%s..%s every %s: %v, want %v", c.from, c.to, c.every, s, c.want)
			continue
		}
		for i := range s {
			if s[i] != c.want[i] {
				t.Errorf("%s..%s every %s: %v, want %v", c.from, c.to, c.every, s, c.want)
				break
			}
		}
	}
	if _, err := BackfillDates(d("2026-01-02"), d("2026-01-01"), "day"); err == nil {
		t.Error("a backwards range was accepted")
	}
	if _, err := BackfillDates(d("2026-01-01"), d("2026-01-02"), "fortnight"); err == nil {
		t.Error("an unknown step was accepted")
	}
}
