"""Reference side of bench/kmeans: scikit-learn's make_blobs data and KMeans fit.

  reference.py generate FILE N STD   writes make_blobs(N, 8 features, 8 centres, cluster_std=STD,
                                     random_state=0) as raw little-endian float64, row-major
  reference.py fit FILE N REPEAT     fits KMeans(k=8, k-means++, n_init=1, max_iter=100,
                                     algorithm="lloyd") and prints name=value lines; the time is
                                     the median fit time, reading excluded
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
    repeat = int(sys.argv[4])
    times, model = [], None
    for r in range(repeat):
        model = KMeans(n_clusters=8, init="k-means++", n_init=1, max_iter=100, algorithm="lloyd", random_state=r)
        t0 = time.perf_counter()
        model.fit(x)
        times.append(time.perf_counter() - t0)
    print(f"ref_inertia={model.inertia_:.6f}")
    print(f"ref_iterations={model.n_iter_}")
    print(f"ref_fit_seconds={sorted(times)[len(times) // 2]:.4f}")


if __name__ == "__main__":
    main()
