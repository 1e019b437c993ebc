package warehouse

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestSpillLimits: an in-memory table larger than the memory limit spills into TempDir, and
// MaxTempSize stops it with DuckDB's out-of-space error instead of filling the disk.
func TestSpillLimits(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, maxTemp string
		wantErr       bool
	}{
		{"room to spill", "2GB", false},
		{"capped", "1MB", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := filepath.Join(t.TempDir(), "spill")
			db, err := Open(ctx, "", Options{MemoryLimit: "64MB", Threads: 1, TempDir: tmp, MaxTempSize: tc.maxTemp})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var dir string
			if err := db.QueryRowContext(ctx, "SELECT current_setting('temp_directory')").Scan(&dir); err != nil || dir != tmp {
				t.Fatalf("temp_directory = %q (%v), want %q", dir, err, tmp)
			}
			_, err = db.ExecContext(ctx, "CREATE TABLE big AS SELECT i, md5(i::VARCHAR) AS h FROM range(3000000) t(i)")
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), "max_temp_directory_size") {
					t.Fatalf("with %s of spill space: err = %v, want DuckDB's temp-space error", tc.maxTemp, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var spilled int64
			if err := db.QueryRowContext(ctx, "SELECT sum(temporary_storage_bytes) FROM duckdb_memory()").Scan(&spilled); err != nil {
				t.Fatal(err)
			}
			if spilled < 1<<20 {
				t.Errorf("%d bytes spilled into %s; the table does not fit in 64MB and should have spilled", spilled, tmp)
			}
		})
	}
}
