"""Runs the benchmark programs at each thread count and turns their Google
Benchmark JSON into profile.json (schema: docs/profile.md)."""
import json
import os
import re
import subprocess
import time

import stages as S
import topology


def thread_list(cores, arg):
    if arg:
        try:
            ts = sorted({int(t) for t in arg.split(",") if t.strip()})
        except ValueError:
            ts = []
        if not ts or ts[0] < 1:
            raise SystemExit(f"scripts/profile: --threads {arg}: expected positive integers, e.g. 1,2,4")
        return ts
    ts, t = [], 1
    while t < cores:
        ts.append(t)
        t *= 2
    return ts + [cores]


def binding_env(bind):
    """The OpenMP binding the run uses: the caller's OMP_PROC_BIND/OMP_PLACES
    when set, else close on cores (--bind none: unbound)."""
    env = {}
    if bind == "none":
        return env, os.environ.get("OMP_PROC_BIND", ""), os.environ.get("OMP_PLACES", "")
    if not os.environ.get("OMP_PROC_BIND"):
        env["OMP_PROC_BIND"] = bind
    if not os.environ.get("OMP_PLACES"):
        env["OMP_PLACES"] = "cores"
    return env, env.get("OMP_PROC_BIND", os.environ.get("OMP_PROC_BIND", "")), \
        env.get("OMP_PLACES", os.environ.get("OMP_PLACES", ""))


def run_program(bench_dir, prog, filt, threads, knobs, raw_dir):
    out = os.path.join(raw_dir, f"{prog}.t{threads}.json")
    log = os.path.join(raw_dir, f"{prog}.t{threads}.log")
    env = dict(os.environ, FG_BENCH_THREADS=str(threads), **knobs["env"])
    env.pop("OMP_NUM_THREADS", None)
    cmd = [os.path.join(bench_dir, prog), f"--benchmark_filter={filt}", f"--benchmark_out={out}",
           "--benchmark_out_format=json"] + knobs["flags"]
    t0 = time.time()
    with open(log, "w") as lf:
        try:
            rc = subprocess.run(cmd, env=env, stdout=lf, stderr=subprocess.STDOUT).returncode
        except OSError as e:
            raise SystemExit(f"scripts/profile: cannot run {cmd[0]}: {e.strerror} (is the release preset built?)")
    print(f"  {prog} at {threads} thread(s): {time.time() - t0:.1f} s", flush=True)
    if rc != 0 or not os.path.exists(out):
        raise SystemExit(f"scripts/profile: {' '.join(cmd)} failed (status {rc}); see {log}")
    with open(out) as f:
        return json.load(f)


def runs_matching(benchmarks, pattern):
    rx = re.compile(pattern)
    return [b for b in benchmarks if rx.search(b["name"]) and b.get("run_type", "iteration") == "iteration"]


def best_rate(benchmarks, pattern, counter):
    vals = [b[counter] for b in runs_matching(benchmarks, pattern) if not b.get("error_occurred") and counter in b]
    return max(vals) / 1e9 if vals else None


def machine_roofs(raw, threads):
    """fma/bf16/int8 peaks and read bandwidth per thread count (keys are strings)."""
    m = {"fma_peak_gflops": {}, "read_bw_gbps": {}, "bf16_peak_gflops": {}, "bf16_dot_peak_gflops": {},
         "amx_bf16_peak_gflops": {}, "int8_peak_gops": {}}
    isas = set()
    for t in threads:
        core = raw[("bench_core", t)]["benchmarks"]
        for isa in ("sse2", "avx2", "avx512"):
            if best_rate(core, f"peak/fma/{isa}/allcores", "FLOPS"):
                isas.add(isa)
        m["fma_peak_gflops"][str(t)] = best_rate(core, "peak/fma/.*/allcores", "FLOPS")
        bf = best_rate(core, "peak/bf16_dot/.*/allcores", "FLOPS")
        amx = best_rate(core, "peak/bf16_amx/.*/allcores", "FLOPS")
        i8 = best_rate(core, "peak/int8_dot/.*/allcores", "OPS")
        if bf:
            m["bf16_dot_peak_gflops"][str(t)] = bf
            isas.add("avx512_bf16")
        if amx:
            m["amx_bf16_peak_gflops"][str(t)] = amx
            isas.add("amx_bf16")
        if bf or amx:  # the bf16 roof: the faster of the two (oneDNN uses AMX where it can)
            m["bf16_peak_gflops"][str(t)] = max(bf or 0, amx or 0)
        if i8:
            m["int8_peak_gops"][str(t)] = i8
            isas.add("avx512_vnni")
        graph = raw[("bench_graph", t)]["benchmarks"]
        bws = [b["GBps_best"] for b in runs_matching(graph, "memory/read/") if not b.get("error_occurred")]
        m["read_bw_gbps"][str(t)] = max(bws) if bws else None
    m["isas"] = [i for i in ("sse2", "avx2", "avx512", "avx512_bf16", "avx512_vnni", "amx_bf16") if i in isas]
    return m


