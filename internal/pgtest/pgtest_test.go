package pgtest

import "testing"

func TestStart(t *testing.T) {
	s := Start(t)
	t.Log(s.DSN, s.Database(t, "x"))
}
