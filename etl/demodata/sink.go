package demodata

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// Kinds of dirty rows the generator plants, named as the loader's reject reasons.
const (
	DuplicateKey     = "duplicate_key"
	UnparsableDate   = "unparsable_date"
	InvalidQuantity  = "invalid_quantity"
	UnknownReference = "unknown_reference"
	MissingRequired  = "missing_required"
)

const tsLayout = "2006-01-02 15:04:05"

var badDates = []string{"2023-02-30 10:00:00", "2023-13-01 09:00:00", "31/12/2023 14:00", "not a date", "2024-00-10", "yesterday"}

// sink writes one table's CSV file and counts what it wrote.
type sink struct {
	f     *os.File
	buf   *bufio.Writer
	w     *csv.Writer
	rows  int64
	dirty map[string]int64
	kinds []string // the dirty kinds planted in this table
}

func newSink(dir, table string, header []string, kinds []string) (*sink, error) {
	f, err := os.Create(filepath.Join(dir, table+".csv"))
	if err != nil {
		return nil, fmt.Errorf("create %s.csv: %w", table, err)
	}
	buf := bufio.NewWriterSize(f, 1<<20)
	s := &sink{f: f, buf: buf, w: csv.NewWriter(buf), dirty: map[string]int64{}, kinds: kinds}
	if err := s.w.Write(header); err != nil {
		return nil, fmt.Errorf("write %s.csv: %w", table, err)
	}
	return s, nil
}

func (s *sink) write(rec []string) {
	// csv.Writer keeps its first error and reports it on Flush, checked in close.
	_ = s.w.Write(rec)
	s.rows++
}

func (s *sink) close() error {
	s.w.Flush()
	if err := s.w.Error(); err != nil {
		return err
	}
	if err := s.buf.Flush(); err != nil {
		return err
	}
	return s.f.Close()
}

// dirt decides whether the row about to be written gets a dirty companion, and of which kind.
// It always draws three numbers, written or not, so that the random streams, and with them
// every later row, do not depend on the end date.
type dirt struct {
	planted bool
	kind    string
	pick    int
}

func drawDirt(rng *rand.Rand, rate float64, s *sink) dirt {
	u, k, g := rng.Float64(), rng.IntN(1<<16), rng.IntN(1<<16)
	if u >= rate || len(s.kinds) == 0 {
		return dirt{}
	}
	return dirt{planted: true, kind: s.kinds[k%len(s.kinds)], pick: g}
}

func (d dirt) badDate() string { return badDates[d.pick%len(badDates)] }

func ts(t time.Time) string { return t.Format(tsLayout) }
