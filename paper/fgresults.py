"""Read fnegraph results files (HDF5: /graphs and /runs compound tables).

Used by make_table2.py and make_figures.py; needs only Debian's python3-h5py
and python3-numpy. Field names are those of `fnegraph cluster --json`,
flattened (nmi_geometric, ami_max, ...); see docs/formats.md.
"""
import math

import h5py
import numpy as np

NORMS = ("min", "geometric", "arithmetic", "max")

# Garcia-Gasulla et al. 2017, Table 2 (docs/method.md section 8)
PAPER = {
    "mit67": dict(images=6700, classes=67, V=30186, E=8396939, nmi=0.44, ami=0.36),
    "flowers102": dict(images=8189, classes=102, V=33010, E=9654464, nmi=0.54, ami=0.46),
    "textures": dict(images=5640, classes=47, V=30459, E=8561314, nmi=0.42, ami=0.37),
    "wood": dict(images=438, classes=7, V=25259, E=5610832, nmi=0.26, ami=0.20),
}


def _text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def _committed(f, name):
    """The rows of table `name` that count: those with a commit entry in
    `/<name>_check` (less a trailing 0 entry, a commit cut short); files from
    before the check tables: all rows but trailing empty ones (an append cut
    short between extending the table and writing the row)."""
    ds, check = f[name], f.get(name + "_check")
    if check is None:
        recs = ds[()]
        n = len(recs)
        while n and not _text(recs[n - 1]["dataset"]):
            n -= 1
        return recs[:n]
    n = min(len(check), len(ds))
    if n and check[n - 1] == 0:
        n -= 1
    return ds[:n]


def _rows(f, name):
    ds = f[name]
    names = ds.dtype.names
    out = []
    for rec in _committed(f, name):
        row = {}
        for n in names:
            v = rec[n]
            row[n] = _text(v) if ds.dtype[n].kind in "SOU" else v.item()
        if name == "runs" and "method" not in row:  # written before the k-means baselines: FluidC runs
            row.update(method="fluidc", inertia=math.nan, restarts=0, seconds_kmeans=0.0)
        out.append(row)
    return out


def read(path):
    """Return (graphs, runs, attrs): two lists of dicts and the root attributes."""
    with h5py.File(path, "r") as f:
        if "graphs" not in f or "runs" not in f:
            raise SystemExit(f"{path}: not an fnegraph results file (no /graphs or /runs)")
        attrs = {k: _text(v) for k, v in f.attrs.items()}
        return _rows(f, "graphs"), _rows(f, "runs"), attrs


RUN_KEY = ("dataset", "lo", "hi", "k", "communities", "variant", "method", "seed")

# the clustering methods of a run (docs/method.md section 9), in the order tables and figures use
METHODS = ("fluidc", "kmeans", "kmeans-ternary")


def only_method(runs, method="fluidc"):
    """The runs of one method (Table 2 and the parameter figures are FluidC's)."""
    return [r for r in runs if r.get("method", "fluidc") == method]


def read_many(paths):
    """Read several results files as one, as `fnegraph table` does: (graphs,
    runs). A run found in more than one file (same RUN_KEY) counts once; the
    same run with other NMI/AMI values is an error (files of different jobs)."""
    graphs, runs, seen, dups = [], [], {}, 0
    for path in paths:
        g, r, _ = read(path)
        graphs += g
        for row in r:
            key = tuple(row[k] for k in RUN_KEY)
            scores = tuple(row[f"{m}_{n}"] for m in ("nmi", "ami") for n in NORMS)
            if key in seen:
                if seen[key] != scores:
                    raise SystemExit(f"{path}: run {key} is also in an earlier file with other scores: "
                                     "results of different jobs (weights, data or config)?")
                dups += 1
                continue
            seen[key] = scores
            runs.append(row)
    if dups:
        print(f"{dups} run(s) found in more than one file, each counted once")
    return graphs, runs


def mean_sd(values):
    """Mean and sample standard deviation (n-1; 0 for one value), as `fnegraph table`."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return math.nan, math.nan
    return float(x.mean()), float(x.std(ddof=1)) if x.size > 1 else 0.0


SETTING = ("dataset", "lo", "hi", "k", "communities", "variant")


def group_runs(runs, keys=SETTING):
    """Group run rows by the given keys; returns {key tuple: [rows]} in first-seen order."""
    groups = {}
    for r in runs:
        groups.setdefault(tuple(r[k] for k in keys), []).append(r)
    return groups


def graph_for(graphs, run):
    for g in graphs:
        if (g["dataset"], g["lo"], g["hi"], g["k"]) == (run["dataset"], run["lo"], run["hi"], run["k"]):
            return g
    return None
