package serve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/crmwh/crmwh/configs"
)

// Server is `crmwh serve`: the SQL endpoint and the web UI in one process, on one Readers.
type Server struct {
	Readers *Readers
	SQL     *SQLEndpoint
	Web     *Web
	Refresh time.Duration
	// TLS, when set, serves the web UI over HTTPS (the SQL endpoint has its own copy).
	TLS *tls.Config
	Log *slog.Logger
}

// loadTLS reads the certificate and key; none when both are empty.
func loadTLS(dataDir, cert, key string) (*tls.Config, error) {
	if cert == "" && key == "" {
		return nil, nil
	}
	if cert == "" || key == "" {
		return nil, errors.New("config serve: set both tls_cert and tls_key, or neither")
	}
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dataDir, p)
	}
	pair, err := tls.LoadX509KeyPair(abs(cert), abs(key))
	if err != nil {
		return nil, fmt.Errorf("config serve: TLS certificate: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, nil
}

// New builds the server of a data directory and config.
func New(dataDir string, cfg *configs.Config, log *slog.Logger) (*Server, error) {
	readers := &Readers{LakeDir: filepath.Join(dataDir, "lake"), MemoryLimit: cfg.Serve.MemoryLimit,
		Threads: cfg.Serve.Threads, Log: log}
	access := NewAccess(dataDir)
	for _, l := range cfg.Serve.Lists {
		if _, err := SelectionOf(cfg.Serve.Lists, l.Name, nil); err != nil {
			return nil, fmt.Errorf("config serve.lists %q: %w", l.Name, err)
		}
	}
	metrics, err := NewMetrics(readers)
	if err != nil {
		return nil, err
	}
	web := &Web{Readers: readers, Access: access, Metrics: metrics, Lists: cfg.Serve.Lists,
		HorizonDays: cfg.Mining.Churn.HorizonDays, Health: cfg.Alerts.ModelHealth, SessionTTL: time.Duration(cfg.Serve.SessionTTL), Log: log,
		Report: cfg.Report, Language: cfg.Mining.Language}
	if err := web.parse(); err != nil {
		return nil, err
	}
	tlsConfig, err := loadTLS(dataDir, cfg.Serve.TLSCert, cfg.Serve.TLSKey)
	if err != nil {
		return nil, err
	}
	return &Server{
		Readers: readers,
		TLS:     tlsConfig,
		SQL: &SQLEndpoint{Readers: readers, Access: access, Metrics: metrics, Timeout: time.Duration(cfg.Serve.StatementTimeout),
			TLS: tlsConfig, Cleartext: cfg.Serve.SQLAuth == "password", Log: log},
		Web:     web,
		Refresh: time.Duration(cfg.Serve.Refresh),
		Log:     log,
	}, nil
}

// Serve opens the published snapshot and serves on the two listeners until ctx ends. It waits
// for a first publish if there is none yet.
func (s *Server) Serve(ctx context.Context, pg, web net.Listener) error {
	if err := s.Readers.Refresh(ctx); err != nil {
		s.Log.Warn("nothing to serve yet; waiting for a publish", "err", err)
	}
	defer s.Readers.Close()
	hs := &http.Server{Handler: s.Web.Handler(), ReadHeaderTimeout: 10 * time.Second, TLSConfig: s.TLS}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { s.Readers.Watch(gctx, s.Refresh); return nil })
	g.Go(func() error { return s.SQL.Serve(gctx, pg) })
	g.Go(func() error {
		serveWeb := hs.Serve
		if s.TLS != nil {
			serveWeb = func(l net.Listener) error { return hs.ServeTLS(l, "", "") }
		}
		if err := serveWeb(web); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("web UI: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(gctx), 10*time.Second)
		defer cancel()
		return hs.Shutdown(sctx)
	})
	return g.Wait()
}
