package serve

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/xdg-go/scram"
)

// SCRAM-SHA-256 sign-in (RFC 5802, 7677), as PostgreSQL does it and libpq, pgjdbc, psycopg,
// node-postgres, pgx and lib/pq default to: the password never crosses the wire, and the
// server keeps only a verifier, in PostgreSQL's form, from which it cannot be recovered.
// xdg-go/scram runs the exchange.

// scramIterations is PostgreSQL's default (scram_iterations).
const scramIterations = 4096

// scramVerifier is the verifier of a password: SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>.
func scramVerifier(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	// The username takes no part in the keys. The password is SASLprepped as clients do it;
	// one SASLprep refuses is used as it is, as libpq and PostgreSQL then do.
	client, err := scram.SHA256.NewClient("", password, "")
	if err != nil {
		if client, err = scram.SHA256.NewClientUnprepped("", password, ""); err != nil {
			return "", fmt.Errorf("SCRAM verifier: %w", err)
		}
	}
	c := client.GetStoredCredentials(scram.KeyFactors{Salt: string(salt), Iters: scramIterations})
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", c.Iters, b64(salt), b64(c.StoredKey), b64(c.ServerKey)), nil
}

// parseVerifier reads a verifier written by scramVerifier (or by PostgreSQL).
func parseVerifier(v string) (scram.StoredCredentials, error) {
	var c scram.StoredCredentials
	rest, ok := strings.CutPrefix(v, "SCRAM-SHA-256$")
	iterSalt, keys, ok2 := strings.Cut(rest, "$")
	iters, salt, ok3 := strings.Cut(iterSalt, ":")
	stored, server, ok4 := strings.Cut(keys, ":")
	if !ok || !ok2 || !ok3 || !ok4 {
		return c, errors.New("not a SCRAM-SHA-256 verifier")
	}
	n, err := strconv.Atoi(iters)
	if err != nil || n < 1 {
		return c, errors.New("not a SCRAM-SHA-256 verifier: iterations")
	}
	var parts [3][]byte
	for i, s := range []string{salt, stored, server} {
		if parts[i], err = base64.StdEncoding.DecodeString(s); err != nil {
			return c, fmt.Errorf("not a SCRAM-SHA-256 verifier: %w", err)
		}
	}
	c.Salt, c.Iters, c.StoredKey, c.ServerKey = string(parts[0]), n, parts[1], parts[2]
	return c, nil
}

// decoyKey makes the credentials of a name that is no user: the exchange runs as for a user
// and fails at the proof, so neither the reply nor its timing tells which names exist.
var decoyKey = func() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // a zero key only makes the decoy salts guessable
	return b
}()

func decoyCredentials(name string) scram.StoredCredentials {
	mac := hmac.New(sha256.New, decoyKey)
	mac.Write([]byte(name))
	sum := mac.Sum(nil)
	return scram.StoredCredentials{KeyFactors: scram.KeyFactors{Salt: string(sum[:16]), Iters: scramIterations},
		StoredKey: sum, ServerKey: sum}
}

// errNoVerifier: the user was added before crmwh kept SCRAM verifiers.
var errNoVerifier = errors.New("no SCRAM verifier")
