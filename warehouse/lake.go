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

// ScoreTables are the published mining tables, copied to lake/warehouse/scores/.
var ScoreTables = []string{"customer_scores", "model_runs", "rfm_segments", "cluster_profiles", "cluster_features", "churn_tree", "association_rules", "recommendations"}

// WriteParquetCopy writes every star-schema table to lakeDir/warehouse/<table>/ and every score
// table to lakeDir/warehouse/scores/<table>/. Each table is written to a fresh directory that
// then takes the old one's place in one atomic exchange, so a reader of a table's directory sees
// the old copy or the new one, never a partial one.
func (w *DB) WriteParquetCopy(ctx context.Context, lakeDir string) error {
	type copyJob struct{ table, partitionBy, root, name string }
	root := filepath.Join(lakeDir, "warehouse")
	var jobs []copyJob
	for _, t := range StarTables {
		jobs = append(jobs, copyJob{t.Name, t.PartitionBy, root, t.Name})
	}
	for _, t := range ScoreTables {
		jobs = append(jobs, copyJob{"scores." + t, "", filepath.Join(root, "scores"), t})
	}
	for _, t := range jobs {
		if err := os.MkdirAll(t.root, 0o755); err != nil {
			return fmt.Errorf("parquet copy: %w", err)
		}
		final := filepath.Join(t.root, t.name)
		tmp := filepath.Join(t.root, "."+t.name+".new")
		if err := os.RemoveAll(tmp); err != nil {
			return fmt.Errorf("parquet copy %s: %w", t.table, err)
		}
		if err := os.MkdirAll(tmp, 0o755); err != nil {
			return fmt.Errorf("parquet copy %s: %w", t.table, err)
		}
		data := map[string]string{"Table": t.table, "Dir": tmp, "File": t.name + ".parquet", "PartitionBy": t.partitionBy}
		if t.partitionBy != "" {
			// COPY ... PARTITION_BY wants to create the directory itself.
			if err := os.Remove(tmp); err != nil {
				return fmt.Errorf("parquet copy %s: %w", t.table, err)
			}
		}
		if _, err := RunScript(ctx, w, "lake/copy_table.sql", data); err != nil {
			return fmt.Errorf("parquet copy %s: %w", t.table, err)
		}
		if err := exchangeDirs(tmp, final); err != nil {
			return fmt.Errorf("parquet copy %s: %w", t.table, err)
		}
		if err := os.RemoveAll(tmp); err != nil {
			return fmt.Errorf("parquet copy %s: remove old copy: %w", t.table, err)
		}
	}
	return nil
}
