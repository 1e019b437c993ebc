package serve

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/crmwh/crmwh/configs"
	"github.com/crmwh/crmwh/publish"
	"github.com/crmwh/crmwh/warehouse"
)

// lineChart is a small multi-series line chart drawn as inline SVG: each series has its own
// dash pattern and its name at the line's end, so it reads without colour.
type lineChart struct {
	Title         string
	Width, Height float64
	Series        []lineSeries
	Ticks         []tick // month labels along the bottom
	YLabels       []tick // the scale on the left
}

type lineSeries struct {
	Name, Points, Dash string
	EndX, EndY         float64
	Last               string
}

type tick struct {
	X, Y float64
	Text string
}

// heatmap is a grid of shaded cells, each with its number, drawn as inline SVG.
type heatmap struct {
	Title         string
	Width, Height float64
	RowLabels     []tick
	ColLabels     []tick
	Cells         []heatCell
}

type heatCell struct {
	X, Y, W, H, Opacity float64
	TextX, TextY        float64
	Text, Title         string
}

// history is the dashboard's "over time" part: trends, migration and cohorts.
type history struct {
	Customers, Retention lineChart
	Migration            heatmap
	Dimension, From      string
	Dimensions           []string
	Cohorts              heatmap
	Health               health
}

// health is the dashboard's model-health panel.
type health struct {
	AUC, Fit lineChart
	Findings []string // past the alert thresholds, as the alerts say them
	FitCheck []fitBucket
	// The published run's data checks that did not pass, how many did, and the model-input
	// guards' warnings.
	Checks       []checkRow
	ChecksPassed int
	Notes        []modelNote
}

type fitBucket struct {
	Label              string
	Observed, Expected float64
}

// checkRow is a data check of the published run, for the dashboard.
type checkRow struct {
	Name, Kind, Table, Severity, Status string
	Failing                             int64
	Sample, Detail                      string
}

// modelNote is a model-input guard's warning on a method's latest fit.
type modelNote struct{ Method, Note string }

// readInputs reads the data checks of the published run and the model-input warnings.
func readInputs(ctx context.Context, db warehouse.Querier) (checks []checkRow, passed int, notes []modelNote, err error) {
	err = warehouse.ForEachRow(ctx, db, "checks/latest.sql", nil, nil, func(rows *sql.Rows) error {
		var c checkRow
		if err := rows.Scan(&c.Name, &c.Kind, &c.Table, &c.Severity, &c.Status, &c.Failing, &c.Sample, &c.Detail); err != nil {
			return err
		}
		if c.Status == "pass" {
			passed++
		} else {
			checks = append(checks, c)
		}
		return nil
	})
	if err != nil {
		return nil, 0, nil, err
	}
	err = warehouse.ForEachRow(ctx, db, "serve/model_notes.sql", nil, nil, func(rows *sql.Rows) error {
		var n modelNote
		if err := rows.Scan(&n.Method, &n.Note); err != nil {
			return err
		}
		notes = append(notes, n)
		return nil
	})
	return checks, passed, notes, err
}

// readHealth reads the model-health panel: the churn model's AUC over time (hold-out and
// back-test), what passes the alert thresholds at the published date, and the BG/NBD fit check.
func readHealth(ctx context.Context, db warehouse.Querier, asOf time.Time, t configs.ModelHealth) (health, error) {
	var h health
	var dates []string
	aucs := [][]float64{nil, nil}
	err := warehouse.ForEachRow(ctx, db, "serve/model_health.sql", nil, nil, func(rows *sql.Rows) error {
		var d string
		var hold, back sql.NullFloat64
		if err := rows.Scan(&d, &hold, &back); err != nil {
			return err
		}
		dates = append(dates, d)
		aucs[0] = append(aucs[0], nullNaN(hold))
		aucs[1] = append(aucs[1], nullNaN(back))
		return nil
	})
	if err != nil {
		return h, err
	}
	slices.Reverse(dates)
	slices.Reverse(aucs[0])
	slices.Reverse(aucs[1])
	h.AUC = chartLines("Churn model ROC AUC", dates, []string{"hold-out", "back-test"}, aucs, func(v float64) string { return fmt.Sprintf("%.3f", v) })
	if h.Findings, err = publish.ModelHealth(ctx, db, asOf, t.MinBacktestAUC, t.MaxPSI, t.MaxCalibrationError); err != nil {
		return h, err
	}
	if h.Checks, h.ChecksPassed, h.Notes, err = readInputs(ctx, db); err != nil {
		return h, err
	}
	err = warehouse.ForEachRow(ctx, db, "serve/fit_check.sql", nil, nil, func(rows *sql.Rows) error {
		var b fitBucket
		var x int
		if err := rows.Scan(&x, &b.Observed, &b.Expected); err != nil {
			return err
		}
		b.Label = fmt.Sprint(x)
		if x == 7 {
			b.Label = "7+"
		}
		h.FitCheck = append(h.FitCheck, b)
		return nil
	})
	if err != nil || len(h.FitCheck) == 0 {
		return h, err
	}
	labels, vals := make([]string, len(h.FitCheck)), [][]float64{nil, nil}
	for i, b := range h.FitCheck {
		labels[i] = b.Label
		vals[0], vals[1] = append(vals[0], b.Observed), append(vals[1], b.Expected)
	}
	h.Fit = chartLines("BG/NBD fit check", labels, []string{"observed", "expected"}, vals, func(v float64) string { return count(int64(math.Round(v))) })
	return h, nil
}

