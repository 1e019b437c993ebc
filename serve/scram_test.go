package serve

import (
	"strings"
	"testing"

	"github.com/xdg-go/scram"
)

// A verifier made from a password lets a SCRAM client that knows the password sign in, and no
// other; it reads back from PostgreSQL's form, and a password SASLprep refuses is used as it
// is (as libpq does).
func TestScramVerifier(t *testing.T) {
	for _, tc := range []struct {
		password, tried string
		unprepped, ok   bool
	}{
		{"correct horse", "correct horse", false, true},
		{"correct horse", "correct horse ", false, false},
		{"pässwörd-ünicode", "pässwörd-ünicode", false, true},
		{"bell\u0007password", "bell\u0007password", true, true},
		{"bell\u0007password", "bellpassword", true, false},
	} {
		v, err := scramVerifier(tc.password)
		if err != nil {
			t.Fatalf("%q: %v", tc.password, err)
		}
		if !strings.HasPrefix(v, "SCRAM-SHA-256$4096:") || strings.Count(v, "$") != 2 {
			t.Errorf("%q: verifier %q is not in PostgreSQL's form", tc.password, v)
		}
		creds, err := parseVerifier(v)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		server, _ := scram.SHA256.NewServer(func(string) (scram.StoredCredentials, error) { return creds, nil })
		newClient := scram.SHA256.NewClient
		if tc.unprepped {
			newClient = scram.SHA256.NewClientUnprepped
		}
		client, err := newClient("", tc.tried, "")
		if err != nil {
			t.Fatal(err)
		}
		cc, sc := client.NewConversation(), server.NewConversation()
		msg, _ := cc.Step("")
		var serr error
		for !cc.Done() && serr == nil {
			if msg, serr = sc.Step(msg); serr == nil {
				msg, serr = cc.Step(msg)
			}
		}
		if got := serr == nil && sc.Valid(); got != tc.ok {
			t.Errorf("password %q, tried %q: signed in %v, want %v (%v)", tc.password, tc.tried, got, tc.ok, serr)
		}
	}
	for _, bad := range []string{"", "md5abc", "SCRAM-SHA-256$x:c2FsdA==$a:b", "SCRAM-SHA-256$4096:!!$a:b"} {
		if _, err := parseVerifier(bad); err == nil {
			t.Errorf("parseVerifier(%q) accepted it", bad)
		}
	}
}
