#!/usr/bin/python3
"""Check fnegraph's k-means against scikit-learn's KMeans (tests/test_kmeans_sklearn.c).

Usage: kmeans_sklearn.py DIR. DIR/cases.json lists the cases the C test wrote:
name, n, d, k, max_iter, tol and, as raw little-endian files in DIR, the
points x (float32 [n][d]), the initial centres init (float32 [k][d]) and
fnegraph's labels (int32 [n]); plus its inertia and iterations. Each case is
fitted with KMeans(n_clusters=k, init=init, n_init=1, algorithm="lloyd",
max_iter, tol) on x in float64 (the reference's own rounding kept small) and
must give the same labelling and the inertia to 1e-4 relative. Prints one
line a case; exit 0 when all agree, 1 otherwise.
"""
import json
import os
import sys

import numpy as np
from sklearn.cluster import KMeans


def main():
    d = sys.argv[1]
    cases = json.load(open(os.path.join(d, "cases.json")))
    bad = 0
    for c in cases:
        n, dim, k = c["n"], c["d"], c["k"]
        x = np.fromfile(os.path.join(d, c["name"] + ".x"), dtype="<f4").reshape(n, dim).astype(np.float64)
        init = np.fromfile(os.path.join(d, c["name"] + ".init"), dtype="<f4").reshape(k, dim).astype(np.float64)
        ours = np.fromfile(os.path.join(d, c["name"] + ".labels"), dtype="<i4")
        km = KMeans(n_clusters=k, init=init, n_init=1, algorithm="lloyd", max_iter=c["max_iter"],
                    tol=c["tol"]).fit(x)
        same = np.array_equal(km.labels_, ours)
        rel = abs(km.inertia_ - c["inertia"]) / max(km.inertia_, 1e-300)
        ok = same and rel <= 1e-4
        print("%s %-28s n %d d %d k %d: labels %s (%d differ), inertia %.10g vs sklearn %.10g (rel %.2e), "
              "iterations %d vs %d" % ("ok  " if ok else "FAIL", c["name"], n, dim, k,
                                       "same" if same else "differ", int((km.labels_ != ours).sum()),
                                       c["inertia"], km.inertia_, rel, c["iterations"], km.n_iter_))
        bad += not ok
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
