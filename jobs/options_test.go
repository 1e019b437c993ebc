package jobs

import (
	"testing"

	"github.com/crmwh/crmwh/configs"
)

func TestWarehouseOptionsTempDirectory(t *testing.T) {
	for _, tc := range []struct{ dir, maxSize, wantDir string }{
		{"", "", "/data/tmp"},
		{"tmp", "", "/data/tmp"},
		{"spill/duckdb", "50GB", "/data/spill/duckdb"},
		{"/scratch/crmwh", "1TB", "/scratch/crmwh"},
	} {
		cfg, err := configs.Default()
		if err != nil {
			t.Fatal(err)
		}
		cfg.Warehouse.TempDirectory, cfg.Warehouse.MaxTempDirectorySize = tc.dir, tc.maxSize
		o := (&Env{Config: cfg, DataDir: "/data"}).WarehouseOptions()
		if o.TempDir != tc.wantDir || o.MaxTempSize != tc.maxSize || o.MemoryLimit != cfg.Warehouse.MemoryLimit {
			t.Errorf("temp_directory %q, max %q: options %+v, want TempDir %q", tc.dir, tc.maxSize, o, tc.wantDir)
		}
	}
}
