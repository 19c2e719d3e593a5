#!/usr/bin/python3
"""Figures from fnegraph results files: NMI and AMI against the threshold,
k and the number of communities, with error bars over seeds.

Usage: paper/make_figures.py RESULTS.h5 [MORE.h5 ...] [--out-dir results/figures]
                             [--nmi geometric] [--ami max]

For each swept parameter (threshold hi with lo = -hi or the pair as given, k,
communities) that takes more than one value in the results, writes
OUT_DIR/nmi_ami_vs_<parameter>.png and .pdf: one line per dataset, the other
parameters held at their most common value; error bars are the sample sd
over seeds. These figures are FluidC's runs. When the results hold k-means runs too (sweep.methods,
docs/method.md section 9), also OUT_DIR/nmi_ami_by_method.png and .pdf: per dataset, a bar per
method (FluidC, k-means, k-means on the ternary codes) of NMI and of AMI, mean over the seeds with
sd error bars, at the dataset's most common setting (thresholds, k, communities).
Needs only Debian's python3-h5py, python3-numpy, python3-matplotlib.
"""
import argparse
import collections
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fgresults  # noqa: E402

PARAMS = {
    "threshold": (lambda r: (r["lo"], r["hi"]), "threshold (lo:hi)", lambda v: f"{v[0]:g}:{v[1]:g}"),
    "k": (lambda r: r["k"], "k (feature-feature sparsity)", lambda v: f"{v:g}"),
    "communities": (lambda r: r["communities"], "communities", lambda v: str(v)),
}


def most_common(values):
    return collections.Counter(values).most_common(1)[0][0]


def figure(runs, param, nmi, ami, out_dir):
    get, label, fmt = PARAMS[param]
    others = [p for p in PARAMS if p != param]
    datasets = sorted({r["dataset"] for r in runs})
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharex=False)
    drawn = False
    for ds in datasets:
        rs = [r for r in runs if r["dataset"] == ds]
        # hold the other parameters at their most common value for this dataset
        for o in others:
            keep = most_common([PARAMS[o][0](r) for r in rs])
            rs = [r for r in rs if PARAMS[o][0](r) == keep]
        # thresholds from narrow to wide (hi - lo), other parameters ascending
        order = (lambda v: (v[1] - v[0], v[0])) if param == "threshold" else None
        values = sorted({get(r) for r in rs}, key=order)
        if len(values) < 2:
            continue
        drawn = True
        for ax, metric in zip(axes, ("nmi_" + nmi, "ami_" + ami)):
            stats = [fgresults.mean_sd([r[metric] for r in rs if get(r) == v]) for v in values]
            xs = list(range(len(values))) if param == "threshold" else values
            ax.errorbar(xs, [s[0] for s in stats], yerr=[s[1] for s in stats], marker="o", capsize=3, label=ds)
            if param == "threshold":
                ax.set_xticks(xs, [fmt(v) for v in values])
    if not drawn:
        plt.close(fig)
        return []
    for ax, name in zip(axes, (f"NMI ({nmi})", f"AMI ({ami})")):
        ax.set_xlabel(label)
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    fig.suptitle(f"NMI and AMI against {label} (mean ± sd over seeds)")
    fig.tight_layout()
    written = []
    for ext in ("png", "pdf"):
        path = os.path.join(out_dir, f"nmi_ami_vs_{param}.{ext}")
        fig.savefig(path, dpi=150)
        written.append(path)
    plt.close(fig)
    return written


def by_method(runs, nmi, ami, out_dir):
    """Bars per method and dataset, at each dataset's most common setting."""
    methods = [m for m in fgresults.METHODS if any(r["method"] == m for r in runs)]
    if len(methods) < 2:
        return []
    datasets = sorted({r["dataset"] for r in runs})
    fig, axes = plt.subplots(1, 2, figsize=(max(9, 2.5 * len(datasets) + 3), 4))
    width = 0.8 / len(methods)
    for ax, metric, name in zip(axes, ("nmi_" + nmi, "ami_" + ami), (f"NMI ({nmi})", f"AMI ({ami})")):
        for j, m in enumerate(methods):
            means, sds = [], []
            for ds in datasets:
                rs = [r for r in runs if r["dataset"] == ds]
                fl = fgresults.only_method(rs) or rs  # the setting FluidC ran most (or any)
                keep = most_common([(r["lo"], r["hi"], r["k"], r["communities"]) for r in fl])
                vals = [r[metric] for r in rs
                        if r["method"] == m and (r["lo"], r["hi"], r["k"], r["communities"]) == keep]
                mu, sd = fgresults.mean_sd(vals)
                means.append(mu)
                sds.append(sd)
            xs = [i + (j - (len(methods) - 1) / 2) * width for i in range(len(datasets))]
            ax.bar(xs, means, width, yerr=sds, capsize=3, label=m)
        ax.set_xticks(range(len(datasets)), datasets)
        ax.set_ylabel(name)
        ax.grid(alpha=0.3, axis="y")
        ax.legend(fontsize="small")
    fig.suptitle("FluidC on the graph vs k-means on the embedding (mean ± sd over seeds)", fontsize="medium")
    fig.tight_layout()
    written = []
    for ext in ("png", "pdf"):
        path = os.path.join(out_dir, f"nmi_ami_by_method.{ext}")
        fig.savefig(path, dpi=150)
        written.append(path)
    plt.close(fig)
    return written


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", nargs="+", help="fnegraph results .h5 files")
    ap.add_argument("--out-dir", default="results/figures", help="output folder (default: results/figures)")
    ap.add_argument("--nmi", default="geometric", choices=fgresults.NORMS)
    ap.add_argument("--ami", default="max", choices=fgresults.NORMS)
    a = ap.parse_args()
    runs = fgresults.read_many(a.results)[1]
    if not runs:
        sys.exit("no runs in " + ", ".join(a.results))
    os.makedirs(a.out_dir, exist_ok=True)
    written = []
    for param in PARAMS:
        written += figure(fgresults.only_method(runs), param, a.nmi, a.ami, a.out_dir)
    written += by_method(runs, a.nmi, a.ami, a.out_dir)
    if not written:
        print("no parameter takes more than one value in these results: nothing to plot")
    for w in written:
        print("wrote", w)


if __name__ == "__main__":
    main()
