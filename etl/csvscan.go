package etl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Reasons the extract gives a physical line it cannot read as a row; the load keeps them in
// ops.etl_rejects like every other rejected row.
const (
	ReasonUnterminatedQuote = "unterminated_quote"
	ReasonInvalidEncoding   = "invalid_encoding"
	ReasonMalformedRow      = "malformed_row"
	ReasonFieldTooLong      = "field_too_long"
)

// Limits bound one row of a CSV export. A row beyond them is rejected with its line number and
// the rest of the file still loads; they also bound how far an unclosed quote can reach.
type Limits struct {
	MaxFieldBytes int // one field
	MaxLineBytes  int // one row, all its physical lines together
	// MaxRowLines is how many physical lines one quoted field may span; it also bounds how often
	// a file full of stray quotes is read again.
	MaxRowLines int
}

// DefaultLimits are the limits when the config sets none.
var DefaultLimits = Limits{MaxFieldBytes: 1 << 20, MaxLineBytes: 4 << 20, MaxRowLines: 100}

// excerptBytes is how much of a bad value a reject detail quotes.
const excerptBytes = 40

// csvRow is one row of a CSV export as the extract reads it: the fields, or the reason the
// physical line that starts it was rejected (then fields hold what could be read, cut short).
type csvRow struct {
	fields []string
	line   int64 // first physical data line, 1 = the line after the header
	lines  int64 // physical lines it spans (more than one only for quoted line breaks)
	reason string
	detail string
}

// csvScanner reads a CSV export strictly, a row at a time, and never lets one broken line take
// others with it: a quote still open at the end of a line may continue the field on the next
// lines (quoted line breaks are data), but if the row that results does not parse, or has the
// wrong number of fields, or grows beyond the limit, only the line that opened the quote is
// rejected (unterminated_quote) and reading resumes at the line after it. Quotes inside an
// unquoted field are kept as text. Blank lines are skipped; they are not data lines.
type csvScanner struct {
	r       *bufio.Reader
	lim     Limits
	want    int        // fields per row; 0 until the header is read
	next    int64      // physical lines read
	head    int64      // the header's line
	blank   int64      // blank lines skipped after the header
	pending []physLine // lines read ahead, given out again after an unterminated quote
	fields  []string
	rec     []byte // the row's field values, back to back
	ends    []int  // where each field ends in rec
	lineBuf []byte
	lines   []physLine
}

type physLine struct {
	text    []byte // until owned, valid only until the next readLine
	owned   bool
	n       int64 // line number in the file, 1 = first line
	size    int   // bytes on the line, including those dropped past the limit
	tooLong bool
}

func newCSVScanner(r io.Reader, lim Limits) *csvScanner {
	if lim.MaxFieldBytes <= 0 {
		lim.MaxFieldBytes = DefaultLimits.MaxFieldBytes
	}
	if lim.MaxLineBytes <= 0 {
		lim.MaxLineBytes = DefaultLimits.MaxLineBytes
	}
	if lim.MaxRowLines <= 0 {
		lim.MaxRowLines = DefaultLimits.MaxRowLines
	}
	return &csvScanner{r: bufio.NewReaderSize(r, 64<<10), lim: lim}
}

