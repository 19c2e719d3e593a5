"""profile.json -> report.md: the machine and its roofs, a table per stage
(throughput, % of roof, parallel efficiency at each thread count) and a
paragraph of findings generated from the numbers."""
import stages as S


def fmt(v, digits=3):
    if v is None:
        return "-"
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1e9:
        return f"{v / 1e9:.{digits}g} G"
    if a >= 1e6:
        return f"{v / 1e6:.{digits}g} M"
    if a >= 1e4:
        return f"{v / 1e3:.{digits}g} k"
    return f"{v:.{digits}g}"


def pct(v):
    return "-" if v is None else f"{100 * v:.1f} %"


def by_stage(profile):
    out = {}
    for s in profile["stages"]:
        out.setdefault(s["name"], []).append(s)
    for v in out.values():
        v.sort(key=lambda s: s["threads"])
    return out


def efficiency(rows):
    """{threads: speed-up over the fewest threads, parallel efficiency}."""
    base = rows[0]
    return {r["threads"]: (r["throughput"] / base["throughput"],
                           r["throughput"] / base["throughput"] / (r["threads"] / base["threads"])) for r in rows}


def roof_name(r):
    if r["roof"] != "fma":
        return "read bandwidth"
    return "bf16 peak" if r["name"] == "vgg16_bf16" else "FMA peak"


def findings(profile, stages):
    top = max(s["threads"] for s in profile["stages"])
    roofed = [r for rows in stages.values() for r in rows if r["threads"] == top and r["fraction_of_roof"] is not None]
    parts = []
    if roofed:
        # Winograd's throughput is counted in the direct convolution's flops: it does fewer, so its
        # fraction is no distance from a limit and is left out of the nearest/furthest comparison
        real = [r for r in roofed if r["name"] not in S.DIRECT_COUNT] or roofed
        lo = min(real, key=lambda r: r["fraction_of_roof"])
        hi = max(real, key=lambda r: r["fraction_of_roof"])
        parts.append(f"At {top} thread(s) the stage furthest from its roof is {lo['name']}, at "
                     f"{pct(lo['fraction_of_roof'])} of the {roof_name(lo)}; "
                     f"the closest is {hi['name']} at {pct(hi['fraction_of_roof'])} of its {roof_name(hi)}.")
        above = sorted((r["name"] for r in roofed if r["fraction_of_roof"] > 1 and r["name"] not in S.DIRECT_COUNT))
        if above:
            parts.append(f"Above 100 % of their roof: {', '.join(above)} (a working set that fits in the caches "
                         "beats the memory roof; a roof measured on a busy machine is low).")
        wino = [r for r in roofed if r["name"] in S.DIRECT_COUNT and r["fraction_of_roof"] > 1]
        for r in wino:
            parts.append(f"{r['name']} runs at {pct(r['fraction_of_roof'])} of the {roof_name(r)} counted in the "
                         "direct convolution's flops: Winograd does fewer multiplications, so this is its speed-up "
                         "over a direct convolution at the peak, not a fraction of a limit.")
    par = [(n, rows) for n, rows in stages.items() if len(rows) > 1 and rows[-1].get("parallel", True)]
    if par:
        name, rows = min(par, key=lambda nr: efficiency(nr[1])[nr[1][-1]["threads"]][1])
        sp, eff = efficiency(rows)[rows[-1]["threads"]]
        parts.append(f"The worst scaling is {name}: {sp:.2f}x from {rows[0]['threads']} to {rows[-1]['threads']} "
                     f"threads ({pct(eff)} parallel efficiency).")
        best_name, best_rows = max(par, key=lambda nr: efficiency(nr[1])[nr[1][-1]["threads"]][1])
        bsp, beff = efficiency(best_rows)[best_rows[-1]["threads"]]
        parts.append(f"The best is {best_name}: {bsp:.2f}x ({pct(beff)}).")
    seq = sorted(n for n, rows in stages.items() if not rows[-1].get("parallel", True))
    if seq:
        parts.append(f"Sequential by design (one thread whatever the count): {', '.join(seq)}.")
    slow = [(n, rows[-1]) for n, rows in stages.items() if rows[-1]["threads"] == top]
    if slow:
        n, r = max(slow, key=lambda nr: nr[1]["seconds"])
        parts.append(f"The longest single benchmark unit at {top} thread(s) is {n} ({r['seconds']:.3g} s, "
                     f"{r['benchmark'] if 'benchmark' in r else 'its case'}).")
    v = profile.get("vgg16_layers") or {}
    if v.get("gflops") and v.get("fma_peak_gflops"):
        convs = {k: g for k, g in v["gflops"].items() if k.startswith("conv")} or v["gflops"]
        lo, hi = min(convs, key=convs.get), max(convs, key=convs.get)
        pk = v["fma_peak_gflops"]
        parts.append(f"Per VGG16 layer (f32 direct, batch {v['batch']}, {v['threads']} thread(s)) the slowest "
                     f"convolution is {lo} at {convs[lo]:.3g} GFLOP/s ({pct(convs[lo] / pk)} of the FMA peak), the "
                     f"fastest {hi} at {convs[hi]:.3g} ({pct(convs[hi] / pk)}).")
    return " ".join(parts) if parts else "No stage was measured."


