package warehouse

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// StarTables are the tables of the star schema with, for facts, the timestamp column their
// Parquet copy is partitioned by month on.
var StarTables = []struct {
	Name, PartitionBy string
}{
	{"dim_date", ""}, {"dim_customer", ""}, {"dim_product", ""}, {"dim_store", ""}, {"dim_employee", ""},
	{"dim_channel", ""}, {"dim_campaign", ""},
	{"fact_sales", "order_ts"}, {"fact_interaction", "interaction_ts"}, {"fact_survey", "survey_ts"},
	{"fact_campaign_contact", "contacted_at"}, {"fact_customer_month", "month"},
}

// WriteParquetCopy writes every star-schema table to lakeDir/warehouse/<table>/. Each table is
// written to a fresh directory that then takes the old one's place in one atomic exchange, so a
// reader of lake/warehouse/<table> sees the old copy or the new one, never a partial one.
func (w *DB) WriteParquetCopy(ctx context.Context, lakeDir string) error {
	root := filepath.Join(lakeDir, "warehouse")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return fmt.Errorf("parquet copy: %w", err)
	}
	for _, t := range StarTables {
		final := filepath.Join(root, t.Name)
		tmp := filepath.Join(root, "."+t.Name+".new")
		if err := os.RemoveAll(tmp); err != nil {
			return fmt.Errorf("parquet copy %s: %w", t.Name, err)
		}
		if err := os.MkdirAll(tmp, 0o755); err != nil {
			return fmt.Errorf("parquet copy %s: %w", t.Name, err)
		}
		data := map[string]string{"Table": t.Name, "Dir": tmp, "PartitionBy": t.PartitionBy}
		if t.PartitionBy != "" {
			// COPY ... PARTITION_BY wants to create the directory itself.
			if err := os.Remove(tmp); err != nil {
				return fmt.Errorf("parquet copy %s: %w", t.Name, err)
			}
		}
		if _, err := RunScript(ctx, w, "lake/copy_table.sql", data); err != nil {
			return fmt.Errorf("parquet copy %s: %w", t.Name, err)
		}
		if err := exchangeDirs(tmp, final); err != nil {
			return fmt.Errorf("parquet copy %s: %w", t.Name, err)
		}
		if err := os.RemoveAll(tmp); err != nil {
			return fmt.Errorf("parquet copy %s: remove old copy: %w", t.Name, err)
		}
	}
	return nil
}
