package mining

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmwh/crmwh/mining/cart"
	"github.com/crmwh/crmwh/mining/evaluate"
	"github.com/crmwh/crmwh/mining/matrix"
	"github.com/duckdb/duckdb-go/v2"
)

// TreeSpec says what to learn a tree on.
type TreeSpec struct {
	Table, Label     string   // a temp table on the connection (row order = rowid) and its label column
	Include, Exclude []string // feature columns: Include (all when empty) less Exclude
	MaxCategories    int
	Options          cart.Options
	Engine           string // crmwh (default) or golearn
	TestFraction     float64
	Seed             uint64
	Threshold        float64 // probability of the positive class from which a row is predicted positive
	// MaxRows, when positive and below Table's row count, has the tree learn from a seeded sample
	// of that many rows (Temp.TreeSample), so that its memory is bounded by configuration.
	MaxRows int
}

// TreeFit is a trained and evaluated tree.
type TreeFit struct {
	Tree       *cart.Tree
	Encoding   *TreeEncoding
	Positive   int // class index treated as positive: the last of the classes in sort order
	Metrics    evaluate.Metrics
	Train      int
	Test       int
	NullLabels int // rows without a label, left out
	Sampled    int // rows of the table the sample was drawn from; 0 when every row was used
	FitSeconds float64
	// The split the tree was trained and evaluated on, kept for a challenger on the same rows.
	trainX, testX *matrix.Dense
	trainY, testY []int32
}

