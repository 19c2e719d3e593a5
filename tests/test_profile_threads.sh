#!/bin/bash
# FG_BENCH_THREADS=T is honoured exactly (issue 15 item 3): OpenMP's team, the
# allcores cases' "threads" counter and oneDNN's own thread count (its verbose
# "nthr") are all T, nesting is off, and a malformed value is refused.
set -u
bench="${FG_BINARY_DIR:-$(cd "$(dirname "$0")/.." && pwd)/build/release}/bench"
[ -x "$bench/bench_vgg16" ] || { echo "SKIP: benchmarks not built in this configuration"; exit 77; }
[ -x /usr/bin/python3 ] || { echo "SKIP: no /usr/bin/python3"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
for t in 1 2 3; do
  FG_BENCH_THREADS=$t FG_BENCH_SCALE=0.02 FG_BENCH_MAX_ITERATIONS=1 "$bench/bench_core" \
    --benchmark_filter='peak/fma/sse2/allcores' --benchmark_min_time=0.01 --benchmark_out="$tmp/c$t.json" \
    --benchmark_out_format=json >/dev/null 2>&1 || { echo "FAIL: bench_core at $t"; fail=1; continue; }
  /usr/bin/python3 - "$tmp/c$t.json" "$t" <<'PY' || fail=1
import json, sys
d, t = json.load(open(sys.argv[1])), sys.argv[2]
c = d["context"]
assert c["bench_threads"] == t and c["omp_threads"] == t and c["omp_max_active_levels"] == "1", c
(b,) = d["benchmarks"]
assert b["threads"] == int(t), b  # the case's own counter (it replaces Google Benchmark's runner count)
PY
done
# oneDNN (OpenMP runtime) creates its primitives for T threads
for t in 1 2; do
  n=$(FG_BENCH_THREADS=$t FG_BENCH_SCALE=0.02 FG_BENCH_MAX_ITERATIONS=1 ONEDNN_VERBOSE=1 "$bench/bench_vgg16" \
      --benchmark_filter='nn/vgg16_fne/allcores/1/' 2>&1 | grep -m1 -o 'runtime:OpenMP,nthr:[0-9]*')
  [ "$n" = "runtime:OpenMP,nthr:$t" ] || { echo "FAIL: oneDNN at FG_BENCH_THREADS=$t says '$n'"; fail=1; }
done
if FG_BENCH_THREADS=two "$bench/bench_core" --benchmark_filter=NONE >/dev/null 2>"$tmp/err"; then
  echo "FAIL: FG_BENCH_THREADS=two accepted"; fail=1
elif ! grep -q 'knobs.c: FG_BENCH_THREADS="two": expected a whole number' "$tmp/err"; then
  cat "$tmp/err"; echo "FAIL: message for FG_BENCH_THREADS=two"; fail=1
fi
for bad in FG_BENCH_THREADS=2.5 FG_BENCH_THREADS=0 FG_BENCH_MAX_ITERATIONS=-1 FG_BENCH_SCALE=2; do
  env "$bad" "$bench/bench_core" --benchmark_filter=NONE >/dev/null 2>&1 && { echo "FAIL: $bad accepted"; fail=1; }
done
[ $fail = 0 ] && echo "ok: FG_BENCH_THREADS honoured by OpenMP, the cases and oneDNN"
exit $fail
