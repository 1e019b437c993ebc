package mining

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/crmwh/crmwh/warehouse"
)

// Temp names the temp tables the mining methods hand each other on one connection. It is the
// one declaration of that contract: Go code uses these fields and every mining SQL file receives
// them as {{.T.Name}} (see script), so a name is changed here and nowhere else.
var Temp = struct {
	Tx              string // the value methods' input: customer_id, txn_id, ts, amount, margin; one row per purchase (customer_id, txn_id), so count(*) counts purchases
	AssocItems      string // item_id (dense from 0), item and label of the baskets' items
	AssocBaskets    string // (basket_id dense from 1, item_id) pairs; dropped once assoc_result.sql has run
	AssocOwned      string // (customer_id, item_id, basis, blocked): what a customer bought or returned, for recommendations, in customer order; dropped with AssocBaskets
	RulesRaw        string // the mined rules with item ids, before labels are joined
	ClusterAssigned string // the clustered rows with cluster_id and cluster_label, in input order
	KMeansInput     string // `crmwh mine kmeans`'s query rows
	TreeInput       string // `crmwh mine tree`'s query rows
	TreeScores      string // a tree's probability, class and path per scored row
	TreeSample      string // the seeded sample of a tree's training table it learns from (TreeSpec.MaxRows)
	ChurnTrain      string // churn features at as-of − horizon with the label
	ChurnScore      string // churn features at the as-of date
	ServiceOrders   string // orders (any status) with their customer, month, store, seller, channel and main category as keys, for the service measures; dropped by service_outcomes.sql
}{
	Tx: "mining_tx", AssocItems: "assoc_items", AssocBaskets: "assoc_baskets", AssocOwned: "assoc_owned",
	RulesRaw: "rules_raw", ClusterAssigned: "cluster_assigned", KMeansInput: "kmeans_input",
	TreeInput: "tree_input", TreeScores: "tree_scores", TreeSample: "tree_sample", ChurnTrain: "churn_train", ChurnScore: "churn_score",
	ServiceOrders: "service_orders",
}

// Result is the temp table a method leaves its per-row result in for the caller to save as
// mining.<table> (see saveModel in jobs and sql/mining/save.sql).
func Result(table string) string { return table + "_result" }

// script runs an embedded mining SQL file with data plus the temp-table names as .T.
func script(ctx context.Context, ex warehouse.Execer, name string, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	data["T"] = Temp
	if _, err := warehouse.RunScript(ctx, ex, name, data); err != nil {
		return err
	}
	return nil
}

// render renders an embedded mining SQL file with data plus the temp-table names as .T.
func render(name string, data map[string]any) (string, error) {
	if data == nil {
		data = map[string]any{}
	}
	data["T"] = Temp
	q, err := warehouse.Render(name, data)
	if err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return q, nil
}

// appendRows appends rows to the temp table through DuckDB's appender (much faster than
// INSERT for many rows).
func appendRows(conn *sql.Conn, table string, rows [][]driver.Value) error {
	return conn.Raw(func(dc any) error {
		a, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", table)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := a.AppendRow(r...); err != nil {
				a.Close()
				return err
			}
		}
		return a.Close()
	})
}