def stage_entries(raw, threads, machine, batch):
    stages, absent = [], {}
    for name, prog, patterns, roof, parallel, measure in S.STAGES:
        for t in threads:
            benches = raw[(prog, t)]["benchmarks"]
            found, why = None, "no such benchmark case in this build"
            for p in patterns:
                rx = p.replace("{b}", str(batch))
                ok = [b for b in runs_matching(benches, rx) if not b.get("error_occurred")]
                bad = [b for b in runs_matching(benches, rx) if b.get("error_occurred")]
                if ok:
                    found = min(ok, key=S.seconds_of)
                    break
                if bad:
                    why = bad[0].get("error_message", "skipped")
            if not found:
                absent.setdefault(name, why)
                continue
            r = measure(found, batch)
            frac = None
            if roof == "fma":
                peak = machine.get(r["peak_key"], {}).get(str(t))
                frac = r["gflops"] / peak if peak else None
            elif roof == "bandwidth" and "bytes_per_s" in r:
                bw = machine["read_bw_gbps"].get(str(t))
                frac = r["bytes_per_s"] / 1e9 / bw if bw else None
            e = {"name": name, "threads": t, "seconds": r["seconds"], "throughput": r["throughput"],
                 "unit": r["unit"], "roof": roof if frac is not None else None, "fraction_of_roof": frac,
                 "parallel": parallel, "benchmark": found["name"]}
            for k in ("gflops", "intensity", "bytes_per_s"):
                if k in r:
                    e[k] = r[k]
            stages.append(e)
    return stages, [{"name": n, "reason": w} for n, w in absent.items()]


def vgg16_layers(raw, threads, batch, machine):
    t = max(threads)
    ok = [b for b in runs_matching(raw[("bench_vgg16", t)]["benchmarks"], f"nn/vgg16_fne/allcores/{batch}/")
          if not b.get("error_occurred")]
    for b in sorted(ok, key=lambda b: -b.get("GFLOPS", 0))[:1]:  # the best repetition
        layers = {k[:-7]: v for k, v in sorted(b.items())
                  if k.endswith("_GFLOPS") and k not in ("peak_GFLOPS",) and isinstance(v, (int, float))}
        return {"threads": t, "batch": batch, "gflops": layers, "whole_gflops": b.get("GFLOPS"),
                "fma_peak_gflops": machine["fma_peak_gflops"].get(str(t))}
    return None


def collect(bench_dir, topo, threads, quick, scale, bind, raw_dir):
    batch = 1 if quick or scale < 1 else 8
    env, proc_bind, places = binding_env(bind)
    flags = ["--benchmark_min_time=0.05"] if quick else ["--benchmark_repetitions=3"]
    env_knobs = dict(env)
    if quick:
        env_knobs["FG_BENCH_MAX_ITERATIONS"] = "1" if scale < 1 else "2"
    if scale < 1:
        env_knobs["FG_BENCH_SCALE"] = str(scale)
        flags = ["--benchmark_min_time=0.01"]
    if scale >= 1:
        env_knobs["FG_BENCH_READ_MIB"] = str(topology.read_buffer_mib(topo))
    knobs = {"env": env_knobs, "flags": flags}
    raw = {}
    t0 = time.time()
    isa = None
    for t in threads:
        print(f"scripts/profile: {t} thread(s)", flush=True)
        for prog in S.PROGRAMS:  # bench_core first: its context names the kernels' ISA
            raw[(prog, t)] = run_program(bench_dir, prog, S.program_filter(prog, batch, isa or "scalar"), t, knobs,
                                         raw_dir)
            if isa is None:
                isa = "avx512" if raw[(prog, t)].get("context", {}).get("kernels_isa") == "avx512" else "scalar"
    machine = {"cpu": topo["cpu"], "cores": topo["cores"], "numa_nodes": topo["numa_nodes"],
               "pus": topo["pus"], "packages": topo["packages"], "cache_bytes": topo["cache_bytes"],
               "memory_bytes": topo["memory_bytes"]}
    machine.update(machine_roofs(raw, threads))
    ctx = raw[("bench_core", threads[0])].get("context", {})
    machine["binding"] = {"OMP_PROC_BIND": proc_bind or "(unset)", "OMP_PLACES": places or "(unset)",
                          "bound": bool(proc_bind) and proc_bind not in ("false",)}
    stages, absent = stage_entries(raw, threads, machine, batch)
    return {"machine": machine, "stages": stages, "absent_stages": absent,
            "vgg16_layers": vgg16_layers(raw, threads, batch, machine),
            "run": {"threads": threads, "quick": quick, "scale": scale, "batch": batch,
                    "seconds": round(time.time() - t0, 1), "fnegraph_version": ctx.get("fnegraph_version", ""),
                    "onednn_isa": ctx.get("onednn_isa", ""), "kernels_isa": ctx.get("kernels_isa", ""),
                    "benchmark_flags": flags, "env": env_knobs}}
