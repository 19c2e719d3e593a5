#!/usr/bin/python3
"""The MPI sweep against the serial one on this machine (issue 14's measurement).

  bench/bench_mpi.py [--exe build/release/experiments/fnegraph] [--reps 3]
                     [--images 384,128] [--out results/bench/bench_mpi.json] [--keep DIR]

Two synthetic datasets (`fnegraph demo-data`, JPEGs) and generated VGG16 weights
(`fnegraph gen-weights`: random, so the scores mean nothing; only the times do)
in a temporary folder. Each repetition runs, alternating the modes:
  extraction phase: a sweep from no FNE cache, with a one-task-a-dataset grid;
      its time is the span of the extraction units on the sweep's --timeline
      (serial: the whole extractions; MPI: the shards and merges);
  graph phase: the same sweep as experiments/configs/sweep.ini's grid
      (4 threshold pairs x 3 k x 3 community counts x 5 seeds) on the caches
      made by the serial mode, results removed first; its time is the span of
      the graph work (loads, codes, ff edges, graph tasks) on the timeline;
in two modes: `serial_1x2` (one process, 2 threads) and `mpi_2x1`
(`mpirun -n 2 --bind-to core`, OMP_NUM_THREADS=1: ranks x threads = cores).
The ratio serial/MPI per phase is the MPI sweep's efficiency (issue target
>= 0.9); rank 0's coordination CPU (its main thread) against the job's wall
time is the coordinator's cost (target < 2 %). Once, a serial one-thread
graph phase gives the per-unit costs of a one-thread rank for the scaling
model (bench/scaling_model.py -> results/scaling.md).
Writes Google-Benchmark-style JSON: "context", "benchmarks" (name, real_time
in seconds, counters), plus "units": the per-unit costs the model reads.
Measure on a quiet machine: nothing else running.
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import h5py

GRID = {  # experiments/configs/sweep.ini's grid
    "thresholds": "-1.5:1.5, -2:2, -2.5:2.5, -0.25:0.15",
    "k": "1, 1.5, 2",
    "communities": "classes, 2*classes, 4*classes",
    "seeds": "1-5",
}
SMALL = {"thresholds": "-2:2", "k": "1.5", "communities": "classes", "seeds": "1"}
EXTRACT_KINDS = ("extract", "shard", "merge")
GRAPH_KINDS = ("load", "codes", "ff", "graph")


def run(cmd, cwd, env=None, log=None):
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.monotonic() - t0
    if log:
        with open(log, "a") as f:
            f.write("$ " + " ".join(cmd) + "\n" + p.stdout)
    if p.returncode != 0:
        sys.exit("bench_mpi: %s failed (exit %d):\n%s" % (" ".join(cmd), p.returncode, p.stdout[-3000:]))
    return wall, p.stdout


def write_config(path, grid, sizes):
    with open(path, "w") as f:
        f.write("[sweep]\nweights = w.h5\nout = out/r.h5\nvariant = paper\nthreads = 0\nbatch = 8\n")
        for k, v in grid.items():
            f.write("%s = %s\n" % (k, v))
        for i, _ in enumerate(sizes):
            f.write("\n[dataset d%d]\nkind = folder\nroot = imgs%d\nfne = cache/d%d_fne.h5\n" % (i, i, i))


def span(tl, kinds):
    u = [x for x in tl["units"] if x["kind"] in kinds]
    if not u:
        return 0.0
    return max(x["end"] for x in u) - min(x["start"] for x in u)


def sweep(mode, exe, d, cfg, tl, log, threads=2):
    env = dict(os.environ, FNEGRAPH_QUIET="1")
    base = [exe, "sweep", "--config", cfg, "--timeline", tl]
    if mode == "serial":
        cmd = base + ["--set", "sweep.threads=%d" % threads]
    else:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMP_NUM_THREADS="1")
        cmd = ["mpirun", "-n", "2", "--bind-to", "core", "--map-by", "core", "-x", "OMP_NUM_THREADS",
               "-x", "FNEGRAPH_QUIET"] + base
    wall, out = run(cmd, d, env, log)
    with open(os.path.join(d, tl)) as f:
        return wall, json.load(f), out


def handout_gaps(tl):
    """Seconds between a rank's unit ending and its next starting (the request and the answer)."""
    gaps = []
    for r in range(tl["ranks"]):
        u = sorted((x for x in tl["units"] if x["rank"] == r), key=lambda x: x["start"])
        gaps += [b["start"] - a["end"] for a, b in zip(u, u[1:])]
    return gaps


