package demodata

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestReuse: a kept data set is reused only for the options it was generated with, and only
// when its manifest has every field today's generator writes.
func TestReuse(t *testing.T) {
	opt := Options{Customers: 200, Seed: 7, End: end, DirtyRate: 0.01}
	m, dir := gen(t, opt)
	opt.Dir = dir
	if got := Reuse(opt); got == nil || got.Start != m.Start || got.Tables["orders"].Rows != m.Tables["orders"].Rows {
		t.Fatalf("Reuse(the same options) = %+v, want the manifest written", got)
	}
	explicit := opt
	explicit.Start = end.Add(-DefaultHistory) // what the zero start means
	if Reuse(explicit) == nil {
		t.Error("the default start spelled out was not reused")
	}
	for name, change := range map[string]func(o *Options){
		"seed":              func(o *Options) { o.Seed++ },
		"customers":         func(o *Options) { o.Customers = 201 },
		"end":               func(o *Options) { o.End = end.AddDate(0, 0, 1) },
		"start":             func(o *Options) { o.Start = end.AddDate(-3, 0, 0) },
		"dirty rate":        func(o *Options) { o.DirtyRate = 0.002 },
		"satisfaction drop": func(o *Options) { o.SatisfactionDropFrom = end.AddDate(0, -2, 0) },
		"no data":           func(o *Options) { o.Dir = filepath.Join(t.TempDir(), "none") },
	} {
		o := opt
		change(&o)
		if Reuse(o) != nil {
			t.Errorf("%s changed: reused", name)
		}
	}

	// A manifest from an older generator lacks fields written today.
	raw, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	delete(fields, "service")
	old, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), old, 0o644); err != nil {
		t.Fatal(err)
	}
	if Reuse(opt) != nil {
		t.Error("a manifest without the service plant was reused")
	}
}

// TestEnsure: the data set is generated when the folder holds another (which goes, stray files
// included) and reused as it is when the folder holds the same.
func TestEnsure(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "export")
	opt := Options{Customers: 100, Seed: 3, End: end, DirtyRate: 0.01, Dir: dir}
	for i, tc := range []struct {
		opt       Options
		generated bool
	}{{opt, true}, {opt, false}, {func() Options { o := opt; o.Seed++; return o }(), true}} {
		if i == 2 {
			if err := os.WriteFile(filepath.Join(dir, "stray.csv"), []byte("x\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		m, generated, err := Ensure(context.Background(), tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		if generated != tc.generated || m.Seed != tc.opt.Seed {
			t.Errorf("step %d: generated %v (want %v), manifest seed %d (want %d)", i, generated, tc.generated, m.Seed, tc.opt.Seed)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "stray.csv")); !os.IsNotExist(err) {
		t.Errorf("a file of the earlier folder stayed: %v", err)
	}
}
