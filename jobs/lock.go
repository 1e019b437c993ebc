package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// LockFile is the run lock's name in the data directory.
const LockFile = "crmwh.lock"

// Lock is the held run lock: one run at a time per data directory. It is an flock on the file,
// so it ends with the process however the process ends; the file says who holds it.
type Lock struct {
	f *os.File
}

// Holder is who holds the run lock, as written in the lock file.
type Holder struct {
	PID     int       `json:"pid"`
	Since   time.Time `json:"since"`
	Command string    `json:"command"`
}

// HeldError says the run lock is held by another process.
type HeldError struct {
	Holder Holder
}

func (e *HeldError) Error() string {
	h := e.Holder
	if h.PID == 0 {
		return "another crmwh run holds the run lock (wait for it, or pass --wait)"
	}
	return fmt.Sprintf("another crmwh run holds the run lock: pid %d since %s (%s); wait for it, or pass --wait",
		h.PID, h.Since.Local().Format("2006-01-02 15:04:05 MST"), h.Command)
}

// Acquire takes the run lock of dataDir. When another process holds it, it returns a *HeldError
// at once, or with wait, waits until it is free or ctx ends.
func Acquire(ctx context.Context, dataDir string, wait bool) (*Lock, error) {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("run lock: %w", err)
	}
	path := filepath.Join(dataDir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("run lock: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("run lock %s: %w", path, err)
		}
		if !wait {
			h := ReadHolder(dataDir)
			f.Close()
			return nil, &HeldError{Holder: h}
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for the run lock: %w", ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
	b, _ := json.Marshal(Holder{PID: os.Getpid(), Since: time.Now().UTC(), Command: strings.Join(os.Args, " ")})
	err = f.Truncate(0)
	if err == nil {
		_, err = f.WriteAt(append(b, '\n'), 0)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("run lock %s: %w", path, err)
	}
	return &Lock{f: f}, nil
}

// ReadHolder reads who holds (or last held) the run lock; zero when unknown.
func ReadHolder(dataDir string) Holder {
	var h Holder
	b, err := os.ReadFile(filepath.Join(dataDir, LockFile))
	if err == nil {
		_ = json.Unmarshal(b, &h) // an unreadable file only loses the details
	}
	return h
}

// Release gives the lock up.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	return errors.Join(err, l.f.Close())
}