def binding_lines(m):
    b = m.get("binding", {})
    lines = [f"Binding: OMP_PROC_BIND={b.get('OMP_PROC_BIND', '(unset)')}, OMP_PLACES={b.get('OMP_PLACES', '(unset)')}."]
    if m.get("numa_nodes", 1) > 1 and not b.get("bound", False):
        lines.append(f"**Warning:** this machine has {m['numa_nodes']} NUMA nodes and the run was not bound: "
                     "threads may migrate between nodes and read remote memory; rerun without --bind none "
                     "(or with OMP_PROC_BIND=close OMP_PLACES=cores).")
    return lines


def oversubscribed(profile):
    m = profile["machine"]
    top = max(s["threads"] for s in profile["stages"])
    if top > m["cores"]:
        return [f"**Warning:** {top} threads on {m['cores']} cores: the largest counts share cores "
                "(hardware threads or time slices), so their efficiency is not the cores' scaling."]
    return []


def render(profile):
    m = profile["machine"]
    stages = by_stage(profile)
    threads = sorted({s["threads"] for s in profile["stages"]})
    run = profile.get("run", {})
    out = [f"# Profile: {m['cpu']}, {m['cores']} cores", ""]
    out.append(f"{m['cores']} cores, {m.get('pus', m['cores'])} hardware threads, {m['numa_nodes']} NUMA node(s); "
               f"ISAs measured: {', '.join(m.get('isas', [])) or '-'}.")
    caches = m.get("cache_bytes", {})
    if caches:
        out.append("Caches: " + ", ".join(f"{k} {v // 1024} KiB" for k, v in sorted(caches.items())) + ".")
    out += binding_lines(m) + oversubscribed(profile)
    if run:
        out.append(f"Run: {'--quick' if run.get('quick') else 'full'}"
                   f"{', inputs scaled by ' + str(run['scale']) if run.get('scale', 1) < 1 else ''}, "
                   f"VGG16 batch {run.get('batch', '-')}, threads {','.join(map(str, run.get('threads', threads)))}.")
    out += ["", "## Roofs", "", "| threads | FMA peak f32 GFLOP/s | bf16 dot GFLOP/s | AMX bf16 GFLOP/s | int8 dot GOP/s | read GB/s |",
            "|---:|---:|---:|---:|---:|---:|"]
    for t in threads:
        k = str(t)
        out.append(f"| {t} | {fmt(m['fma_peak_gflops'].get(k))} | {fmt(m.get('bf16_dot_peak_gflops', {}).get(k))} | "
                   f"{fmt(m.get('amx_bf16_peak_gflops', {}).get(k))} | "
                   f"{fmt(m.get('int8_peak_gops', {}).get(k))} | {fmt(m['read_bw_gbps'].get(k))} |")
    out += ["", "## Stages", "",
            "Throughput in the stage's unit; % of roof against the roof at the same thread count; parallel "
            "efficiency = speed-up / (threads / fewest threads).", ""]
    for name in S.STAGE_NAMES:
        if name not in stages:
            continue
        rows = stages[name]
        eff = efficiency(rows)
        roof = rows[-1]["roof"]
        note = "" if rows[-1].get("parallel", True) else " (sequential)"
        out += [f"### {name}{note}", "",
                f"Benchmark `{rows[-1].get('benchmark', '?')}`, roof: {roof or 'none'}.", "",
                f"| threads | seconds | throughput ({rows[0]['unit']}) | % of roof | speed-up | efficiency |",
                "|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            sp, e = eff[r["threads"]]
            out.append(f"| {r['threads']} | {r['seconds']:.4g} | {fmt(r['throughput'])} | {pct(r['fraction_of_roof'])} | "
                       f"{sp:.2f} | {pct(e)} |")
        out.append("")
    absent = profile.get("absent_stages", [])
    if absent:
        out += ["## Not measured on this machine", ""]
        out += [f"- {a['name']}: {a['reason']}" for a in absent]
        out.append("")
    out += ["## Arithmetic intensity (roofline.png)", ""]
    out += [f"- {n}: {t}" for n, t in S.INTENSITY_NOTES.items() if n in stages]
    out += ["", "## Findings", "", findings(profile, stages), ""]
    return "\n".join(out)
