// Package pgtest starts a real PostgreSQL server for tests: initdb in a temporary directory, the
// server on a free loopback port, stopped when the test ends. The server binaries come from the
// Debian package postgresql (`make test` installs it when missing); as root they run as the
// postgres user, as initdb refuses root.
package pgtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is a running PostgreSQL server.
type Server struct {
	DSN  string // of database postgres, user postgres, no password
	Port int
	dir  string
}

// bindir finds the server binaries.
func bindir() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		d := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		return "", fmt.Errorf("no PostgreSQL server binaries (install the Debian package postgresql; `make test` does)")
	}
	return filepath.Dir(matches[len(matches)-1]), nil
}

// command runs a server binary, as the postgres user when we are root.
func command(bin string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", bin}, args...)...)
	}
	return exec.Command(bin, args...)
}

// Start starts a server for the test and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s, stop, err := StartServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return s
}

// StartServer starts a server in a new temporary directory; stop shuts it down and removes the
// directory.
func StartServer() (*Server, func(), error) {
	bin, err := bindir()
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "crmwh-pg-")
	if err != nil {
		return nil, nil, err
	}
	cleanup := []func(){func() { os.RemoveAll(dir) }}
	stop := func() {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
	}
	fail := func(err error) (*Server, func(), error) {
		stop()
		return nil, nil, err
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fail(fmt.Errorf("running as root needs the postgres user of the Debian package: %w", err))
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return fail(err)
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8").CombinedOutput(); err != nil {
		return fail(fmt.Errorf("initdb: %w\n%s", err, out))
	}
	port, err := freePort()
	if err != nil {
		return fail(err)
	}
	srv := command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=50")
	log, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return fail(err)
	}
	srv.Stdout, srv.Stderr = log, log
	if err := srv.Start(); err != nil {
		return fail(fmt.Errorf("start postgres: %w", err))
	}
	cleanup = append(cleanup, func() {
		_ = command(filepath.Join(bin, "pg_ctl"), "-D", data, "stop", "-m", "fast", "-w").Run()
		_ = srv.Wait()
		log.Close()
	})
	s := &Server{DSN: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), Port: port, dir: dir}
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := pgx.Connect(context.Background(), s.DSN)
		if err == nil {
			conn.Close(context.Background())
			return s, stop, nil
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			return fail(fmt.Errorf("postgres did not start: %w\n%s", err, b))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Database creates a fresh database for the test and returns its DSN.
func (s *Server) Database(t testing.TB, name string) string {
	t.Helper()
	dsn, err := s.CreateDatabase(name)
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// CreateDatabase creates a fresh database and returns its DSN.
func (s *Server) CreateDatabase(name string) (string, error) {
	conn, err := pgx.Connect(context.Background(), s.DSN)
	if err != nil {
		return "", err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", err
	}
	return strings.Replace(s.DSN, "/postgres?", "/"+name+"?", 1), nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
