package etl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// scanAll reads every row of in (after its header).
func scanAll(t testing.TB, in string, lim Limits) (*csvScanner, []csvRow) {
	t.Helper()
	s := newCSVScanner(strings.NewReader(in), lim)
	if _, err := s.header(); err != nil {
		t.Fatal(err)
	}
	var rows []csvRow
	for {
		r, err := s.Row()
		if errors.Is(err, io.EOF) {
			return s, rows
		}
		if err != nil {
			t.Fatal(err)
		}
		r.fields = append([]string(nil), r.fields...)
		rows = append(rows, r)
	}
}

func TestCSVScanner(t *testing.T) {
	type want struct {
		line   int64
		reason string
		fields string // joined by |, checked when not empty
	}
	small := Limits{MaxFieldBytes: 8, MaxLineBytes: 24, MaxRowLines: 3}
	cases := []struct {
		name string
		in   string
		lim  Limits
		want []want
	}{
		{"plain", "a,b,c\n1,2,3\n4,5,6\n", Limits{}, []want{{1, "", "1|2|3"}, {2, "", "4|5|6"}}},
		{"CRLF, no final line end", "a,b,c\r\n1,2,3\r\n4,5,6", Limits{}, []want{{1, "", "1|2|3"}, {2, "", "4|5|6"}}},
		{"quoted comma, quote and line break", "a,b,c\n1,\"x, \"\"y\"\"\r\nz\",3\n4,5,6\n", Limits{}, []want{{1, "", "1|x, \"y\"\nz|3"}, {3, "", "4|5|6"}}},
		{"quote inside an unquoted field is text", "a,b,c\n1,5\" pipe,3\n", Limits{}, []want{{1, "", "1|5\" pipe|3"}}},
		{"blank lines are skipped", "a,b,c\n\n1,2,3\n\n", Limits{}, []want{{2, "", "1|2|3"}}},
		{"unclosed quote costs its line only", "a,b,c\n1,\"x,3\n4,5,6\n7,8,9\n", Limits{}, []want{{1, ReasonUnterminatedQuote, ""}, {2, "", "4|5|6"}, {3, "", "7|8|9"}}},
		{"unclosed quote before a quoted field", "a,b,c\n1,\"x,3\n4,\"5\",6\n7,8,9\n", Limits{}, []want{{1, ReasonUnterminatedQuote, ""}, {2, "", "4|5|6"}, {3, "", "7|8|9"}}},
		{"unclosed quote on the last line", "a,b,c\n1,2,3\n4,\"5,6\n", Limits{}, []want{{1, "", "1|2|3"}, {2, ReasonUnterminatedQuote, ""}}},
		{"unclosed quote spanning too many lines", "a,b\n\"x\ny\nz\nw\n1,2\n", small, []want{{1, ReasonUnterminatedQuote, ""}, {2, ReasonMalformedRow, ""}, {3, ReasonMalformedRow, ""}, {4, ReasonMalformedRow, ""}, {5, "", "1|2"}}},
		{"text after a closing quote", "a,b,c\n1,\"x\"y,3\n4,5,6\n", Limits{}, []want{{1, ReasonMalformedRow, ""}, {2, "", "4|5|6"}}},
		{"too few fields", "a,b,c\n1,2\n4,5,6\n", Limits{}, []want{{1, ReasonMalformedRow, "1|2"}, {2, "", "4|5|6"}}},
		{"too many fields", "a,b,c\n1,2,3,4\n4,5,6\n", Limits{}, []want{{1, ReasonMalformedRow, ""}, {2, "", "4|5|6"}}},
		{"invalid UTF-8", "a,b,c\n1,\xff\xfe,3\n4,5,6\n", Limits{}, []want{{1, ReasonInvalidEncoding, "1|\uFFFD|3"}, {2, "", "4|5|6"}}},
		{"NUL byte", "a,b,c\n1,x\x00y,3\n4,5,6\n", Limits{}, []want{{1, ReasonInvalidEncoding, "1|xy|3"}, {2, "", "4|5|6"}}},
		{"field over the limit", "a,b\n1,123456789\n4,5\n", small, []want{{1, ReasonFieldTooLong, ""}, {2, "", "4|5"}}},
		{"line over the limit", "a,b\n1," + strings.Repeat("x", 200000) + "\n4,5\n", small, []want{{1, ReasonFieldTooLong, ""}, {2, "", "4|5"}}},
		{"long line over the read buffer", "a,b\n1," + strings.Repeat("x", 200000) + "\r\n4,5\r\n", Limits{}, []want{{1, "", ""}, {2, "", "4|5"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, rows := scanAll(t, tc.in, tc.lim)
			if len(rows) != len(tc.want) {
				t.Fatalf("%d rows, want %d: %+v", len(rows), len(tc.want), rows)
			}
			for i, w := range tc.want {
				r := rows[i]
				if r.line != w.line || r.reason != w.reason || (w.fields != "" && strings.Join(r.fields, "|") != w.fields) {
					t.Errorf("row %d: line %d, %q (%s), fields %q; want line %d, %q, %q", i, r.line, r.reason, r.detail, r.fields, w.line, w.reason, w.fields)
				}
				if len(r.detail) > 200 {
					t.Errorf("row %d: detail of %d bytes", i, len(r.detail))
				}
			}
		})
	}
}

// FuzzCSVScanner: whatever the bytes, every physical line after the header is in exactly one
// row or is blank, accepted rows have the header's field count and valid UTF-8 text, and
// rejected rows hold storable text.
func FuzzCSVScanner(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a,b\n1,\"2\n3,4\n", "a,b\r\n\"x\"\"\n\",y\r\n", "a,b\n\xff,\x00\n", "a,b\n\"\"\"\n,\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		lim := Limits{MaxFieldBytes: 16, MaxLineBytes: 64, MaxRowLines: 4}
		s := newCSVScanner(bytes.NewReader(in), lim)
		if _, err := s.header(); err != nil {
			return
		}
		var lines, next int64 = 0, 1
		for {
			r, err := s.Row()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.line < next {
				t.Fatalf("row at line %d after line %d", r.line, next)
			}
			next = r.line + r.lines
			lines += r.lines
			for _, f := range r.fields {
				if !utf8.ValidString(f) || strings.IndexByte(f, 0) >= 0 && r.reason != "" {
					t.Fatalf("unstorable field %q (%s)", f, r.reason)
				}
			}
			if r.reason == "" && len(r.fields) != s.want {
				t.Fatalf("accepted row with %d fields, want %d", len(r.fields), s.want)
			}
		}
		physical := int64(bytes.Count(in, []byte("\n")))
		if len(in) > 0 && in[len(in)-1] != '\n' {
			physical++
		}
		if got := s.head + lines + s.blank; got != physical {
			t.Fatalf("header at %d + %d row lines + %d blank = %d, the input has %d lines", s.head, lines, s.blank, got, physical)
		}
	})
}

func ExampleLimits() {
	_, rows := scanAll(&testing.T{}, "id,name\n1,\"Ann\n2,Bo\n", Limits{})
	for _, r := range rows {
		fmt.Println(r.line, r.reason, r.detail)
	}
	// Output:
	// 1 unterminated_quote a quote opens on this line and does not close: "\"Ann"
	// 2
}
