package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/crmwh/crmwh/warehouse"
)

//go:embed report.html
var htmlFiles embed.FS

var page = template.Must(template.New("report.html").Funcs(template.FuncMap{
	"t":     phrase,
	"cell":  func(r *Report, c Column, v any) string { return r.Cell(c, v) },
	"chart": svg,
}).ParseFS(htmlFiles, "report.html"))

// WriteHTML writes the report as one self-contained HTML page: styles inline, charts as inline
// SVG, nothing fetched; it prints with a page break before each section.
func WriteHTML(w io.Writer, r *Report) error {
	if err := page.Execute(w, r); err != nil {
		return fmt.Errorf("report html: %w", err)
	}
	return nil
}

// Cell writes a table cell for people: thousands separators, the currency, percentages.
func (r *Report) Cell(c Column, v any) string {
	if v == nil {
		return ""
	}
	switch c.Kind {
	case Count:
		if _, ok := v.(string); ok {
			return v.(string)
		}
		return warehouse.Thousands(int64(math.Round(float(v))))
	case Money:
		f := float(v)
		s := warehouse.Thousands(int64(math.Round(math.Abs(f))))
		if f < 0 {
			return "-" + r.Currency + s
		}
		return r.Currency + s
	case Percent:
		return fmt.Sprintf("%.1f%%", 100*float(v))
	case Number:
		return fmt.Sprintf("%.3f", float(v))
	case Days:
		return fmt.Sprintf("%.1f", float(v))
	}
	return text(v)
}

// svg draws a chart as inline SVG: horizontal bars with their values, or lines over the labels
// with a legend.
func svg(c Chart) template.HTML {
	var b strings.Builder
	esc := template.HTMLEscapeString
	value := func(v float64) string {
		if c.Percent {
			return fmt.Sprintf("%.1f%%", 100*v)
		}
		return warehouse.Thousands(int64(math.Round(v)))
	}
	switch c.Kind {
	case "bar":
		h := 26*len(c.Labels) + 4
		fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 640 %d" role="img" aria-label="%s">`, h, esc(c.Title))
		maxV := 0.0
		for _, v := range c.Series[0].Values {
			maxV = math.Max(maxV, math.Abs(v))
		}
		for i, l := range c.Labels {
			v := c.Series[0].Values[i]
			w := 0.0
			if maxV > 0 {
				w = math.Max(1, 320*math.Abs(v)/maxV)
			}
			fmt.Fprintf(&b, `<g transform="translate(0 %d)"><text x="226" y="16" text-anchor="end">%s</text><rect x="232" y="3" width="%.1f" height="18"></rect><text x="%.1f" y="16">%s</text></g>`,
				26*i, esc(l), w, 238+w, esc(value(v)))
		}
	case "line":
		const w, h, left, top, bottom = 640.0, 260.0, 50.0, 10.0, 30.0
		maxV := 0.0
		for _, s := range c.Series {
			for _, v := range s.Values {
				maxV = math.Max(maxV, v)
			}
		}
		if maxV == 0 {
			maxV = 1
		}
		n := len(c.Labels)
		x := func(i int) float64 { return left + (w-left-20)*float64(i)/math.Max(float64(n-1), 1) }
		y := func(v float64) float64 { return top + (h-top-bottom)*(1-v/maxV) }
		fmt.Fprintf(&b, `<svg class="chart lines" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, w, h+20*float64(len(c.Series)), esc(c.Title))
		for _, f := range []float64{0, 0.5, 1} {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`, left-6, y(f*maxV)+4, esc(value(f*maxV)))
		}
		for i := 0; i < n; i += max(1, n/5) {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x(i), h-bottom+18, esc(c.Labels[i]))
		}
		for k, s := range c.Series {
			var pts []string
			for i, v := range s.Values {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
			}
			fmt.Fprintf(&b, `<polyline class="s%d" points="%s"></polyline>`, k, strings.Join(pts, " "))
			fmt.Fprintf(&b, `<g transform="translate(%.0f %.0f)"><line class="s%d" x1="0" x2="24" y1="-4" y2="-4"></line><text x="30" y="0">%s</text></g>`,
				left, h+20*float64(k)+8, k, esc(s.Name))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text in it is escaped above
}

// WriteFile writes the report to path as HTML (.html) or XLSX (.xlsx), through a temporary file
// renamed into place, so a reader never sees half a report.
func WriteFile(path string, r *Report) error {
	var write func(io.Writer, *Report) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm":
		write = WriteHTML
	case ".xlsx":
		write = WriteXLSX
	default:
		return fmt.Errorf("report: %s: the file must end in .html or .xlsx", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".report-*")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if err := write(tmp, r); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // CreateTemp makes it private
		return fmt.Errorf("report: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
