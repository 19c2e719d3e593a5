#!/bin/bash
# The sweep's k-means baselines (issue 16): methods = fluidc, kmeans,
# kmeans-ternary on a tiny dataset (demo-data, 12 images in 3 classes):
# every (lo, hi, k, communities, seed) gets a row per method; a kmeans run
# (no threshold) is the same under every cell, a kmeans-ternary run the same
# under every k of its thresholds, and each matches `fnegraph cluster
# --method` for that seed; FluidC rows have inertia NaN; a second sweep
# writes nothing; methods = kmeans alone builds no graph; the dry run says
# the methods; more clusters than images is reported, not run; today's config
# (no methods key) writes FluidC rows only.
set -u
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
exe=${FG_EXE:?FG_EXE not set}
if ! [ -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
  echo "SKIP: needs Debian's python3-h5py (/usr/bin/python3) to read the results file"; exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$exe" gen-weights --out "$tmp/w.h5" --seed 3 >/dev/null 2>&1 || { echo "FAIL: gen-weights"; exit 1; }
"$exe" demo-data --out "$tmp/imgs" --classes 3 --per-class 4 --seed 5 >/dev/null 2>&1 || { echo "FAIL: demo-data"; exit 1; }
cat >"$tmp/s.ini" <<EOF2
[sweep]
weights = w.h5
out = r.h5
thresholds = -2:2, -1:1
k = 1.5, 2
communities = classes, 5
seeds = 1-2
methods = fluidc, kmeans, kmeans-ternary
[dataset tiny]
kind = folder
root = imgs
fne = tiny_fne.h5
EOF2
"$exe" sweep --config "$tmp/s.ini" --dry-run >"$tmp/dry" 2>&1
check "the dry run counts 48 runs and names the methods" \
  'grep -q "48 runs (0 done)" "$tmp/dry" && grep -q "methods fluidc, kmeans, kmeans-ternary" "$tmp/dry"' || cat "$tmp/dry"
"$exe" sweep --config "$tmp/s.ini" >"$tmp/o" 2>&1; rc=$?
check "the sweep exits 0 and writes 48 runs and 4 graphs" '[ $rc = 0 ] && grep -q "48 runs written" "$tmp/o" && grep -q "4 graphs written" "$tmp/o"' || cat "$tmp/o"
check "the rows: per method 16, kmeans the same in every cell, kmeans-ternary the same for every k, FluidC inertia NaN" \
  '/usr/bin/python3 - "$tmp/r.h5" <<PY
import sys, math, h5py
r = h5py.File(sys.argv[1], "r")["runs"][()]
by = {}
for x in r:
    by.setdefault(x["method"].decode(), []).append(x)
assert sorted(by) == ["fluidc", "kmeans", "kmeans-ternary"] and all(len(v) == 16 for v in by.values()), \
    {m: len(v) for m, v in by.items()}
assert all(math.isnan(x["inertia"]) and x["restarts"] == 0 for x in by["fluidc"])
assert all(x["inertia"] > 0 and x["restarts"] == 1 and x["n_images_scored"] == 12 for x in by["kmeans"] + by["kmeans-ternary"])
def key(x, *f): return tuple(x[n] for n in f)
for m, cell in (("kmeans", ("communities", "seed")), ("kmeans-ternary", ("lo", "hi", "communities", "seed"))):
    g = {}
    for x in by[m]:
        g.setdefault(key(x, *cell), set()).add((x["inertia"], x["nmi_arithmetic"], x["ami_max"], x["sweeps"]))
    assert all(len(v) == 1 for v in g.values()), (m, g)
PY'
# one kmeans and one kmeans-ternary row against `fnegraph cluster --method`
"$exe" cluster --fne "$tmp/tiny_fne.h5" --method kmeans --communities 5 --seed 2 --json >"$tmp/c1.json" 2>/dev/null
"$exe" cluster --fne "$tmp/tiny_fne.h5" --method kmeans-ternary --lo -1 --hi 1 --communities 3 --seed 1 --json >"$tmp/c2.json" 2>/dev/null
check "a sweep row of each k-means method is cluster --method's run (inertia, NMI, iterations)" \
  '/usr/bin/python3 - "$tmp/r.h5" "$tmp/c1.json" "$tmp/c2.json" <<PY
import sys, json, h5py
r = h5py.File(sys.argv[1], "r")["runs"][()]
for path, m, lo, comm, seed in ((sys.argv[2], b"kmeans", -2, 5, 2), (sys.argv[3], b"kmeans-ternary", -1, 3, 1)):
    c = json.load(open(path))
    x = [x for x in r if x["method"] == m and x["lo"] == lo and x["communities"] == comm and x["seed"] == seed][0]
    assert x["inertia"] == c["inertia"] and x["nmi_arithmetic"] == c["nmi"]["arithmetic"], (x, c)
    assert x["sweeps"] == c["iterations"] and x["ami_max"] == c["ami"]["max"], (x, c)
PY'
"$exe" sweep --config "$tmp/s.ini" >"$tmp/o2" 2>&1
check "a second sweep writes nothing" 'grep -q "0 runs written (48 were already there)" "$tmp/o2"' || cat "$tmp/o2"
"$exe" table "$tmp/r.h5" >"$tmp/tab" 2>&1
check "the table puts the methods side by side" 'grep -q "NMI kmeans-ternary" "$tmp/tab" && grep -q "2/2/2" "$tmp/tab"'

"$exe" sweep --config "$tmp/s.ini" --out "$tmp/k.h5" --set sweep.methods=kmeans >"$tmp/o3" 2>&1; rc=$?
check "methods = kmeans: 16 runs, no graph built" \
  '[ $rc = 0 ] && grep -q "16 runs written" "$tmp/o3" && grep -q "0 graphs written" "$tmp/o3" && ! grep -q "feature-feature edges" "$tmp/o3"' || cat "$tmp/o3"

"$exe" sweep --config "$tmp/s.ini" --out "$tmp/i.h5" --set sweep.methods=kmeans --set sweep.communities=3,20 \
  >"$tmp/o6" 2>&1; rc=$?
check "more clusters than images: exit 1 (as FluidC's impossible runs), those reported, the others written" \
  '[ $rc = 1 ] && grep -q "8 runs written" "$tmp/o6" && grep -q "not possible: more clusters than the 12 images" "$tmp/o6"' || cat "$tmp/o6"

"$exe" sweep --config "$tmp/s.ini" --out "$tmp/f.h5" --set "sweep.methods=fluidc" >"$tmp/o4" 2>&1
sed '/^methods/d' "$tmp/s.ini" >"$tmp/plain.ini"
"$exe" sweep --config "$tmp/plain.ini" --out "$tmp/p.h5" >"$tmp/o5" 2>&1
check "no methods key: FluidC rows only, the same as methods = fluidc" \
  'grep -q "16 runs written" "$tmp/o5" && /usr/bin/python3 - "$tmp/p.h5" "$tmp/f.h5" <<PY
import sys, h5py
a, b = (h5py.File(p, "r")["runs"][()] for p in sys.argv[1:3])
assert len(a) == len(b) == 16 and all(x["method"] == b"fluidc" for x in a)
keys = lambda r: sorted((x["lo"], x["k"], x["communities"], x["seed"], x["nmi_geometric"]) for x in r)
assert keys(a) == keys(b)
PY'
exit $fail
