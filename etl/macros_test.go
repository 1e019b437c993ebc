package etl

import (
	"context"
	"database/sql"
	"testing"

	"github.com/crmwh/crmwh/warehouse"
)

// txt's shortcut for plain ASCII fields gives trim's result for every kind of field: spaces
// around or inside, Unicode space separators (no-break, ideographic, en quad), other whitespace
// trim keeps (tab, newline), non-ASCII text, empty and NULL.
func TestTxtIsTrim(t *testing.T) {
	ctx := context.Background()
	db, err := warehouse.Open(ctx, "", warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := warehouse.RunScript(ctx, conn, "load/00_macros.sql", nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in   sql.NullString
		want sql.NullString
	}{
		{str("C001"), str("C001")},
		{str(" C001"), str("C001")},
		{str("C001 "), str("C001")},
		{str("  C 001  "), str("C 001")},
		{str("\u00a0C001\u00a0"), str("C001")},
		{str("\u3000王芳\u3000"), str("王芳")},
		{str("王芳"), str("王芳")},
		{str("Zoë"), str("Zoë")},
		{str("C001\u2000"), str("C001")},
		{str("\tC001\n"), str("\tC001\n")},
		{str("   "), sql.NullString{}},
		{str("\u3000"), sql.NullString{}},
		{str(""), sql.NullString{}},
		{sql.NullString{}, sql.NullString{}},
	} {
		var got, trim sql.NullString
		if err := conn.QueryRowContext(ctx, "SELECT txt(CAST(? AS VARCHAR)), nullif(trim(CAST(? AS VARCHAR)), '')", c.in, c.in).Scan(&got, &trim); err != nil {
			t.Fatal(err)
		}
		if got != c.want || got != trim {
			t.Errorf("txt(%q) = %q (valid %v), want %q; trim gives %q", c.in.String, got.String, got.Valid, c.want.String, trim.String)
		}
	}
}

func str(s string) sql.NullString { return sql.NullString{String: s, Valid: true} }
