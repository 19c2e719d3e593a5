#!/usr/bin/python3
"""scikit-learn's KMeans on the data bench_kmeans.c hands it, timed: the peer of its k-means cases.

Usage: sklearn_kmeans.py X.f32 INIT.f32 N D K ITERS. X is float32 [N][D] and INIT float32 [K][D],
raw little-endian (the benchmark's standardized random FNE and its k-means++ centres). Fits
KMeans(n_clusters=K, init=INIT, n_init=1, algorithm="lloyd", max_iter=ITERS, tol=0) on X in
float32, with all cores (threadpoolctl's default), once, and prints one JSON object: the
fit's seconds, the iterations it ran, seconds per iteration, its inertia, and the versions.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans


def main():
    xp, ip = sys.argv[1], sys.argv[2]
    n, d, k, iters = (int(v) for v in sys.argv[3:7])
    x = np.fromfile(xp, dtype="<f4").reshape(n, d)
    init = np.fromfile(ip, dtype="<f4").reshape(k, d)
    best = None
    for _ in range(1):  # one fit: a flowers102-shaped fit takes tens of seconds here
        km = KMeans(n_clusters=k, init=init, n_init=1, algorithm="lloyd", max_iter=iters, tol=0.0)
        t0 = time.perf_counter()
        km.fit(x)
        s = time.perf_counter() - t0
        if best is None or s < best[0]:
            best = (s, int(km.n_iter_), float(km.inertia_))
    print(json.dumps({"seconds": best[0], "iterations": best[1], "seconds_per_iteration": best[0] / best[1],
                      "inertia": best[2], "sklearn": sklearn.__version__, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
