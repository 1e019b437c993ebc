"""Reference side of bench/tree: scikit-learn's DecisionTreeClassifier on the data the Go side wrote.

  reference.py auc FILE N D DEPTH...  FILE.x (N×D float64), FILE.y (N int32 labels), FILE.test
                                      (N uint8, 1 = held out): fits on the rest at each depth and
                                      prints "auc_DEPTH=..." on the held-out rows
  reference.py fit FILE N D DEPTH     fits on all N rows and prints "ref_fit_seconds=..."
"""
import sys
import time

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.tree import DecisionTreeClassifier


def main():
    mode, path, n, d = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    x = np.fromfile(path + ".x", dtype="<f8").reshape(n, d)
    y = np.fromfile(path + ".y", dtype="<i4")
    if mode == "auc":
        test = np.fromfile(path + ".test", dtype="u1").astype(bool)
        for depth in sys.argv[5:]:
            tree = DecisionTreeClassifier(criterion="gini", max_depth=int(depth), random_state=0)
            tree.fit(x[~test], y[~test])
            p = tree.predict_proba(x[test])[:, 1]
            print(f"auc_{depth}={roc_auc_score(y[test], p):.6f}")
        return
    tree = DecisionTreeClassifier(criterion="gini", max_depth=int(sys.argv[5]), random_state=0)
    t0 = time.perf_counter()
    tree.fit(x, y)
    print(f"ref_fit_seconds={time.perf_counter() - t0:.4f}")
    print(f"ref_nodes={tree.tree_.node_count}")


if __name__ == "__main__":
    main()
