"""Reference side of bench/kmeans: scikit-learn's make_blobs data and KMeans fit.

  reference.py generate FILE N STD   writes make_blobs(N, 8 features, 8 centres, cluster_std=STD,
                                     random_state=0) as raw little-endian float64, row-major
  reference.py serve FILE N          reads the data once, then for each line "SEED" on stdin fits
                                     KMeans(k=8, k-means++, n_init=1, max_iter=100, tol=1e-4,
                                     algorithm="lloyd", random_state=SEED) and answers
                                     "INERTIA ITERATIONS SECONDS" (fit time only), so that the
                                     caller can interleave its own fits with these
"""
import sys
import time

import numpy as np


def main():
    cmd, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if cmd == "generate":
        from sklearn.datasets import make_blobs
        x, _ = make_blobs(n_samples=n, n_features=8, centers=8, cluster_std=float(sys.argv[4]), random_state=0)
        np.ascontiguousarray(x, dtype="<f8").tofile(path)
        return
    from sklearn.cluster import KMeans
    x = np.fromfile(path, dtype="<f8").reshape(n, 8)
    print("ready", flush=True)
    for line in sys.stdin:
        model = KMeans(n_clusters=8, init="k-means++", n_init=1, max_iter=100, tol=1e-4, algorithm="lloyd",
                       random_state=int(line))
        t0 = time.perf_counter()
        model.fit(x)
        print(f"{model.inertia_:.6f} {model.n_iter_} {time.perf_counter() - t0:.6f}", flush=True)


if __name__ == "__main__":
    main()