// readLine gives the next physical line without its line end (LF or CRLF). A line longer than
// the row limit is read through but only its first bytes are kept.
func (s *csvScanner) readLine() (physLine, error) {
	if len(s.pending) > 0 {
		l := s.pending[0]
		s.pending = s.pending[1:]
		return l, nil
	}
	var (
		buf     = s.lineBuf[:0] // the text is valid until the next readLine (own() keeps it)
		total   int
		ended   bool // a line feed ends the line (not the end of the file)
		aliased bool // buf is the reader's own buffer
	)
	for {
		chunk, err := s.r.ReadSlice('\n')
		if total == 0 && (err == nil || (err == io.EOF && len(chunk) > 0)) && len(chunk) <= s.lim.MaxLineBytes+2 {
			// The whole line is in the reader's buffer: use it there, as encoding/csv does.
			buf, total, ended, aliased = chunk, len(chunk), err == nil, true
			break
		}
		total += len(chunk)
		if room := s.lim.MaxLineBytes + 2 - len(buf); room > 0 {
			buf = append(buf, chunk[:min(len(chunk), room)]...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == io.EOF && total > 0 {
			break
		}
		if err != nil {
			return physLine{}, err
		}
		ended = true
		break
	}
	s.next++
	l := physLine{n: s.next, size: total}
	if ended {
		l.size--
		if total <= len(buf) {
			buf = buf[:len(buf)-1]
		}
	}
	// A CR before the LF is part of the line end; in a line cut short it was dropped anyway.
	if len(buf) == l.size && bytes.HasSuffix(buf, []byte("\r")) && ended {
		buf = buf[:len(buf)-1]
		l.size--
	}
	if !aliased {
		s.lineBuf = buf[:0] // a long line's buffer, kept for the next one
	}
	if l.size > s.lim.MaxLineBytes {
		l.tooLong, buf = true, buf[:min(len(buf), excerptBytes)]
	}
	l.text = buf
	return l, nil
}

// own copies a line's text out of the read buffer, for a line kept while more are read.
func own(l physLine) physLine {
	if !l.owned {
		l.text, l.owned = bytes.Clone(l.text), true
	}
	return l
}

// header reads the header row; it fixes the number of fields every row must have.
func (s *csvScanner) header() ([]string, error) {
	for {
		l, err := s.readLine()
		if err != nil {
			return nil, err
		}
		if len(l.text) == 0 && !l.tooLong {
			continue
		}
		if l.tooLong {
			return nil, fmt.Errorf("the header line is %d bytes, over the limit of %d", l.size, s.lim.MaxLineBytes)
		}
		fields, _, err := s.parse([]physLine{l})
		if err != nil {
			return nil, fmt.Errorf("header: %w", err)
		}
		s.want, s.head = len(fields), l.n
		return append([]string(nil), fields...), nil
	}
}

// errOpenQuote says the row's last field is still inside quotes at the end of the lines given.
var errOpenQuote = errors.New("open quote")

// Row reads the next row; io.EOF at the end of the file.
func (s *csvScanner) Row() (csvRow, error) {
	var first physLine
	for {
		l, err := s.readLine()
		if err != nil {
			return csvRow{}, err
		}
		if len(l.text) > 0 || l.tooLong {
			first = l
			break
		}
		s.blank++
	}
	row := csvRow{line: first.n - s.head, lines: 1}
	if first.tooLong {
		row.fields = clean([]string{string(first.text)})
		row.reason, row.detail = ReasonFieldTooLong, fmt.Sprintf("the line is %d bytes, over the limit of %d", first.size, s.lim.MaxLineBytes)
		return row, nil
	}
	lines := append(s.lines[:0], first)
	defer func() { s.lines = lines[:0] }()
	size := len(first.text)
	for {
		fields, quoteErr, err := s.parse(lines)
		if errors.Is(err, errOpenQuote) {
			// The lines so far are kept while the next is read.
			for i := range lines {
				lines[i] = own(lines[i])
			}
			first = lines[0]
			l, rerr := s.readLine()
			if rerr == nil {
				l = own(l)
			}
			if rerr == nil && !l.tooLong && size+1+len(l.text) <= s.lim.MaxLineBytes && len(lines) < s.lim.MaxRowLines {
				lines = append(lines, l)
				size += 1 + len(l.text)
				continue
			}
			if rerr == nil {
				s.pending = append(s.pending, l)
			} else if rerr != io.EOF {
				return csvRow{}, rerr
			}
			return s.unterminated(first, lines), nil
		}
		if len(lines) > 1 && (quoteErr != "" || len(fields) != s.want) {
			// The quote opened on the first line was never meant to span lines.
			return s.unterminated(first, lines), nil
		}
		row.lines = int64(len(lines))
		row.fields = fields
		switch {
		case quoteErr != "":
			row.reason, row.detail = ReasonMalformedRow, quoteErr
		case len(fields) != s.want:
			row.reason, row.detail = ReasonMalformedRow, fmt.Sprintf("row has %d fields, the header has %d", len(fields), s.want)
		default:
			row.reason, row.detail = s.checkFields(fields)
		}
		if row.reason != "" {
			row.fields = clean(fields)
		}
		return row, nil
	}
}

// unterminated rejects the first line of a row whose quote never closed properly and gives the
// lines after it back to be read as rows of their own.
func (s *csvScanner) unterminated(first physLine, lines []physLine) csvRow {
	s.pending = append(append([]physLine(nil), lines[1:]...), s.pending...)
	return csvRow{
		fields: clean([]string{string(first.text)}),
		line:   first.n - s.head, lines: 1,
		reason: ReasonUnterminatedQuote,
		detail: fmt.Sprintf("a quote opens on this line and does not close: %s", excerpt(first.text[max(0, bytes.IndexByte(first.text, '"')):])),
	}
}

// checkFields finds the first field that is too long or not UTF-8 text.
func (s *csvScanner) checkFields(fields []string) (reason, detail string) {
	if len(s.rec) <= s.lim.MaxFieldBytes && plainASCII(s.rec) {
		return "", "" // the whole row is short ASCII text: no field can fail (UTF-8 is checked per field)
	}
	for i, f := range fields {
		if len(f) > s.lim.MaxFieldBytes {
			return ReasonFieldTooLong, fmt.Sprintf("field %d is %d bytes, over the limit of %d: %s", i+1, len(f), s.lim.MaxFieldBytes, excerpt([]byte(f)))
		}
		if !utf8.ValidString(f) {
			at := 0
			for at < len(f) {
				r, n := utf8.DecodeRuneInString(f[at:])
				if r == utf8.RuneError && n <= 1 {
					break
				}
				at += n
			}
			return ReasonInvalidEncoding, fmt.Sprintf("field %d is not UTF-8 text (byte %d is 0x%02X): %s", i+1, at+1, f[at], excerpt([]byte(f)))
		}
		if j := strings.IndexByte(f, 0); j >= 0 {
			return ReasonInvalidEncoding, fmt.Sprintf("field %d holds a NUL byte at byte %d: %s", i+1, j+1, excerpt([]byte(f)))
		}
	}
	return "", ""
}

// plainASCII says whether b is ASCII without NUL bytes.
func plainASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf || c == 0 {
			return false
		}
	}
	return true
}

