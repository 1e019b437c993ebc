package mining

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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
