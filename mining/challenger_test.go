package mining

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/crmwh/crmwh/mining/cart"
	"github.com/crmwh/crmwh/mining/matrix"
)

// The logistic-regression challenger on Telco (the tree's encoding and 70/30 split) has the
// hold-out ROC AUC of scikit-learn's LogisticRegression with the same regularisation (C = 1 on
// standardised features) within 0.01; both models' AUC are logged.
func TestLogitOnTelcoMatchesScikitLearn(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import sklearn").Run(); err != nil {
		t.Fatal("python3-sklearn is missing (`make test` installs it)")
	}
	fit := trainTelco(t, "crmwh", 5)
	lf, err := fit.TrainLogit(context.Background(), 1.0, 1000, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, x *matrix.Dense, y []int32) string {
		var b strings.Builder
		for i := range x.Rows {
			for _, v := range x.Row(i) {
				b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%d\n", map[bool]int{true: 1}[int(y[i]) == fit.Positive])
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	train, test := write("train.csv", fit.trainX, fit.trainY), write("test.csv", fit.testX, fit.testY)
	out, err := exec.Command(py, "-c", `import sys
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
tr = np.loadtxt(sys.argv[1], delimiter=","); te = np.loadtxt(sys.argv[2], delimiter=",")
m = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=10000)).fit(tr[:, :-1], tr[:, -1])
print(repr(roc_auc_score(te[:, -1], m.predict_proba(te[:, :-1])[:, 1])))`, train, test).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		t.Fatalf("%q: %v", out, err)
	}
	t.Logf("Telco hold-out ROC AUC: logistic regression %.4f (scikit-learn %.4f, %d iterations), tree (depth 5) %.4f",
		lf.Metrics.AUC, want, lf.Model.Iterations, fit.Metrics.AUC)
	if math.Abs(lf.Metrics.AUC-want) > 0.01 {
		t.Errorf("logistic regression AUC %.4f, scikit-learn's %.4f", lf.Metrics.AUC, want)
	}
}

// One scoring pass of the churn job gives, for each row, the chosen model's probability, class
// and reason and the other model's probability, exactly as each model's own pass does; without
// words (the drift's pass over the training rows) no reasons are written.
func TestChurnScoreBothModels(t *testing.T) {
	ctx, conn := context.Background(), telcoConn(t)
	fit, err := TrainTree(ctx, conn, TreeSpec{Table: "telco", Label: "Churn", MaxCategories: 32,
		Options: cart.Options{Criterion: "gini", MaxDepth: 5, MinLeaf: 1}, TestFraction: 0.3, Seed: 42, Threshold: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	lf, err := fit.TrainLogit(ctx, 1.0, 1000, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	type scored struct {
		p, other          sql.NullFloat64
		predicted, reason string
	}
	read := func() map[int64]scored {
		rows, err := conn.QueryContext(ctx, "SELECT input_row, probability, probability_other, predicted, reason FROM "+Temp.TreeScores)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[int64]scored{}
		for rows.Next() {
			var id int64
			var s scored
			if err := rows.Scan(&id, &s.p, &s.other, &s.predicted, &s.reason); err != nil {
				t.Fatal(err)
			}
			out[id] = s
		}
		return out
	}
	if _, err := fit.Score(ctx, conn, "telco", nil); err != nil {
		t.Fatal(err)
	}
	tree := read()
	if _, err := fit.ScoreLogit(ctx, conn, lf, "telco", nil); err != nil {
		t.Fatal(err)
	}
	logit := read()
	for _, chosen := range []string{"tree", "logistic"} {
		cf := &ChurnFit{TreeFit: fit, Logit: lf, Chosen: chosen}
		own, other := tree, logit
		if chosen == "logistic" {
			own, other = logit, tree
		}
		n, err := cf.score(ctx, conn, "telco", map[string]string{}, true)
		if err != nil {
			t.Fatal(err)
		}
		both := read()
		if n != len(own) || len(both) != len(own) || n < 7000 {
			t.Fatalf("%s: scored %d rows, read %d, want %d", chosen, n, len(both), len(own))
		}
		for id, s := range both {
			o := own[id]
			if s.p != o.p || s.predicted != o.predicted || s.reason != o.reason || s.reason == "" || o.other.Valid {
				t.Fatalf("%s: row %d: %+v, its own pass %+v", chosen, id, s, o)
			}
			if s.other != other[id].p {
				t.Fatalf("%s: row %d: other probability %v, the other model's pass %v", chosen, id, s.other, other[id].p)
			}
		}
		if _, err := cf.score(ctx, conn, "telco", nil, false); err != nil {
			t.Fatal(err)
		}
		for id, s := range read() {
			if s.p != own[id].p || s.reason != "" || s.other.Valid {
				t.Fatalf("%s without words: row %d: %+v", chosen, id, s)
			}
		}
	}
}