func nullNaN(v sql.NullFloat64) float64 {
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}

var dashes = []string{"", "6 3", "2 3", "8 3 2 3"}

// chartLines lays out series of values (one per label) in a chart of the given size.
func chartLines(title string, labels []string, names []string, values [][]float64, format func(float64) string) lineChart {
	const left, right, top, bottom = 56.0, 110.0, 10.0, 24.0
	c := lineChart{Title: title, Width: 600, Height: 200}
	maxV := 0.0
	for _, vs := range values {
		for _, v := range vs {
			if !math.IsNaN(v) {
				maxV = math.Max(maxV, v)
			}
		}
	}
	if maxV == 0 {
		maxV = 1
	}
	plotW, plotH := c.Width-left-right, c.Height-top-bottom
	x := func(i int) float64 {
		if len(labels) < 2 {
			return left
		}
		return left + plotW*float64(i)/float64(len(labels)-1)
	}
	y := func(v float64) float64 { return top + plotH*(1-v/maxV) }
	for s, name := range names {
		ls := lineSeries{Name: name, Dash: dashes[s%len(dashes)]}
		for i, v := range values[s] {
			if math.IsNaN(v) {
				continue // no value for this label: the line joins its neighbours
			}
			ls.Points += fmt.Sprintf("%.1f,%.1f ", x(i), y(v))
			ls.EndX, ls.EndY, ls.Last = x(i)+4, y(v)+4, format(v)
		}
		c.Series = append(c.Series, ls)
	}
	// End labels at least 13 px apart, so that close lines keep readable names.
	order := make([]int, len(c.Series))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(c.Series[a].EndY, c.Series[b].EndY) })
	for k := 1; k < len(order); k++ {
		prev, cur := &c.Series[order[k-1]], &c.Series[order[k]]
		cur.EndY = math.Max(cur.EndY, prev.EndY+13)
	}
	for i, l := range labels {
		if i%6 == 0 || i == len(labels)-1 || len(labels) <= 12 { // few labels: every one
			c.Ticks = append(c.Ticks, tick{X: x(i), Y: c.Height - 6, Text: l})
		}
	}
	for _, f := range []float64{0, 0.5, 1} {
		c.YLabels = append(c.YLabels, tick{X: left - 6, Y: y(f*maxV) + 4, Text: format(f * maxV)})
	}
	return c
}

// grid lays out a heatmap of rows × columns; value gives a cell's shade (0..1) and text.
func grid(title string, rows, cols []string, cell func(r, c int) (shade float64, text, tip string, ok bool)) heatmap {
	const left, top, cw, ch = 130.0, 40.0, 56.0, 24.0
	h := heatmap{Title: title, Width: left + cw*float64(len(cols)) + 10, Height: top + ch*float64(len(rows)) + 10}
	for i, c := range cols {
		h.ColLabels = append(h.ColLabels, tick{X: left + cw*float64(i) + cw/2, Y: top - 8, Text: c})
	}
	for r, name := range rows {
		h.RowLabels = append(h.RowLabels, tick{X: left - 6, Y: top + ch*float64(r) + 16, Text: name})
		for c := range cols {
			shade, text, tip, ok := cell(r, c)
			if !ok {
				continue
			}
			x, y := left+cw*float64(c), top+ch*float64(r)
			// Light shades only, so that the number stays readable on every cell.
			h.Cells = append(h.Cells, heatCell{X: x, Y: y, W: cw - 2, H: ch - 2, TextX: x + cw - 6, TextY: y + 16,
				Opacity: 0.06 + 0.54*math.Min(1, math.Max(0, shade)), Text: text, Title: tip})
		}
	}
	return h
}

