package configs

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crmwh/crmwh/mining/features"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name     string
		path     string
		explicit bool
		wantErr  string
		check    func(*Config) bool
	}{
		{"absent default path gives the default", filepath.Join(dir, "none.yaml"), false, "",
			func(c *Config) bool { return c.Generate.Customers == 20000 && c.Source.Dir == "demo" }},
		{"absent explicit path is an error", filepath.Join(dir, "none.yaml"), true, "no such file", nil},
		{"overlay keeps other defaults", write("a.yaml", "warehouse:\n  memory_limit: 1GB\n"), true, "",
			func(c *Config) bool {
				return c.Warehouse.MemoryLimit == "1GB" && c.Warehouse.ParquetCopy && c.Generate.Seed == 42
			}},
		{"misspelt key", write("b.yaml", "warehouse:\n  memory_limt: 1GB\n"), true, "memory_limt", nil},
		{"bad value", write("c.yaml", "source:\n  type: oracle\n"), true, "not supported", nil},
		{"empty file", write("d.yaml", ""), true, "", func(c *Config) bool { return c.Source.Type == "csv" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(tc.path, tc.explicit)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Fatalf("unexpected config %+v", c)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	if got := Resolve("/d", "demo"); got != "/d/demo" {
		t.Fatal(got)
	}
	if got := Resolve("/d", "/x/y"); got != "/x/y" {
		t.Fatal(got)
	}
}

// The default config's features are the registry's, in its order: default.yaml documents them and
// must not drift from what the jobs can use (cluster features in the config's own order).
func TestDefaultFeaturesAreTheRegistry(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Mining.Churn.Features, features.Churn(); !slices.Equal(got, want) {
		t.Errorf("default churn features %v, registry %v", got, want)
	}
	if got, want := slices.Sorted(slices.Values(c.Mining.Cluster.Features)), slices.Sorted(slices.Values(features.Cluster())); !slices.Equal(got, want) {
		t.Errorf("default cluster features %v, registry %v", got, want)
	}
}
