#!/bin/bash
# A benchmark run writes Google Benchmark JSON that Google Benchmark's own
# compare.py (Debian: libbenchmark-tools) reads.
set -u
b="$FG_BINARY_DIR/bench/bench_core"
[ -x "$b" ] || { echo "SKIP: benchmarks not built in this configuration"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$b" --benchmark_filter='rng/' --benchmark_min_time=0.01 --benchmark_out="$tmp/a.json" \
  --benchmark_out_format=json >/dev/null || { echo "FAIL: bench_core"; exit 1; }
[ -x /usr/bin/python3 ] || { echo "SKIP: no /usr/bin/python3 to read the JSON"; exit 77; }
/usr/bin/python3 - "$tmp/a.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
names = [b["name"] for b in d["benchmarks"]]
assert "rng/xoshiro256ss/next" in names, names
assert d["context"]["kernels_isa"] in ("scalar", "avx2", "avx512"), d["context"]
for b in d["benchmarks"]:
    assert b["real_time"] > 0 and b["items_per_second"] > 0, b
print("ok: JSON has", len(names), "benchmarks")
PY
cmp=/usr/share/benchmark/compare.py
if [ -f "$cmp" ] && /usr/bin/python3 -c 'import scipy' 2>/dev/null; then
  /usr/bin/python3 "$cmp" benchmarks "$tmp/a.json" "$tmp/a.json" >"$tmp/cmp" 2>&1 ||
    { cat "$tmp/cmp"; echo "FAIL: compare.py cannot read the JSON"; exit 1; }
  grep -q "rng/xoshiro256ss/next" "$tmp/cmp" || { cat "$tmp/cmp"; echo "FAIL: compare.py output"; exit 1; }
  echo "ok: Google Benchmark's compare.py reads it"
else
  echo "note: compare.py (libbenchmark-tools, python3-scipy) not installed; JSON checked with python only"
fi
