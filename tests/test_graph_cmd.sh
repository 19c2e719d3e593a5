#!/bin/bash
# `fnegraph graph` end to end (to go to tests/ once the FNE file reader, the
# weights loader and the edge-file writer are merged): a small FNE file made
# with Debian's h5py in the docs/formats.md layout, weights from `fnegraph
# gen-weights`; checks the JSON keys of docs/formats.md, |E| = |E_if| + |E_ff|,
# the vertex count N + 2F, the edge file, bad usage (exit 2) and a NaN named
# by file, image and feature (exit 1).
set -u
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
exe=${FG_EXE:?FG_EXE not set}
py=/usr/bin/python3
if ! $py -c 'import h5py, numpy' 2>/dev/null; then echo "SKIP: /usr/bin/python3 has no h5py/numpy"; exit 77; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$exe" gen-weights --out "$tmp/w.h5" --seed 3 >/dev/null || { echo "FAIL: gen-weights"; exit 1; }
make_fne() { # $1 = output, $2 = 1 to plant a NaN at image 7, feature 4300
  $py - "$1" "$2" <<'PY'
import sys, h5py, numpy as np
out, nan = sys.argv[1], sys.argv[2] == "1"
rng = np.random.default_rng(5)
n = 40
x = np.maximum(rng.normal(0.2, 1.0, size=(n, 12416)), 0).astype(np.float32)
if nan: x[7, 4300] = np.nan
with h5py.File(out, "w") as f:
    f.create_dataset("fne", data=x, chunks=(8, 12416))
    f.create_dataset("label", data=(np.arange(n) % 4).astype(np.int32))
    s = h5py.string_dtype()
    f.create_dataset("path", data=np.array([f"c{i % 4}/img_{i}.jpg" for i in range(n)], dtype=object), dtype=s)
    f.create_dataset("class_names", data=np.array(["c0", "c1", "c2", "c3"], dtype=object), dtype=s)
    f.create_dataset("failed_path", shape=(0,), dtype=s)
    for k, v in {"weights_sha256": "", "preprocess": "caffe", "resize": "direct", "dataset": "folder", "split": "all"}.items():
        f.attrs[k] = v
PY
}
make_fne "$tmp/fne.h5" 0 || { echo "FAIL: could not write the FNE file"; exit 1; }

"$exe" graph --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --json --edges "$tmp/e.h5" >"$tmp/g.json" 2>"$tmp/err"; rc=$?
cat "$tmp/g.json" "$tmp/err"
check "graph exits 0" '[ $rc = 0 ]'
check "JSON with the docs/formats.md keys and consistent counts" '$py - "$tmp/g.json" <<PY
import json, sys
g = json.load(open(sys.argv[1]))
for k in ["n_images", "n_vertices", "n_vertices_nonisolated", "n_edges", "n_edges_if", "n_edges_ff",
          "n_components", "largest_component"]:
    assert k in g, k
assert g["n_images"] == 40 and g["n_vertices"] == 40 + 2 * 12416
assert g["n_edges"] == g["n_edges_if"] + g["n_edges_ff"]
assert sum(v["positive"] + v["negative"] for v in g["n_edges_ff_by_layer"].values()) == g["n_edges_ff"]
assert g["largest_component_images"] == 40 and g["n_vertices_nonisolated"] <= g["n_vertices"]
PY'
check "edge file written, its edge count the JSON's" '$py - "$tmp/e.h5" "$tmp/g.json" <<PY
import h5py, json, sys
f = h5py.File(sys.argv[1], "r"); g = json.load(open(sys.argv[2]))
e = f["edges"][...]
assert e.shape == (g["n_edges"], 2) and (e[:, 0] < e[:, 1]).all()
assert int(f.attrs["n_vertices"]) == g["n_vertices"] and int(f.attrs["n_images"]) == 40
PY'
"$exe" graph --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --lo -1 --hi 1 --k 2 >"$tmp/text"; rc=$?
check "text report" '[ $rc = 0 ] && grep -q "non-isolated" "$tmp/text" && grep -q "fc6     -> fc7" "$tmp/text"'
"$exe" graph --fne "$tmp/fne.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "missing --weights exits 2" '[ $rc = 2 ] && grep -q -- "--weights" "$tmp/err"'
"$exe" graph --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --lo 1 --hi -1 >/dev/null 2>"$tmp/err"; rc=$?
check "lo > hi exits 2" '[ $rc = 2 ]'
make_fne "$tmp/nan.h5" 1
"$exe" graph --fne "$tmp/nan.h5" --weights "$tmp/w.h5" >/dev/null 2>"$tmp/err"; rc=$?
cat "$tmp/err"
check "a NaN is refused naming file, image and feature" \
  '[ $rc = 1 ] && grep -q "nan.h5" "$tmp/err" && grep -q "image 7" "$tmp/err" && grep -q "feature 4300 (fc6 unit 76)" "$tmp/err"'
"$exe" graph --help >"$tmp/help"; rc=$?
missing=$(for o in --fne --weights --lo --hi --k --edges --threads --json; do grep -q -- "$o" "$tmp/help" || echo "$o"; done)
check "--help documents every option" '[ $rc = 0 ] && [ -z "$missing" ]'
exit $fail
