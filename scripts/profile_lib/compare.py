"""scripts/profile --compare DIR_A DIR_B: every stage side by side (A, B, B/A)
as Markdown on stdout; then, for the raw Google Benchmark JSONs both
directories keep (DIR/raw/), Google Benchmark's own compare.py
(Debian's libbenchmark-tools) on each pair."""
import json
import os
import subprocess

import report

COMPARE_PY = "/usr/share/benchmark/compare.py"


def load(d):
    p = os.path.join(d, "profile.json") if os.path.isdir(d) else d
    with open(p) as f:
        return json.load(f)


def table(a, b, name_a, name_b):
    ra, rb = report.by_stage(a), report.by_stage(b)
    ma, mb = a["machine"], b["machine"]
    out = [f"| stage | threads | unit | A: {name_a} | B: {name_b} | B/A |", "|---|---:|---|---:|---:|---:|"]

    def row(label, t, unit, va, vb):
        ratio = f"{vb / va:.3f}" if va and vb else "-"
        out.append(f"| {label} | {t} | {unit} | {report.fmt(va)} | {report.fmt(vb)} | {ratio} |")

    for key, label, unit in (("fma_peak_gflops", "roof: FMA peak f32", "GFLOP/s"),
                             ("read_bw_gbps", "roof: read bandwidth", "GB/s")):
        for t in sorted({int(k) for k in ma.get(key, {})} | {int(k) for k in mb.get(key, {})}):
            row(label, t, unit, ma[key].get(str(t)), mb[key].get(str(t)))
    names = [n for n in report.S.STAGE_NAMES if n in ra or n in rb]
    for n in names:
        ta = {r["threads"]: r for r in ra.get(n, [])}
        tb = {r["threads"]: r for r in rb.get(n, [])}
        for t in sorted(set(ta) | set(tb)):
            unit = (ta.get(t) or tb.get(t))["unit"]
            row(n, t, unit, ta.get(t, {}).get("throughput"), tb.get(t, {}).get("throughput"))
        if ta and tb:
            row(f"{n} (all cores)", f"{max(ta)}/{max(tb)}", unit, ta[max(ta)]["throughput"], tb[max(tb)]["throughput"])
    return "\n".join(out)


def differences(a, b):
    """Warnings for runs made differently: their numbers are not the same measurement."""
    ra, rb = a.get("run", {}), b.get("run", {})
    env = lambda r, k: r.get("env", {}).get(k, "unset")
    what = [("--quick", lambda r: "quick" if r.get("quick") else "full"),
            ("input scale", lambda r: r.get("scale")),
            ("VGG16 batch", lambda r: r.get("batch")),
            ("binding", lambda r: f"OMP_PROC_BIND={env(r, 'OMP_PROC_BIND')}, OMP_PLACES={env(r, 'OMP_PLACES')}")]
    out = [f"**Warning:** the runs differ in {label}: A {f(ra)}, B {f(rb)}." for label, f in what if f(ra) != f(rb)]
    return out + [""] if out else []


def raw_pairs(da, db):
    ra, rb = os.path.join(da, "raw"), os.path.join(db, "raw")
    if not (os.path.isdir(ra) and os.path.isdir(rb)):
        return []
    both = sorted(set(f for f in os.listdir(ra) if f.endswith(".json")) & set(os.listdir(rb)))
    return [(os.path.join(ra, f), os.path.join(rb, f)) for f in both]


def main(da, db):
    a, b = load(da), load(db)
    name = lambda p, d: f"{p['machine']['cpu']} {p['machine']['cores']}c ({os.path.basename(os.path.normpath(d))})"
    print(f"# Profile comparison\n\nA = {name(a, da)}, B = {name(b, db)}; throughput in each stage's unit "
          "(higher is faster), B/A > 1: B is faster.\n")
    for line in differences(a, b):
        print(line)
    print(table(a, b, name(a, da), name(b, db)))
    pairs = raw_pairs(da, db)
    if pairs and os.path.exists(COMPARE_PY):
        print("\n## Google Benchmark compare.py on the raw JSON (time: B vs A, negative is faster)\n")
        for fa, fb in pairs:
            r = subprocess.run(["/usr/bin/python3", COMPARE_PY, "--no-color", "benchmarks", fa, fb],
                               capture_output=True, text=True)
            print(f"### {os.path.basename(fa)}\n\n```\n{(r.stdout or r.stderr).rstrip()}\n```\n")
    elif pairs:
        print(f"\n({COMPARE_PY} is absent: install Debian's libbenchmark-tools for the per-case comparison)")
    return 0
