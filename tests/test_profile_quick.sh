#!/bin/bash
# scripts/profile end to end on tiny inputs (--quick --tiny: FG_BENCH_SCALE=0.02,
# one iteration a case) at 1 and 2 threads, against this build's benchmarks:
# profile.json must hold the schema with every stage measured or reported
# absent with a reason, and report.md and the three plots must be written.
set -u
src=${FG_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
bench="${FG_BINARY_DIR:-$src/build/release}/bench"
[ -x "$bench/bench_core" ] || { echo "SKIP: benchmarks not built in this configuration"; exit 77; }
[ "${FG_SANITIZE:-0}" = 1 ] && { echo "SKIP: a sanitizer build (timings mean nothing)"; exit 77; }
command -v lstopo-no-graphics >/dev/null || { echo "SKIP: hwloc (lstopo-no-graphics) not installed"; exit 77; }
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null || { echo "SKIP: no matplotlib for /usr/bin/python3"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
t0=$(date +%s)
FG_PROFILE_BENCH_DIR="$bench" bash "$src/scripts/profile" --quick --tiny --threads 1,2 --out "$tmp/out" \
  >"$tmp/log" 2>&1 || { cat "$tmp/log"; echo "FAIL: scripts/profile"; exit 1; }
echo "scripts/profile --quick --tiny: $(( $(date +%s) - t0 )) s"
fail=0
/usr/bin/python3 "$src/scripts/profile_lib/main.py" check "$tmp/out/profile.json" || { echo "FAIL: schema"; fail=1; }
for f in report.md scaling.png roofline.png vgg16_layers.png raw/bench_core.t1.json raw/bench_graph.t2.json; do
  [ -s "$tmp/out/$f" ] || { echo "FAIL: $f not written"; fail=1; }
done
/usr/bin/python3 - "$tmp/out/profile.json" <<'PY' || fail=1
import json, sys
p = json.load(open(sys.argv[1]))
m = p["machine"]
assert set(m["fma_peak_gflops"]) == {"1", "2"} and set(m["read_bw_gbps"]) == {"1", "2"}, m
got = {(s["name"], s["threads"]) for s in p["stages"]}
for s in p["stages"]:
    assert s["threads"] in (1, 2), s
for need in ("vgg16_f32", "standardize", "ternarize", "csr_build", "fluidc", "sweep_config"):
    assert (need, 1) in got and (need, 2) in got, (need, sorted(got))
# every case ran at the thread count asked (the benchmark JSON's context)
for t in (1, 2):
    ctx = json.load(open(sys.argv[1].replace("profile.json", f"raw/bench_graph.t{t}.json")))["context"]
    assert ctx["bench_threads"] == str(t) and ctx["omp_threads"] == str(t), ctx
    assert ctx["omp_max_active_levels"] == "1", ctx
print("ok:", len(p["stages"]), "stage rows,", len(p.get("absent_stages", [])), "absent")
PY
grep -q '^## Findings' "$tmp/out/report.md" || { echo "FAIL: report.md has no findings"; fail=1; }
exit $fail
