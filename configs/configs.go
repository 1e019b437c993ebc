// Package configs holds crmwh's configuration: the built-in default (default.yaml, embedded) and
// the loading of a user's file on top of it.
package configs

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultPath is where crmwh looks for a config file when --config is not given.
const DefaultPath = "configs/crmwh.yaml"

// Config is the whole configuration.
type Config struct {
	Source    Source    `yaml:"source"`
	Warehouse Warehouse `yaml:"warehouse"`
	Marts     Marts     `yaml:"marts"`
	Generate  Generate  `yaml:"generate"`
}

// Marts tunes the derived tables.
type Marts struct {
	// ChunkCustomers is how many customers fact_customer_month is built for at a time.
	ChunkCustomers int `yaml:"chunk_customers"`
}

// Source says where the operational data comes from.
type Source struct {
	Type string `yaml:"type"`
	Dir  string `yaml:"dir"`
}

// Warehouse tunes the DuckDB warehouse.
type Warehouse struct {
	MemoryLimit string `yaml:"memory_limit"`
	Threads     int    `yaml:"threads"`
	ParquetCopy bool   `yaml:"parquet_copy"`
}

// Generate holds the defaults of the demo data generator.
type Generate struct {
	Customers int     `yaml:"customers"`
	Seed      uint64  `yaml:"seed"`
	DirtyRate float64 `yaml:"dirty_rate"`
}

// Default returns the built-in configuration.
func Default() (*Config, error) {
	c := &Config{}
	if err := decode(defaultYAML, c); err != nil {
		return nil, fmt.Errorf("config: built-in default: %w", err)
	}
	return c, nil
}

// Load reads path over the built-in default. A missing file at DefaultPath means the default
// applies; a missing file named explicitly is an error.
func Load(path string, explicit bool) (*Config, error) {
	c, err := Default()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := decode(b, c); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return c, c.Validate()
}

func decode(b []byte, c *Config) error {
	d := yaml.NewDecoder(bytes.NewReader(b))
	d.KnownFields(true) // a misspelt key is an error, not a silent default
	if err := d.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// Validate checks values that the types alone do not.
func (c *Config) Validate() error {
	if c.Source.Type != "csv" {
		return fmt.Errorf("config: source.type %q is not supported (csv)", c.Source.Type)
	}
	if c.Source.Dir == "" {
		return fmt.Errorf("config: source.dir is empty")
	}
	if c.Warehouse.Threads < 0 {
		return fmt.Errorf("config: warehouse.threads must be 0 or more")
	}
	if c.Marts.ChunkCustomers < 1 {
		return fmt.Errorf("config: marts.chunk_customers must be at least 1")
	}
	if c.Generate.DirtyRate < 0 || c.Generate.DirtyRate > 0.5 {
		return fmt.Errorf("config: generate.dirty_rate must be from 0 to 0.5")
	}
	return nil
}

// Resolve makes p absolute against the data directory unless it is absolute already.
func Resolve(dataDir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dataDir, p)
}
