#!/usr/bin/python3
"""Check a sweep's --timeline against the results file the same sweep wrote
from nothing: timeline_check.py T.json R.h5 --ranks N [--shards] [--serial]

- the header: format 1, ranks N, wall > 0, the coordinator's CPU (under
  mpirun with N > 1: 0 <= cpu <= wall, messages > 0; serial: null);
- every unit inside [0, wall], start <= end, ok, its rank in 0..N-1;
- the graph tasks with runs are exactly the results' graphs, each once, and
  their runs add up to the results' runs;
- each dataset extracted once whole, or (--shards) by shards that cover its
  images exactly once, then one merge;
- --serial: one load per dataset, each k's ff edges once.
Exits 1 naming the first fault."""
import argparse
import json
import sys

import h5py


def fail(msg):
    sys.exit("timeline_check: " + msg)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("timeline")
    ap.add_argument("results")
    ap.add_argument("--ranks", type=int, default=1)
    ap.add_argument("--shards", action="store_true")
    ap.add_argument("--serial", action="store_true")
    a = ap.parse_args()
    with open(a.timeline) as f:
        t = json.load(f)
    if t.get("fnegraph_timeline") != 1:
        fail("not a timeline of format 1")
    if t["ranks"] != a.ranks:
        fail("ranks %r, expected %d" % (t["ranks"], a.ranks))
    wall = t["wall_seconds"]
    if not wall > 0 or t["threads_per_rank"] < 1 or not t["hosts"]:
        fail("header %r" % {k: v for k, v in t.items() if k != "units"})
    cpu = t["coordinator_cpu_seconds"]
    if a.ranks > 1:
        if cpu is None or not 0 <= cpu <= wall or not t["coordinator_messages"] > 0:
            fail("coordinator cpu %r / messages %r over %g s" % (cpu, t["coordinator_messages"], wall))
    elif a.serial and cpu is not None:
        fail("a serial sweep has no coordinator, got %r" % cpu)
    units = t["units"]
    for u in units:
        if not (0 <= u["start"] <= u["end"] <= wall + 1e-3) or not u["ok"] or not 0 <= u["rank"] < a.ranks:
            fail("unit %r (wall %g)" % (u, wall))
    with h5py.File(a.results, "r") as f:
        graphs = {(x["dataset"].decode(), float(x["lo"]), float(x["hi"]), float(x["k"])) for x in f["graphs"][:]}
        n_runs = len(f["runs"])
    tasks = [(u["dataset"], u["lo"], u["hi"], u["k"]) for u in units if u["kind"] == "graph" and u["runs"] > 0]
    if len(tasks) != len(set(tasks)) or set(tasks) != graphs:
        fail("graph tasks %r, the results' graphs %r" % (sorted(tasks), sorted(graphs)))
    runs = sum(u["runs"] for u in units if u["kind"] == "graph")
    if runs != n_runs:
        fail("graph tasks hold %d runs, the results %d" % (runs, n_runs))
    datasets = {g[0] for g in graphs}
    for d in sorted(datasets):
        whole = [u for u in units if u["kind"] == "extract" and u["dataset"] == d]
        shards = sorted((u for u in units if u["kind"] == "shard" and u["dataset"] == d), key=lambda u: u["first"])
        merges = [u for u in units if u["kind"] == "merge" and u["dataset"] == d]
        if a.shards:
            n = merges[0]["images"] if len(merges) == 1 else -1
            pos = 0
            for s in shards:
                if s["first"] != pos:
                    fail("[%s] shard at %d, expected %d" % (d, s["first"], pos))
                pos += s["images"]
            if len(merges) != 1 or whole or pos != n or merges[0]["start"] < max(s["end"] for s in shards):
                fail("[%s] shards cover %d images, merges %r, whole %d" % (d, pos, merges, len(whole)))
        elif len(whole) != 1 or shards or merges:
            fail("[%s] %d whole extractions, %d shards, %d merges" % (d, len(whole), len(shards), len(merges)))
    if a.serial:
        loads = [u["dataset"] for u in units if u["kind"] == "load"]
        ks = [u["k"] for u in units if u["kind"] == "ff"]
        if sorted(loads) != sorted(datasets) or len(ks) != len(set(ks)) or set(ks) != {g[3] for g in graphs}:
            fail("loads %r, ff of k %r" % (loads, ks))
    print("timeline %s: %d units over %.1f s, %d rank%s, the results' %d graphs and %d runs" %
          (a.timeline, len(units), wall, a.ranks, "" if a.ranks == 1 else "s", len(graphs), n_runs))


if __name__ == "__main__":
    main()
