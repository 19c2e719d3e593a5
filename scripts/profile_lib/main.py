#!/usr/bin/python3
"""scripts/profile's driver (the bash front builds the release preset first).
  main.py measure --bench-dir DIR [--quick] [--tiny] [--threads 1,2,4] [--out DIR] [--bind close|spread|none]
  main.py report DIR          profile.json -> report.md and the plots
  main.py compare DIR_A DIR_B
  main.py check FILE          schema check (schema.py)"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import compare  # noqa: E402
import measure  # noqa: E402
import report  # noqa: E402
import schema  # noqa: E402
import topology  # noqa: E402


def write_report(outdir, profile, plots=True):
    with open(os.path.join(outdir, "report.md"), "w") as f:
        f.write(report.render(profile))
    if plots:
        import plots as P
        P.write_all(profile, outdir)


def cmd_measure(a, root):
    topo = topology.read()
    threads = measure.thread_list(topo["cores"], a.threads)
    outdir = a.out or os.path.join(root, "results", "profile", topology.slug(topo["cpu"], topo["cores"]))
    raw = os.path.join(outdir, "raw")
    os.makedirs(raw, exist_ok=True)
    t0 = time.time()
    print(f"scripts/profile: {topo['cpu']}, {topo['cores']} cores, {topo['numa_nodes']} NUMA node(s); "
          f"threads {','.join(map(str, threads))}; writing {outdir}", flush=True)
    p = measure.collect(a.bench_dir, topo, threads, a.quick or a.tiny, 0.02 if a.tiny else 1.0, a.bind, raw)
    errs = schema.check(p, require_stages=True)
    if errs:
        raise SystemExit("scripts/profile: the profile breaks its own schema: " + "; ".join(errs))
    with open(os.path.join(outdir, "profile.json"), "w") as f:
        json.dump(p, f, indent=1)
        f.write("\n")
    write_report(outdir, p)
    print(f"scripts/profile: {outdir}/profile.json, report.md, scaling.png, roofline.png, vgg16_layers.png "
          f"({time.time() - t0:.0f} s)")
    return 0


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(prog="scripts/profile")
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--bench-dir", required=True)
    m.add_argument("--quick", action="store_true")
    m.add_argument("--tiny", action="store_true", help="tests: inputs scaled by 0.02, one iteration")
    m.add_argument("--threads")
    m.add_argument("--out")
    m.add_argument("--bind", default="close", choices=["close", "spread", "none"])
    r = sub.add_parser("report")
    r.add_argument("dir")
    r.add_argument("--no-plots", action="store_true")
    c = sub.add_parser("compare")
    c.add_argument("a")
    c.add_argument("b")
    k = sub.add_parser("check")
    k.add_argument("file")
    a = ap.parse_args(argv)
    if a.cmd == "measure":
        return cmd_measure(a, root)
    if a.cmd == "report":
        with open(os.path.join(a.dir, "profile.json")) as f:
            write_report(a.dir, json.load(f), plots=not a.no_plots)
        return 0
    if a.cmd == "compare":
        return compare.main(a.a, a.b)
    return schema.main(["schema.py", a.file, "--stages"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