// TrainTree encodes spec.Table, holds out a stratified TestFraction (seeded), grows the tree on
// the rest and evaluates it on the held-out rows. With more than two classes the metrics are
// those of the last class against the rest.
func TrainTree(ctx context.Context, conn *sql.Conn, spec TreeSpec) (*TreeFit, error) {
	enc, err := NewTreeEncoding(ctx, conn, spec.Table, spec.Label, spec.Include, append(slices.Clone(spec.Exclude), spec.Label), max(2, spec.MaxCategories))
	if err != nil {
		return nil, err
	}
	fit := &TreeFit{Encoding: enc}
	table := spec.Table
	if spec.MaxRows > 0 && enc.Rows > int64(spec.MaxRows) {
		if err := script(ctx, conn, "mining/tree_sample.sql", map[string]any{"Table": table, "Rows": spec.MaxRows, "Seed": spec.Seed}); err != nil {
			return nil, err
		}
		table, fit.Sampled = Temp.TreeSample, int(enc.Rows)
	}
	x, labels, err := enc.Encode(ctx, conn, table, spec.Label)
	if err != nil {
		return nil, err
	}
	var classes []string
	for _, l := range labels {
		if l.Valid && !slices.Contains(classes, l.String) {
			classes = append(classes, l.String)
		}
	}
	slices.Sort(classes)
	if len(classes) < 2 {
		return nil, fmt.Errorf("tree: the label %s needs at least two values, it has %d", spec.Label, len(classes))
	}
	fit.Positive = len(classes) - 1
	// Rows without a label are left out. The matrices are sized before they are filled: rows
	// are copied once, from x into train or test.
	var keep []int
	var y []int32
	for i, l := range labels {
		if !l.Valid {
			fit.NullLabels++
			continue
		}
		c, _ := slices.BinarySearch(classes, l.String)
		keep = append(keep, i)
		y = append(y, int32(c))
	}
	test := evaluate.StratifiedSplit(y, len(classes), spec.TestFraction, spec.Seed)
	nTest := 0
	for _, t := range test {
		if t {
			nTest++
		}
	}
	train := &matrix.Dense{Cols: x.Cols, Data: make([]float64, 0, (len(keep)-nTest)*x.Cols)}
	testX := &matrix.Dense{Cols: x.Cols, Data: make([]float64, 0, nTest*x.Cols)}
	ytr := make([]int32, 0, len(keep)-nTest)
	for k, i := range keep {
		if test[k] {
			testX.Data = append(testX.Data, x.Row(i)...)
			testX.Rows++
			fit.testY = append(fit.testY, y[k])
			continue
		}
		train.Data = append(train.Data, x.Row(i)...)
		train.Rows++
		ytr = append(ytr, y[k])
	}
	fit.Train, fit.Test = train.Rows, testX.Rows
	if train.Rows == 0 {
		return nil, fmt.Errorf("tree: no training rows left after holding out %.0f%%", spec.TestFraction*100)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t0 := time.Now()
	if spec.Engine == "golearn" {
		fit.Tree, err = cart.FitGolearn(train, ytr, len(classes), enc.Features, classes, spec.Options)
	} else {
		fit.Tree, err = cart.Fit(ctx, train, ytr, len(classes), enc.Features, classes, spec.Options)
	}
	if err != nil {
		return nil, err
	}
	fit.FitSeconds = time.Since(t0).Seconds()
	p := make([]float64, testX.Rows)
	lab := make([]bool, testX.Rows)
	for i := range testX.Rows {
		p[i] = fit.Tree.Proba(testX.Row(i))[fit.Positive]
		lab[i] = int(fit.testY[i]) == fit.Positive
	}
	fit.trainX, fit.trainY, fit.testX = train, ytr, testX
	fit.Metrics = evaluate.Binary(p, lab, spec.Threshold)
	return fit, nil
}

// Model is the fit's record for scores.model_runs.
func (f *TreeFit) Model(method string, spec TreeSpec, extra map[string]any) *Model {
	m := f.Metrics
	imp := f.Tree.Importance()
	top := map[string]float64{}
	for j, v := range imp {
		if v >= 0.01 {
			top[f.Tree.Features[j]] = v
		}
	}
	params := map[string]any{"label": spec.Label, "criterion": spec.Options.Criterion, "max_depth": spec.Options.MaxDepth,
		"min_leaf": spec.Options.MinLeaf, "max_rows": spec.MaxRows, "test_fraction": spec.TestFraction, "seed": spec.Seed, "threshold": spec.Threshold,
		"engine": spec.Engine, "positive_class": f.Tree.Classes[f.Positive], "features": f.Encoding.Features,
		"skipped_columns": f.Encoding.Skipped, "null_treatment": "numeric: the column's median; categorical: its own category (null)"}
	for k, v := range extra {
		params[k] = v
	}
	return &Model{Method: method, Customers: int64(f.Train + f.Test), Parameters: params,
		Metrics: map[string]any{"auc": m.AUC, "accuracy": m.Accuracy, "precision": m.Precision, "recall": m.Recall,
			"f1": m.F1, "lift_top_decile": m.LiftTopDecile, "threshold": m.Threshold,
			"confusion_matrix": map[string]int{"tp": m.TP, "fp": m.FP, "tn": m.TN, "fn": m.FN},
			"train_rows":       f.Train, "test_rows": f.Test, "test_positives": m.Positives, "null_labels": f.NullLabels,
			"sampled_from_rows": f.Sampled,
			"nodes":             len(f.Tree.Nodes), "leaves": (len(f.Tree.Nodes) + 1) / 2, "feature_importance": top,
			"fit_seconds": f.FitSeconds}}
}

// Score applies the tree to table (encoded as in training) and leaves tree_scores (input_row,
// probability, predicted, reason) on the connection: the positive class's probability, the most
// probable class and the path's conditions in words.
func (f *TreeFit) Score(ctx context.Context, conn *sql.Conn, table string, words map[string]string) (int, error) {
	return f.writeScores(ctx, conn, "tree", table, f.treeScorer(words, true), nil)
}

// rowScorer scores one encoded row: the positive class's probability, the predicted class and the
// reason (empty when the pass needs none).
type rowScorer func(row []float64) (p float64, predicted, reason string)

// treeScorer scores with the tree; with reasons, the path's conditions in words.
func (f *TreeFit) treeScorer(words map[string]string, reasons bool) rowScorer {
	return func(row []float64) (float64, string, string) {
		p := f.Tree.Proba(row)
		best := 0
		for c, v := range p {
			if v > p[best] {
				best = c
			}
		}
		reason := ""
		if reasons {
			reason = f.Encoding.Reason(f.Tree, row, words)
		}
		return p[f.Positive], f.Tree.Classes[best], reason
	}
}

// scoreBatch is how many rows a scoring pass encodes at a time: its memory stays flat whatever
// the number of customers.
const scoreBatch = 100_000

// writeScores leaves Temp.TreeScores (input_row = the row's rowid in table): for each row of
// table, the probability, predicted class and reason score gives its encoding, and other's
// probability as probability_other (NULL without other): two models score in one pass over the
// table. model names the rowScorer in errors.
func (f *TreeFit) writeScores(ctx context.Context, conn *sql.Conn, model, table string, score, other rowScorer) (int, error) {
	wrap := func(err error) error { return fmt.Errorf("%s: score %s: %w", model, table, err) }
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE `+Temp.TreeScores+` (input_row BIGINT, probability DOUBLE,
		predicted VARCHAR, reason VARCHAR, probability_other DOUBLE)`); err != nil {
		return 0, wrap(err)
	}
	n := 0
	err := f.Encoding.EncodeBatches(ctx, conn, table, scoreBatch, func(x *matrix.Dense, rowids []int64) error {
		err := conn.Raw(func(dc any) error {
			a, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", Temp.TreeScores)
			if err != nil {
				return err
			}
			for i := range x.Rows {
				row := x.Row(i)
				p, predicted, reason := score(row)
				var po any
				if other != nil {
					po, _, _ = other(row)
				}
				if err := a.AppendRow(rowids[i], p, predicted, reason, po); err != nil {
					a.Close()
					return err
				}
			}
			return a.Close()
		})
		if err != nil {
			return wrap(err)
		}
		n += x.Rows
		return nil
	})
	return n, err // the encoding's errors name the table already
}

// WriteNodes leaves tree_nodes on the connection: the nodes in depth-first order with their
// parent, the condition that leads to them (indented by depth, so that the rule column read in
// node order prints the tree), rows, the positive class's share and the predicted class.
func (f *TreeFit) WriteNodes(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE tree_nodes (node_id INTEGER, parent_id INTEGER,
		depth INTEGER, rule VARCHAR, feature VARCHAR, threshold DOUBLE, is_leaf BOOLEAN, samples BIGINT,
		positive_share DOUBLE, predicted VARCHAR)`); err != nil {
		return fmt.Errorf("tree: %w", err)
	}
	t := f.Tree
	return conn.Raw(func(dc any) error {
		a, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "tree_nodes")
		if err != nil {
			return err
		}
		id := 0
		var walk func(n, parent int, cond string) error
		walk = func(n, parent int, cond string) error {
			nd := &t.Nodes[n]
			my := id
			id++
			best := 0
			for c, v := range nd.Counts {
				if v > nd.Counts[best] {
					best = c
				}
			}
			share := 0.0
			if nd.Samples > 0 {
				share = nd.Counts[f.Positive] / float64(nd.Samples)
			}
			var par, feat, thr any
			if parent >= 0 {
				par = int32(parent)
			}
			if nd.Feature >= 0 {
				feat, thr = t.Features[nd.Feature], nd.Threshold
			}
			if cond == "" {
				cond = "all"
			}
			rule := strings.Repeat("  ", nd.Depth) + cond
			if err := a.AppendRow(int32(my), par, int32(nd.Depth), rule, feat, thr, nd.Feature < 0, int64(nd.Samples), share, t.Classes[best]); err != nil {
				return err
			}
			if nd.Feature < 0 {
				return nil
			}
			if err := walk(nd.Left, my, f.Encoding.Condition(nd.Feature, nd.Threshold, true)); err != nil {
				return err
			}
			return walk(nd.Right, my, f.Encoding.Condition(nd.Feature, nd.Threshold, false))
		}
		if err := walk(0, -1, ""); err != nil {
			a.Close()
			return err
		}
		return a.Close()
	})
}

// Rules renders the tree as indented rules, one line per node, with the node's rows and the
// positive class's share.
func (f *TreeFit) Rules() string {
	var b strings.Builder
	t := f.Tree
	var walk func(n int, cond string)
	walk = func(n int, cond string) {
		nd := &t.Nodes[n]
		if cond == "" {
			cond = "all"
		}
		share := 0.0
		if nd.Samples > 0 {
			share = nd.Counts[f.Positive] / float64(nd.Samples)
		}
		fmt.Fprintf(&b, "%s%s  [n=%d, %s=%.3f]\n", strings.Repeat("  ", nd.Depth), cond, nd.Samples, t.Classes[f.Positive], share)
		if nd.Feature >= 0 {
			walk(nd.Left, f.Encoding.Condition(nd.Feature, nd.Threshold, true))
			walk(nd.Right, f.Encoding.Condition(nd.Feature, nd.Threshold, false))
		}
	}
	walk(0, "")
	return b.String()
}