// readHistory reads the dashboard's history charts from the snapshot; dimension picks the
// migration heatmap's score (clv_quadrant when empty or unknown).
func readHistory(ctx context.Context, db warehouse.Querier, dimension string) (history, error) {
	h := history{Dimensions: publish.Dimensions(), Dimension: dimension}
	if !slices.Contains(h.Dimensions, dimension) {
		h.Dimension = "clv_quadrant"
	}
	var months []string
	vals := make([][]float64, 3)
	var retention []float64
	err := warehouse.ForEachRow(ctx, db, "serve/trend.sql", nil, nil, func(rows *sql.Rows) error {
		var m string
		var active, newC, lost int64
		var r float64
		if err := rows.Scan(&m, &active, &newC, &lost, &r); err != nil {
			return err
		}
		months = append(months, m)
		vals[0], vals[1], vals[2] = append(vals[0], float64(active)), append(vals[1], float64(newC)), append(vals[2], float64(lost))
		retention = append(retention, r)
		return nil
	})
	if err != nil {
		return h, err
	}
	num := func(v float64) string { return count(int64(math.Round(v))) }
	h.Customers = chartLines("Customers by month", months, []string{"active", "new", "lost"}, vals, num)
	h.Retention = chartLines("Retention rate by month", months, []string{"retention"}, [][]float64{retention}, pct)

	type move struct {
		from, to string
		n        int64
	}
	var moves []move
	var fromVals, toVals []string
	var total int64
	err = warehouse.ForEachRow(ctx, db, "serve/migration.sql", nil, []any{h.Dimension}, func(rows *sql.Rows) error {
		var m move
		if err := rows.Scan(&h.From, &m.from, &m.to, &m.n); err != nil {
			return err
		}
		moves = append(moves, m)
		if !slices.Contains(fromVals, m.from) {
			fromVals = append(fromVals, m.from)
		}
		if !slices.Contains(toVals, m.to) {
			toVals = append(toVals, m.to)
		}
		total += m.n
		return nil
	})
	if err != nil {
		return h, err
	}
	slices.Sort(fromVals)
	slices.Sort(toVals)
	h.Migration = grid("Migration", fromVals, toVals, func(r, c int) (float64, string, string, bool) {
		for _, m := range moves {
			if m.from == fromVals[r] && m.to == toVals[c] {
				rowTotal := int64(0)
				for _, o := range moves {
					if o.from == m.from {
						rowTotal += o.n
					}
				}
				return float64(m.n) / float64(rowTotal), count(m.n), fmt.Sprintf("%s → %s: %s customers", m.from, m.to, count(m.n)), true
			}
		}
		return 0, "", "", false
	})

	type cohortCell struct {
		k         int
		retention float64
		active, n int64
	}
	cohorts := map[string][]cohortCell{}
	var names []string
	err = warehouse.ForEachRow(ctx, db, "serve/cohorts.sql", nil, nil, func(rows *sql.Rows) error {
		var name string
		var c cohortCell
		if err := rows.Scan(&name, &c.k, &c.retention, &c.active, &c.n); err != nil {
			return err
		}
		if _, ok := cohorts[name]; !ok {
			names = append(names, name)
		}
		cohorts[name] = append(cohorts[name], c)
		return nil
	})
	if err != nil {
		return h, err
	}
	cols := make([]string, 12)
	for i := range cols {
		cols[i] = fmt.Sprintf("+%d", i)
	}
	h.Cohorts = grid("Cohort retention", names, cols, func(r, c int) (float64, string, string, bool) {
		for _, cell := range cohorts[names[r]] {
			if cell.k == c {
				return cell.retention, pct(cell.retention), fmt.Sprintf("cohort %s, month +%d: %s of %s active", names[r], c, count(cell.active), count(cell.n)), true
			}
		}
		return 0, "", "", false
	})
	return h, nil
}
