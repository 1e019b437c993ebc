package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes the report as a workbook: a findings sheet, then one sheet per section with
// its tables (numbers as numbers, formatted for people) and each chart as a native Excel chart
// over its data, written beside the tables.
func WriteXLSX(w io.Writer, r *Report) error {
	f := excelize.NewFile()
	defer f.Close()
	styles, err := newStyles(f, r.Currency)
	if err != nil {
		return fmt.Errorf("report xlsx: %w", err)
	}
	first := sheetName(phrase(r.Language, "findings"), nil)
	if err := f.SetSheetName("Sheet1", first); err != nil {
		return fmt.Errorf("report xlsx: %w", err)
	}
	head := fmt.Sprintf("%s · %s %s", phrase(r.Language, "title"), phrase(r.Language, "as_of"), r.AsOf)
	if r.Compare != "" {
		head += fmt.Sprintf(" · %s %s", phrase(r.Language, "compared_with"), r.Compare)
	}
	rows := [][]any{{head}, {}}
	for _, fd := range r.Findings {
		rows = append(rows, []any{fd.Department, fd.Text, fd.Link})
	}
	if len(r.Findings) == 0 {
		rows = append(rows, []any{phrase(r.Language, "no_findings")})
	}
	for _, o := range r.Omitted {
		rows = append(rows, []any{}, []any{phrase(r.Language, "omitted"), o.Title, o.Reason})
	}
	for i, row := range rows {
		if err := f.SetSheetRow(first, cellName(1, i+1), &row); err != nil {
			return fmt.Errorf("report xlsx: %w", err)
		}
	}
	used := map[string]bool{first: true}
	for _, s := range r.Sections {
		name := sheetName(s.Title, used)
		used[name] = true
		if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("report xlsx: %w", err)
		}
		if err := writeSection(f, name, r, s, styles); err != nil {
			return fmt.Errorf("report xlsx: %s: %w", s.Key, err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("report xlsx: %w", err)
	}
	return nil
}

type styles map[Kind]int

func newStyles(f *excelize.File, currency string) (styles, error) {
	s := styles{}
	formats := map[Kind]string{Count: "#,##0", Money: `"` + strings.ReplaceAll(currency, `"`, "") + `"#,##0`, Percent: "0.0%", Number: "0.000", Days: "0.0"}
	for k, code := range formats {
		code := code
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			return nil, err
		}
		s[k] = id
	}
	return s, nil
}

// writeSection writes a section's title, intro and tables from column A, and each chart's data
// from column M with the chart beside it.
func writeSection(f *excelize.File, sheet string, r *Report, s Section, st styles) error {
	row := 1
	set := func(col int, vals []any) error {
		err := f.SetSheetRow(sheet, cellName(col, row), &vals)
		row++
		return err
	}
	if err := set(1, []any{s.Title}); err != nil {
		return err
	}
	if err := set(1, []any{s.Intro}); err != nil {
		return err
	}
	for _, t := range s.Tables {
		row++
		if err := set(1, []any{t.Title}); err != nil {
			return err
		}
		var head []any
		for _, c := range t.Columns {
			head = append(head, c.Title)
		}
		if err := set(1, head); err != nil {
			return err
		}
		for _, vals := range t.Rows {
			for i, c := range t.Columns {
				cell := cellName(i+1, row)
				var err error
				switch v := vals[i].(type) {
				case nil:
				case int64, float64:
					if err = f.SetCellValue(sheet, cell, v); err == nil && st[c.Kind] != 0 {
						err = f.SetCellStyle(sheet, cell, cell, st[c.Kind])
					}
				default:
					err = f.SetCellValue(sheet, cell, text(v))
				}
				if err != nil {
					return err
				}
			}
			row++
		}
	}
	// Charts: their data from column M (13), each chart placed at column P.
	crow := 1
	for _, c := range s.Charts {
		start := crow
		head := []any{""}
		for _, se := range c.Series {
			head = append(head, se.Name)
		}
		if err := f.SetSheetRow(sheet, cellName(13, crow), &head); err != nil {
			return err
		}
		crow++
		for i, l := range c.Labels {
			vals := []any{l}
			for _, se := range c.Series {
				vals = append(vals, se.Values[i])
			}
			if err := f.SetSheetRow(sheet, cellName(13, crow), &vals); err != nil {
				return err
			}
			crow++
		}
		typ := excelize.Bar
		if c.Kind == "line" {
			typ = excelize.Line
		}
		ch := &excelize.Chart{Type: typ, Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.Title}}},
			Dimension: excelize.ChartDimension{Width: 640, Height: uint(max(240, 22*len(c.Labels)+80))}}
		if typ == excelize.Bar {
			ch.YAxis.ReverseOrder = true // the first label on top, as in the table
		}
		for k, se := range c.Series {
			col := columnName(14 + k)
			ch.Series = append(ch.Series, excelize.ChartSeries{Name: se.Name,
				Categories: fmt.Sprintf("'%s'!$M$%d:$M$%d", sheet, start+1, crow-1),
				Values:     fmt.Sprintf("'%s'!$%s$%d:$%s$%d", sheet, col, start+1, col, crow-1)})
		}
		if err := f.AddChart(sheet, cellName(17, start), ch); err != nil {
			return err
		}
		crow += max(14, len(c.Labels)+2)
	}
	return nil
}

func cellName(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row) // positive coordinates always convert
	return c
}

func columnName(col int) string {
	c, _ := excelize.ColumnNumberToName(col)
	return c
}

// sheetName makes title a valid, unused sheet name: at most 31 characters, none of []:*?/\.
func sheetName(title string, used map[string]bool) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\'`, r) {
			return ' '
		}
		return r
	}, title)
	for utf8.RuneCountInString(name) > 31 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	name = strings.TrimSpace(name)
	base := name
	for i := 2; used[name]; i++ {
		suffix := fmt.Sprintf(" %d", i)
		name = base
		for utf8.RuneCountInString(name)+len(suffix) > 31 {
			_, size := utf8.DecodeLastRuneInString(name)
			name = name[:len(name)-size]
		}
		name += suffix
	}
	return name
}
