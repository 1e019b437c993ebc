package mining

import (
	"context"
	"database/sql"
	"math"
	"slices"
	"testing"

	"github.com/crmwh/crmwh/internal/datasets"
	"github.com/crmwh/crmwh/mining/cart"
	"github.com/crmwh/crmwh/mining/matrix"
)

// trainTelco trains on the shared Telco churn data as `crmwh mine tree --label Churn
// --test-fraction 0.3 --seed 42` does, with the given engine and depth.
func trainTelco(t *testing.T, engine string, depth int) *TreeFit {
	t.Helper()
	ctx, conn := context.Background(), telcoConn(t)
	fit, err := TrainTree(ctx, conn, TreeSpec{Table: "telco", Label: "Churn", MaxCategories: 32, Engine: engine,
		Options: cart.Options{Criterion: "gini", MaxDepth: depth, MinLeaf: 1}, TestFraction: 0.3, Seed: 42, Threshold: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	return fit
}

// telcoConn is a connection with the shared Telco churn data as the temp table telco.
func telcoConn(t *testing.T) *sql.Conn {
	t.Helper()
	path, err := datasets.Path("telco_churn.csv")
	if err != nil {
		t.Fatal(err)
	}
	conn, _ := memConn(t, "2026-01-31", []purchase{{"c", "2026-01-01", 1}})
	if _, err := conn.ExecContext(context.Background(), "CREATE TEMP TABLE telco AS SELECT * FROM read_csv(?)", path); err != nil {
		t.Fatal(err)
	}
	return conn
}

func TestTreeOnTelco(t *testing.T) {
	for _, depth := range []int{4, 5, 6, 8} {
		fit := trainTelco(t, "crmwh", depth)
		tree, m := fit.Tree, fit.Metrics
		t.Logf("depth %d: %d nodes, AUC %.4f accuracy %.4f", depth, len(tree.Nodes), m.AUC, m.Accuracy)
		if depth == 5 && m.AUC < 0.80 {
			t.Errorf("depth 5: AUC %.4f, want at least 0.80", m.AUC)
		}
		for _, nd := range tree.Nodes {
			if nd.Feature < 0 {
				s := 0.0
				for _, c := range nd.Counts {
					s += c / float64(nd.Samples)
				}
				if math.Abs(s-1) > 1e-12 {
					t.Fatalf("leaf probabilities sum to %v", s)
				}
			}
		}
	}
}

// golearn's CART, adapted, grows the same tree as ours on the Telco data: same nodes, same
// hold-out AUC (the comparison the README reports).
func TestGolearnOnTelco(t *testing.T) {
	ours, theirs := trainTelco(t, "crmwh", 5), trainTelco(t, "golearn", 5)
	t.Logf("depth 5: crmwh %d nodes, AUC %.4f; golearn %d nodes, AUC %.4f",
		len(ours.Tree.Nodes), ours.Metrics.AUC, len(theirs.Tree.Nodes), theirs.Metrics.AUC)
	if len(theirs.Tree.Nodes) != len(ours.Tree.Nodes) || math.Abs(theirs.Metrics.AUC-ours.Metrics.AUC) > 1e-9 {
		t.Errorf("golearn's tree differs from ours")
	}
}

// A tree learns from a seeded sample when the table has more rows than MaxRows: exactly MaxRows
// distinct rows of the table, the same sample and tree for the same seed, and the whole table
// (no sample) when MaxRows is not below its row count.
func TestTreeSample(t *testing.T) {
	ctx, conn := context.Background(), telcoConn(t)
	train := func(maxRows int, seed uint64) *TreeFit {
		t.Helper()
		fit, err := TrainTree(ctx, conn, TreeSpec{Table: "telco", Label: "Churn", Exclude: []string{"customerID"}, MaxCategories: 32,
			Options: cart.Options{Criterion: "gini", MaxDepth: 5, MinLeaf: 1}, TestFraction: 0.3, Seed: seed, Threshold: 0.5, MaxRows: maxRows})
		if err != nil {
			t.Fatal(err)
		}
		return fit
	}
	full, capped := train(0, 42), train(7043, 42)
	if full.Sampled != 0 || capped.Sampled != 0 || len(full.Tree.Nodes) != len(capped.Tree.Nodes) || full.Metrics.AUC != capped.Metrics.AUC {
		t.Errorf("a cap at the row count changed the fit: sampled %d/%d, AUC %v vs %v", full.Sampled, capped.Sampled, full.Metrics.AUC, capped.Metrics.AUC)
	}
	a := train(2000, 42)
	var distinct, inTable int
	if err := conn.QueryRowContext(ctx, `SELECT count(DISTINCT customerID), count(*) FILTER (WHERE customerID IN (SELECT customerID FROM telco))
		FROM `+Temp.TreeSample).Scan(&distinct, &inTable); err != nil {
		t.Fatal(err)
	}
	if a.Sampled != 7043 || a.Train+a.Test+a.NullLabels != 2000 || distinct != 2000 || inTable != 2000 {
		t.Errorf("sample: from %d rows, %d train + %d test + %d unlabelled, %d distinct customers, %d in the table; want 7043 and 2000",
			a.Sampled, a.Train, a.Test, a.NullLabels, distinct, inTable)
	}
	b, c := train(2000, 42), train(2000, 7)
	if len(a.Tree.Nodes) != len(b.Tree.Nodes) || a.Metrics.AUC != b.Metrics.AUC {
		t.Errorf("the same seed gave another tree: AUC %v vs %v", a.Metrics.AUC, b.Metrics.AUC)
	}
	if a.Metrics.AUC == c.Metrics.AUC && a.Metrics.TP == c.Metrics.TP && a.Metrics.FP == c.Metrics.FP {
		t.Errorf("another seed gave the same sample's figures (AUC %v)", a.Metrics.AUC)
	}
	t.Logf("AUC: all rows %.4f, 2000-row samples %.4f (seed 42), %.4f (seed 7)", full.Metrics.AUC, a.Metrics.AUC, c.Metrics.AUC)
}

// Scoring reads its table in batches: the batches, put together, are the table's encoding in
// rowid order, whatever the batch size.
func TestEncodeBatches(t *testing.T) {
	fit := trainTelco(t, "crmwh", 4)
	ctx, conn := context.Background(), telcoConn(t)
	whole, _, err := fit.Encoding.Encode(ctx, conn, "telco", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, batch := range []int{1000, 7043, 100000} {
		var data []float64
		var ids []int64
		batches := 0
		err := fit.Encoding.EncodeBatches(ctx, conn, "telco", batch, func(x *matrix.Dense, rowids []int64) error {
			if x.Rows > batch || x.Rows != len(rowids) {
				t.Errorf("batch of %d rows (%d rowids), size %d", x.Rows, len(rowids), batch)
			}
			data, ids, batches = append(data, x.Data...), append(ids, rowids...), batches+1
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := (7043 + batch - 1) / batch; batches != want || !slices.Equal(data, whole.Data) || len(ids) != whole.Rows {
			t.Fatalf("batch %d: %d batches (want %d), %d rows, same data %v", batch, batches, want, len(ids), slices.Equal(data, whole.Data))
		}
		for i, id := range ids {
			if id != int64(i) {
				t.Fatalf("batch %d: row %d has rowid %d", batch, i, id)
			}
		}
	}
}
