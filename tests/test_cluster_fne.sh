#!/bin/bash
# `fnegraph cluster --fne FNE.h5 --weights W.h5` end to end, on a tiny FNE
# made by demo-data + gen-weights + extract (6 images in 3 classes): the graph
# built in process must be the one `fnegraph graph` builds (same figures),
# and the clustering the one `cluster --edges` gives on the graph's edge file
# for the same seed (same components, sweeps, NMI/AMI to the last bit, same
# membership file); --communities defaults to the classes; clear errors for
# missing files, lo > hi, too many communities and mixed options.
set -u
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
exe=${FG_EXE:?FG_EXE not set}
py=/usr/bin/python3
if [ ! -x "$py" ]; then echo "SKIP: /usr/bin/python3 (to read the JSON) is absent"; exit 77; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$exe" gen-weights --out "$tmp/w.h5" --seed 3 >/dev/null 2>&1 || { echo "FAIL: gen-weights"; exit 1; }
"$exe" demo-data --out "$tmp/imgs" --classes 3 --per-class 2 --seed 5 >/dev/null 2>&1 || { echo "FAIL: demo-data"; exit 1; }
"$exe" extract --dataset folder --root "$tmp/imgs" --weights "$tmp/w.h5" --out "$tmp/fne.h5" >/dev/null 2>"$tmp/err" \
  || { cat "$tmp/err"; echo "FAIL: extract"; exit 1; }

# same_run A.json B.json KEY...: the keys are present and equal in both
same_run() {
  "$py" - "$@" <<'PY'
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
for k in sys.argv[3:]:
    assert k in a and k in b, k
    assert a[k] == b[k], (k, a[k], b[k])
PY
}
GRAPH_KEYS="fne weights dataset lo hi k n_images n_vertices n_vertices_nonisolated n_edges n_edges_if n_edges_ff
  n_components n_components_nonisolated largest_component largest_component_images n_edges_ff_by_layer"
RUN_KEYS="n_components largest_component n_vertices_outside n_images_outside communities seed variant max_iter
  sweeps converged n_unassigned n_images_scored nmi ami"

# k = 3 leaves isolated features: the largest-component path is exercised
"$exe" cluster --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --k 3 --seed 2 --json --membership "$tmp/mf.txt" \
  >"$tmp/cf.json" 2>"$tmp/err"; rc=$?
check "cluster --fne --json exits 0" '[ $rc = 0 ]' || cat "$tmp/err"
"$exe" graph --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --k 3 --edges "$tmp/e.h5" --json >"$tmp/g.json" 2>/dev/null
"$exe" cluster --edges "$tmp/e.h5" --communities 3 --seed 2 --json --membership "$tmp/me.txt" >"$tmp/ce.json" 2>/dev/null
check "its graph is graph --fne's (every figure of graph --json)" 'same_run "$tmp/cf.json" "$tmp/g.json" $GRAPH_KEYS'
check "its run is cluster --edges's on that graph (same seed: components, sweeps, NMI, AMI)" \
  'same_run "$tmp/cf.json" "$tmp/ce.json" $RUN_KEYS'
check "the same membership file" 'cmp -s "$tmp/mf.txt" "$tmp/me.txt"'
check "the JSON: --communities defaulted to the 3 classes, a graph with several components, all scored, seconds by stage" \
  '"$py" - "$tmp/cf.json" <<PY
import json, sys
d = json.load(open(sys.argv[1]))
assert d["communities"] == 3 and d["n_images"] == 6 and d["n_images_scored"] == 6, d
assert d["n_components"] > 1 and d["n_vertices_outside"] > 0 and d["n_images_outside"] == 0, d
assert d["n_vertices"] == 6 + 2 * 12416 and d["n_edges"] == d["n_edges_if"] + d["n_edges_ff"], d
assert set(d["nmi"]) == set(d["ami"]) == {"min", "geometric", "arithmetic", "max"}, d
assert all(0.0 <= v <= 1.0 for v in d["nmi"].values()), d["nmi"]
assert d["converged"] is True and d["variant"] == "paper" and d["seed"] == 2, d
assert set(d["seconds"]) == {"read_fne", "read_weights", "standardize", "ternarize", "ff_edges", "build",
                             "summarize", "components", "fluidc", "score", "total"}, d["seconds"]
PY'

# the default graph (one component here), standard variant, an early stop
"$exe" cluster --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --communities 4 --seed 9 --variant standard --max-iter 2 \
  --json >"$tmp/cf2.json" 2>/dev/null; rc=$?
"$exe" graph --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --edges "$tmp/e2.h5" >/dev/null 2>&1
"$exe" cluster --edges "$tmp/e2.h5" --communities 4 --seed 9 --variant standard --max-iter 2 --json \
  >"$tmp/ce2.json" 2>/dev/null
check "standard variant, --max-iter 2, default lo/hi/k: equal to the --edges path" \
  '[ $rc = 0 ] && same_run "$tmp/cf2.json" "$tmp/ce2.json" $RUN_KEYS'
"$exe" cluster --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --seed 2 --k 3 >"$tmp/text" 2>&1; rc=$?
check "text report: the graph, what was left out, the scores" \
  '[ $rc = 0 ] && grep -q "6 images in 3 classes" "$tmp/text" && grep -q "outside it:" "$tmp/text" && grep -q "^NMI" "$tmp/text"'

# errors
"$exe" cluster --fne "$tmp/none.h5" --weights "$tmp/w.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "a missing FNE file: exit 1 naming it" '[ $rc = 1 ] && grep -q "none.h5" "$tmp/err"'
"$exe" cluster --fne "$tmp/fne.h5" --weights "$tmp/nw.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "a missing weights file: exit 1 naming it" '[ $rc = 1 ] && grep -q "nw.h5" "$tmp/err"'
"$exe" cluster --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --lo 1 --hi -1 >/dev/null 2>"$tmp/err"; rc=$?
check "--lo above --hi: usage error saying so" '[ $rc = 2 ] && grep -q "lo 1 is above --hi -1" "$tmp/err"'
"$exe" cluster --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --k -1 >/dev/null 2>"$tmp/err"; rc=$?
check "--k -1: usage error" '[ $rc = 2 ]'
"$exe" cluster --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --communities 7 >/dev/null 2>"$tmp/err"; rc=$?
check "more communities than images (paper): exit 1 with both counts" \
  '[ $rc = 1 ] && grep -q "7 communities, but the embedding has only 6 images" "$tmp/err"'
"$exe" cluster --fne "$tmp/fne.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "--fne without --weights: usage error" '[ $rc = 2 ] && grep -q -- "--weights" "$tmp/err"'
"$exe" cluster --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --edges "$tmp/e.h5" --communities 3 >/dev/null 2>&1; rc=$?
check "--fne and --edges together: usage error" '[ $rc = 2 ]'
"$exe" cluster --edges "$tmp/e.h5" --communities 3 --lo -1 >/dev/null 2>&1; rc=$?
check "--lo with --edges: usage error" '[ $rc = 2 ]'
"$exe" cluster --edges "$tmp/e.h5" >/dev/null 2>&1; rc=$?
check "--edges without --communities: usage error" '[ $rc = 2 ]'
"$exe" cluster --help >"$tmp/h"; rc=$?
missing=$(for o in --fne --weights --lo --hi --k --threads --edges --communities --seed --variant --max-iter \
  --membership --json; do grep -q -- "$o" "$tmp/h" || echo "$o"; done)
check "--help documents every option and the default number of communities" \
  '[ $rc = 0 ] && [ -z "$missing" ] && grep -q "number of classes in the FNE" "$tmp/h"'
exit $fail
