"""scaling.png, roofline.png and vgg16_layers.png from profile.json (matplotlib, Agg)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import report  # noqa: E402


def scaling(profile, path):
    stages = report.by_stage(profile)
    fig, ax = plt.subplots(figsize=(8, 5.5))
    tmax = 1
    colors = plt.get_cmap("tab20").colors
    for i, (name, rows) in enumerate(stages.items()):
        if len(rows) < 2:
            continue
        eff = report.efficiency(rows)
        ts = [r["threads"] for r in rows]
        tmax = max(tmax, ts[-1])
        ax.plot(ts, [eff[t][0] for t in ts], marker="os^vD<>"[i % 7], color=colors[i % len(colors)],
                ls="-" if rows[-1].get("parallel", True) else ":",
                label=name + ("" if rows[-1].get("parallel", True) else " (sequential)"))
    t0 = min(s["threads"] for s in profile["stages"])
    ax.plot([t0, tmax], [1, tmax / t0], "k--", label="ideal")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xlabel("threads")
    ax.set_ylabel(f"speed-up over {t0} thread(s)")
    ax.set_title(f"Scaling of each stage: {profile['machine']['cpu']}, {profile['machine']['cores']} cores")
    ax.legend(fontsize=7, ncol=2)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def roofline(profile, path):
    m = profile["machine"]
    top = max(s["threads"] for s in profile["stages"])
    peak = m["fma_peak_gflops"].get(str(top))
    bw = m["read_bw_gbps"].get(str(top))
    fig, ax = plt.subplots(figsize=(8, 5.5))
    pts = [s for s in profile["stages"] if s["threads"] == top and "intensity" in s and s.get("gflops")]
    xs = [s["intensity"] for s in pts] or [1]
    lo, hi = min(min(xs) / 4, 0.05), max(max(xs) * 4, 1000)
    if peak and bw:
        ridge = peak / bw
        ax.plot([lo, ridge, hi], [lo * bw, peak, peak], "k-", label=f"f32 FMA {peak:.0f} GFLOP/s, read {bw:.1f} GB/s")
    bf = m.get("bf16_peak_gflops", {}).get(str(top))
    if bf and bw:
        ax.plot([lo, bf / bw, hi], [lo * bw, bf, bf], "k:", label=f"bf16 peak {bf:.0f} GFLOP/s (vgg16_bf16's roof)")
    for s in pts:
        ax.plot(s["intensity"], s["gflops"], "o")
        ax.annotate(s["name"], (s["intensity"], s["gflops"]), fontsize=8, xytext=(4, 4), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("arithmetic intensity (flop per byte of least traffic; docs/profile.md)")
    ax.set_ylabel("GFLOP/s")
    ax.set_title(f"Roofline at {top} thread(s): {m['cpu']}")
    others = sorted({s["name"] for s in profile["stages"] if "intensity" not in s})
    if others:
        ax.text(0.01, 0.01, "no floating-point work, not plotted: " + ", ".join(others), transform=ax.transAxes,
                fontsize=7, va="bottom")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def vgg16_layers(profile, path):
    v = profile.get("vgg16_layers")
    fig, ax = plt.subplots(figsize=(9, 5))
    if v and v.get("gflops"):
        names = list(v["gflops"])
        ax.bar(range(len(names)), [v["gflops"][n] for n in names])
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names, rotation=60, fontsize=8)
        if v.get("fma_peak_gflops"):
            ax.axhline(v["fma_peak_gflops"], color="k", ls="--", label=f"f32 FMA peak {v['fma_peak_gflops']:.0f} GFLOP/s")
            ax.legend(fontsize=8)
        ax.set_title(f"VGG16 f32 direct, per layer: batch {v['batch']}, {v['threads']} thread(s), {profile['machine']['cpu']}")
    else:
        ax.text(0.5, 0.5, "no per-layer measurement in this profile", ha="center")
    ax.set_ylabel("GFLOP/s")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_all(profile, outdir):
    scaling(profile, f"{outdir}/scaling.png")
    roofline(profile, f"{outdir}/roofline.png")
    vgg16_layers(profile, f"{outdir}/vgg16_layers.png")
