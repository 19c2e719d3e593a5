#!/usr/bin/python3
"""Time NetworkX's asyn_fluidc per sweep on a graph in fnegraph's edge-file format.

The peer of bench_community's FluidC cases: run the benchmark with
FG_BENCH_EDGES_DIR=DIR to write DIR/flowers102.h5 and DIR/wood.h5, then e.g.

    bench/networkx_fluidc.py DIR/flowers102.h5 --k 102

asyn_fluidc has no per-sweep hook, so this times whole calls with max_iter = 0
(one sweep: NetworkX stops once iter_count > max_iter) and max_iter = 1 (two
sweeps); the difference is one sweep (the first call also holds the
connectivity check and the seeding, but its one sweep meets mostly unassigned
vertices, so the two cannot be told apart). Needs Debian's python3-networkx and
python3-h5py. Prints one JSON object.
"""
import argparse
import json
import sys
import time

try:
    import h5py
    import networkx as nx
    from networkx.algorithms.community import asyn_fluidc
except ImportError as e:  # pragma: no cover
    sys.exit("networkx_fluidc.py needs python3-networkx and python3-h5py: %s" % e)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("edges", help="edge file (/edges [E][2], attribute n_vertices)")
    ap.add_argument("--k", type=int, required=True, help="number of communities")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    t0 = time.perf_counter()
    with h5py.File(args.edges, "r") as f:
        n = int(f.attrs["n_vertices"])
        e = f["edges"][:]
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(map(tuple, e.tolist()))
    t_load = time.perf_counter() - t0

    times = []
    for max_iter in (0, 1):
        t = time.perf_counter()
        asyn_fluidc(g, args.k, max_iter=max_iter, seed=args.seed)
        times.append(time.perf_counter() - t)
    per_sweep = times[1] - times[0]
    print(json.dumps({
        "edges_file": args.edges, "n_vertices": n, "n_edges": int(e.shape[0]), "k": args.k,
        "networkx_version": nx.__version__, "load_seconds": round(t_load, 3),
        "one_sweep_call_seconds": round(times[0], 3), "two_sweep_call_seconds": round(times[1], 3),
        "seconds_per_sweep": round(per_sweep, 3),
    }, indent=2))


if __name__ == "__main__":
    main()
