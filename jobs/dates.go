package jobs

import (
	"fmt"
	"time"
)

// BackfillDates are the as-of dates of a backfill from from to to (both included, when they
// fall on the step): every day, every 7th day from from, or each month's last day.
func BackfillDates(from, to time.Time, every string) ([]time.Time, error) {
	if to.Before(from) {
		return nil, fmt.Errorf("the backfill ends (%s) before it starts (%s)", to.Format(time.DateOnly), from.Format(time.DateOnly))
	}
	var dates []time.Time
	switch every {
	case "", "day":
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			dates = append(dates, d)
		}
	case "week":
		for d := from; !d.After(to); d = d.AddDate(0, 0, 7) {
			dates = append(dates, d)
		}
	case "month":
		for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
			if end := m.AddDate(0, 1, -1); !end.Before(from) && !end.After(to) {
				dates = append(dates, end)
			}
		}
	default:
		return nil, fmt.Errorf("a backfill steps every day, week or month, not %q", every)
	}
	return dates, nil
}
