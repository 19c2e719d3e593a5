#!/bin/bash
# `fnegraph cluster --fne FNE.h5 --method kmeans|kmeans-ternary` end to end on
# a tiny FNE (demo-data + gen-weights + extract: 9 images in 3 classes): the
# JSON keys, the membership file (one cluster id per image, in row order),
# the same output for the same seed and for 1 and 2 threads, restarts that
# keep the lowest inertia, the codes of kmeans-ternary at --lo/--hi, FluidC's
# JSON naming its method, and clear refusals (k > images, --weights, --edges,
# --k, --variant, --lo with kmeans, --restarts with fluidc, an unknown method).
set -u
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
exe=${FG_EXE:?FG_EXE not set}
py=/usr/bin/python3
if [ ! -x "$py" ]; then echo "SKIP: /usr/bin/python3 (to read the JSON) is absent"; exit 77; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$exe" gen-weights --out "$tmp/w.h5" --seed 3 >/dev/null 2>&1 || { echo "FAIL: gen-weights"; exit 1; }
"$exe" demo-data --out "$tmp/imgs" --classes 3 --per-class 3 --seed 5 >/dev/null 2>&1 || { echo "FAIL: demo-data"; exit 1; }
"$exe" extract --dataset folder --root "$tmp/imgs" --weights "$tmp/w.h5" --out "$tmp/fne.h5" >/dev/null 2>"$tmp/err" \
  || { cat "$tmp/err"; echo "FAIL: extract"; exit 1; }
f="$tmp/fne.h5"

"$exe" cluster --fne "$f" --method kmeans --seed 4 --json --membership "$tmp/m.txt" >"$tmp/a.json" 2>"$tmp/err"; rc=$?
check "kmeans --json exits 0" '[ $rc = 0 ]' || cat "$tmp/err"
check "its JSON: every key, k = the 3 classes, all 9 images scored, scores in range" '"$py" - "$tmp/a.json" <<PY
import json, sys
d = json.load(open(sys.argv[1]))
keys = {"fne", "dataset", "method", "lo", "hi", "n_images", "n_features", "n_images_outside", "communities", "seed",
        "restarts", "max_iter", "iterations", "converged", "inertia", "restart", "n_reseeded", "n_images_scored",
        "nmi", "ami", "distance_impl", "threads", "seconds"}
assert set(d) == keys, set(d) ^ keys
assert d["method"] == "kmeans" and d["lo"] is None and d["hi"] is None, d
assert d["communities"] == 3 and d["n_images"] == 9 and d["n_images_scored"] == 9 and d["n_features"] == 12416, d
assert d["restarts"] == 1 and d["max_iter"] == 300 and d["converged"] is True and 1 <= d["iterations"] <= 300, d
assert d["inertia"] > 0 and set(d["nmi"]) == set(d["ami"]) == {"min", "geometric", "arithmetic", "max"}, d
assert all(0.0 <= v <= 1.0 for v in d["nmi"].values()), d["nmi"]
assert set(d["seconds"]) == {"read_fne", "standardize", "seed", "lloyd", "distance", "score", "total"}, d["seconds"]
PY'
check "the membership file: 9 lines, ids 0..2, all three used" \
  '[ $(wc -l <"$tmp/m.txt") = 9 ] && [ "$(sort -u "$tmp/m.txt" | tr "\n" " ")" = "0 1 2 " ]'

# the same seed (and any thread count) gives the same clustering
strip() { "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("seconds"); d.pop("threads"); print(json.dumps(d, sort_keys=True))' "$1"; }
"$exe" cluster --fne "$f" --method kmeans --seed 4 --json --threads 1 >"$tmp/b.json" 2>/dev/null
check "the same seed on 1 thread: the same JSON (but seconds and threads)" '[ "$(strip "$tmp/a.json")" = "$(strip "$tmp/b.json")" ]'

"$exe" cluster --fne "$f" --method kmeans --seed 4 --communities 5 --restarts 4 --json >"$tmp/r4.json" 2>/dev/null
check "restarts 4: restarts, restart in 0..3 reported" '"$py" - "$tmp/r4.json" <<PY
import json, sys
d = json.load(open(sys.argv[1]))
assert d["restarts"] == 4 and 0 <= d["restart"] < 4 and d["communities"] == 5, d
PY'

"$exe" cluster --fne "$f" --method kmeans-ternary --lo -1 --hi 1 --seed 2 --json >"$tmp/t.json" 2>"$tmp/err"; rc=$?
check "kmeans-ternary --lo -1 --hi 1 exits 0, says its thresholds and times the ternarization" '[ $rc = 0 ] && "$py" - "$tmp/t.json" <<PY
import json, sys
d = json.load(open(sys.argv[1]))
assert d["method"] == "kmeans-ternary" and d["lo"] == -1 and d["hi"] == 1, d
assert "ternarize" in d["seconds"] and d["inertia"] > 0, d
PY' || cat "$tmp/err"

"$exe" cluster --fne "$f" --method kmeans --seed 4 >"$tmp/text" 2>&1
check "the text form names the method, k, the seed and the scores" \
  'grep -q "method kmeans" "$tmp/text" && grep -q "k = 3, seed 4" "$tmp/text" && grep -q "^NMI" "$tmp/text"'

"$exe" cluster --fne "$f" --weights "$tmp/w.h5" --seed 2 --json >"$tmp/fl.json" 2>/dev/null
check "FluidC's JSON says method fluidc" '"$py" -c "import json,sys; assert json.load(open(sys.argv[1]))[\"method\"] == \"fluidc\"" "$tmp/fl.json"'

# refusals
"$exe" cluster --fne "$f" --method kmeans --communities 10 >/dev/null 2>"$tmp/e"; rc=$?
check "k > images: exit 1 naming the file and the 9 images" '[ $rc = 1 ] && grep -q "10 clusters, but the embedding has only 9 images" "$tmp/e"'
refuse() { # refuse WHAT NEEDLE ARGS...
  local what=$1 needle=$2; shift 2
  "$exe" cluster "$@" >/dev/null 2>"$tmp/e"; local rc=$?
  check "$what: usage error (2) saying '$needle'" '[ $rc = 2 ] && grep -q -- "$needle" "$tmp/e"'
}
refuse "kmeans with --weights" "needs no weights" --fne "$f" --method kmeans --weights "$tmp/w.h5"
refuse "kmeans with --edges" "holds a graph, not vectors" --edges "$tmp/x.h5" --method kmeans --communities 2
refuse "kmeans with --k" "feature-feature sparsity" --fne "$f" --method kmeans --k 2
refuse "kmeans with --variant" "FluidC's" --fne "$f" --method kmeans --variant standard
refuse "kmeans with --lo" "thresholds are for kmeans-ternary" --fne "$f" --method kmeans --lo -1
refuse "fluidc with --restarts" "for --method kmeans" --fne "$f" --weights "$tmp/w.h5" --restarts 2
refuse "an unknown method" "expected fluidc, kmeans or kmeans-ternary" --fne "$f" --method spectral
check "--help describes --method and --restarts" '"$exe" cluster --help | grep -q -- "--restarts R" && "$exe" cluster --help | grep -q "kmeans-ternary"'
exit $fail