def rows(path):
    """graph rows' seconds_graph and runs' fluidc+score seconds by (dataset, lo, hi, k)."""
    g, r = {}, {}
    with h5py.File(path, "r") as f:
        for x in f["graphs"][:]:
            key = (x["dataset"].decode(), float(x["lo"]), float(x["hi"]), float(x["k"]))
            g[key] = {"seconds_graph": float(x["seconds_graph"]), "n_edges": int(x["n_edges"]),
                      "n_images": int(x["n_images"])}
        for x in f["runs"][:]:
            key = (x["dataset"].decode(), float(x["lo"]), float(x["hi"]), float(x["k"]))
            r.setdefault(key, []).append(float(x["seconds_fluidc"]) + float(x["seconds_score"]))
    return g, r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--exe", default="build/release/experiments/fnegraph")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--images", default="384,128", help="images of the two datasets (multiples of 64)")
    ap.add_argument("--out", default="results/bench/bench_mpi.json")
    ap.add_argument("--keep", help="work in this folder and keep it")
    a = ap.parse_args()
    exe = os.path.abspath(a.exe)
    if not shutil.which("mpirun"):
        sys.exit("bench_mpi: no mpirun (Debian openmpi-bin)")
    sizes = [int(x) for x in a.images.split(",")]
    d = os.path.abspath(a.keep) if a.keep else tempfile.mkdtemp(prefix="fg_bench_mpi_")
    os.makedirs(d, exist_ok=True)
    log = os.path.join(d, "bench.log")
    print("bench_mpi: working in %s (log %s)" % (d, log), file=sys.stderr)
    run([exe, "gen-weights", "--out", "w.h5", "--seed", "3", "--no-fc8"], d, log=log)
    for i, n in enumerate(sizes):
        classes = 6 if n >= 256 else 4
        run([exe, "demo-data", "--out", "imgs%d" % i, "--classes", str(classes), "--per-class",
             str(n // classes), "--seed", str(2 + i)], d, log=log)
    write_config(os.path.join(d, "e.ini"), SMALL, sizes)
    write_config(os.path.join(d, "g.ini"), GRID, sizes)
    res = {m: {"extract": [], "graph": [], "extract_wall": [], "graph_wall": [], "coord": []}
           for m in ("serial", "mpi")}
    last = {}  # phase -> the MPI timeline of its last run

    def phase(m, rep, name, ini, tl_name, kinds):
        wall, tl, _ = sweep(m, exe, d, ini, tl_name, log)
        res[m][name].append(span(tl, kinds))
        res[m][name + "_wall"].append(wall)
        if m == "mpi":
            res[m]["coord"].append((tl["coordinator_cpu_seconds"], tl["wall_seconds"], tl["coordinator_messages"]))
            last[name] = tl
        print("rep %d %s %s %.1f s" % (rep, m, name, res[m][name][-1]), file=sys.stderr)

    for rep in range(a.reps):
        order = ("serial", "mpi") if rep % 2 == 0 else ("mpi", "serial")
        for m in order:
            for x in ("cache", "out"):
                shutil.rmtree(os.path.join(d, x), ignore_errors=True)
            phase(m, rep, "extract", "e.ini", "tl_e.json", EXTRACT_KINDS)
        # the graph phase of both modes on the same caches (those the last mode made)
        for m in order:
            shutil.rmtree(os.path.join(d, "out"), ignore_errors=True)
            phase(m, rep, "graph", "g.ini", "tl_g_%s.json" % m, GRAPH_KINDS)
    mpi_e, mpi_tl = last["extract"], last["graph"]
    # one thread, one process: the units as a one-thread rank runs them
    shutil.rmtree(os.path.join(d, "out"), ignore_errors=True)
    _, tl1, _ = sweep("serial", exe, d, "g.ini", "tl_g_1.json", log, threads=1)
    g1, r1 = rows(os.path.join(d, "out", "r.h5"))

    med = statistics.median
    bm = []
    for phase in ("extract", "graph"):
        s, p = med(res["serial"][phase]), med(res["mpi"][phase])
        name = "extraction" if phase == "extract" else "graph"
        bm.append({"name": "sweep/%s/serial_1x2" % name, "real_time": s, "time_unit": "s",
                   "iterations": a.reps, "wall_s": med(res["serial"][phase + "_wall"]),
                   "samples": res["serial"][phase]})
        bm.append({"name": "sweep/%s/mpi_2x1" % name, "real_time": p, "time_unit": "s",
                   "iterations": a.reps, "wall_s": med(res["mpi"][phase + "_wall"]),
                   "samples": res["mpi"][phase], "serial_over_mpi": s / p})
    cpu = sum(x[0] for x in res["mpi"]["coord"])
    wall = sum(x[1] for x in res["mpi"]["coord"])
    bm.append({"name": "sweep/coordinator", "real_time": cpu, "time_unit": "s", "iterations": len(res["mpi"]["coord"]),
               "job_wall_s": wall, "fraction_of_a_core": cpu / wall, "fraction_of_job": cpu / (2 * wall),
               "graph_phase_messages": mpi_tl["coordinator_messages"]})

    # per-unit costs for the model (bench/scaling_model.py)
    shards = [x for x in mpi_e["units"] if x["kind"] == "shard"]
    merges = [x for x in mpi_e["units"] if x["kind"] == "merge"]
    by_rank = {}
    for x in sorted(shards, key=lambda x: x["start"]):
        by_rank.setdefault(x["rank"], []).append(x)
    later = [x for v in by_rank.values() for x in v[1:]]
    per_img = med([(x["end"] - x["start"]) / x["images"] for x in (later or shards)])
    first = [v[0]["end"] - v[0]["start"] - per_img * v[0]["images"] for v in by_rank.values()]
    tasks = []
    for key, gr in sorted(g1.items()):
        rr = r1.get(key, [])
        tasks.append({"dataset": key[0], "lo": key[1], "hi": key[2], "k": key[3], "n_images": gr["n_images"],
                      "n_edges": gr["n_edges"], "seconds_graph": gr["seconds_graph"],
                      "runs": len(rr), "seconds_per_run": med(rr) if rr else 0.0})
    loads = [x for x in tl1["units"] if x["kind"] == "load"]
    ffs = [x for x in tl1["units"] if x["kind"] == "ff"]
    units = {
        "threads": 1,
        "extract_seconds_per_image": per_img,
        "rank_start_seconds": max(0.0, med(first)) if first else 0.0,
        "merge_seconds_per_image": med([(x["end"] - x["start"]) / x["images"] for x in merges]) if merges else None,
        "load_seconds_per_image": med([(x["end"] - x["start"]) / x["images"] for x in loads]),
        "ff_seconds": {str(x["k"]): x["end"] - x["start"] for x in ffs},
        "graph_tasks": tasks,
        "coordinator_runs": [{"cpu_seconds": c, "wall_seconds": w, "messages": m} for c, w, m in res["mpi"]["coord"]],
        "handout_seconds": med(handout_gaps(mpi_tl) or [0.0]),
    }
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    cpu_model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    out = {"context": {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "host_name": socket.gethostname(),
                       "executable": "bench/bench_mpi.py", "num_cpus": os.cpu_count(), "cpu_model": cpu_model,
                       "fnegraph_commit": commit, "images": sizes, "grid": GRID,
                       "note": "generated weights and synthetic images: the times are real, the scores mean nothing"},
           "benchmarks": bm, "units": units}
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)
    for b in bm:
        extra = {k: v for k, v in b.items() if k not in ("name", "real_time", "time_unit", "iterations", "samples")}
        print("%-32s %8.2f s  %s" % (b["name"], b["real_time"], extra))
    print("written %s" % a.out, file=sys.stderr)
    if not a.keep:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