// parse splits the lines (joined by line breaks) into fields. errOpenQuote means the last field's
// quote is still open; quoteErr describes text after a closing quote (a row that is not CSV).
// The fields share one string per row (one allocation, as encoding/csv does); the slice is
// valid until the next call.
func (s *csvScanner) parse(lines []physLine) (fields []string, quoteErr string, err error) {
	s.rec, s.ends = s.rec[:0], s.ends[:0]
	li, text := 0, lines[0].text
	i := 0
	for {
		// At the start of a field.
		if i < len(text) && text[i] == '"' {
			i++
			for {
				j := bytes.IndexByte(text[i:], '"')
				if j < 0 {
					s.rec = append(s.rec, text[i:]...)
					if li+1 >= len(lines) {
						return nil, "", errOpenQuote
					}
					li++
					text, i = lines[li].text, 0
					s.rec = append(s.rec, '\n')
					continue
				}
				s.rec = append(s.rec, text[i:i+j]...)
				i += j + 1
				if i < len(text) && text[i] == '"' {
					s.rec = append(s.rec, '"')
					i++
					continue
				}
				break
			}
			if i < len(text) && text[i] != ',' {
				if quoteErr == "" {
					quoteErr = fmt.Sprintf("field %d has text after its closing quote: %s", len(s.ends)+1, excerpt(text[i:]))
				}
				// Keep the rest of the field as text, as far as the next comma.
				j := bytes.IndexByte(text[i:], ',')
				if j < 0 {
					j = len(text) - i
				}
				s.rec = append(s.rec, text[i:i+j]...)
				i += j
			}
		} else {
			j := bytes.IndexByte(text[i:], ',')
			if j < 0 {
				j = len(text) - i
			}
			s.rec = append(s.rec, text[i:i+j]...)
			i += j
		}
		s.ends = append(s.ends, len(s.rec))
		if i >= len(text) {
			break
		}
		i++ // the comma
	}
	str := string(s.rec)
	s.fields = s.fields[:0]
	from := 0
	for _, to := range s.ends {
		s.fields = append(s.fields, str[from:to])
		from = to
	}
	return s.fields, quoteErr, nil
}

// clean makes a rejected row's fields storable: valid UTF-8 without NUL bytes, each cut to an
// excerpt when over it, so the landing zone and the rejects never hold megabytes of one value.
func clean(fields []string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		if len(f) > 1024 {
			f = f[:1024]
		}
		f = string(bytes.ToValidUTF8(bytes.ReplaceAll([]byte(f), []byte{0}, nil), []byte("\uFFFD")))
		out[i] = f
	}
	return out
}

// excerpt quotes the start of a bad value, short and printable.
func excerpt(b []byte) string {
	more := ""
	if len(b) > excerptBytes {
		b, more = b[:excerptBytes], "…"
	}
	return strconv.QuoteToASCII(string(b)) + more
}
