#!/bin/bash
# `fnegraph compare-fne` end to end on FNE files written with Debian's h5py
# (docs/formats.md layout): the --json keys of --help, every figure recomputed with
# numpy (relative error max/median per layer, code agreement with each file's
# own statistics, edge Jaccard) on B = A with noise in another row order;
# A against itself; the text table; errors naming the file and path (a path
# missing, different counts, a missing file: exit 1) and bad usage (exit 2).
set -u
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
exe=${FG_EXE:?FG_EXE not set}
py=/usr/bin/python3
if ! $py -c 'import h5py, numpy' 2>/dev/null; then echo "SKIP: /usr/bin/python3 has no h5py/numpy"; exit 77; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

$py - "$tmp" <<'PY' || { echo "FAIL: could not write the FNE files"; exit 1; }
import sys, h5py, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(11)
n = 36
x = np.maximum(rng.normal(0.2, 1.0, size=(n, 12416)), 0).astype(np.float32)
paths = [f"c{i % 3}/img_{i:02d}.jpg" for i in range(n)]
def write(out, x, paths):
    with h5py.File(out, "w") as f:
        f.create_dataset("fne", data=x, chunks=(8, 12416))
        f.create_dataset("label", data=np.array([int(p[1]) for p in paths], dtype=np.int32))
        s = h5py.string_dtype()
        f.create_dataset("path", data=np.array(paths, dtype=object), dtype=s)
        f.create_dataset("class_names", data=np.array(["c0", "c1", "c2"], dtype=object), dtype=s)
        f.create_dataset("failed_path", shape=(0,), dtype=s)
        for k, v in {"weights_sha256": "", "preprocess": "caffe", "resize": "direct", "dataset": "folder", "split": "all"}.items():
            f.attrs[k] = v
write(f"{d}/a.h5", x, paths)
y = (x * (1 + rng.normal(0, 0.02, size=x.shape))).astype(np.float32)
p = rng.permutation(n)
write(f"{d}/b.h5", y[p], [paths[i] for i in p])
write(f"{d}/short.h5", x[:-1], paths[:-1])
q = list(paths); q[5] = "c2/other.jpg"
write(f"{d}/other.h5", x, q)
PY

"$exe" compare-fne "$tmp/a.h5" "$tmp/b.h5" --json >"$tmp/ab.json" 2>"$tmp/err"; rc=$?
check "compare-fne --json exits 0" '[ $rc = 0 ]' || cat "$tmp/err"
"$exe" compare-fne --help >"$tmp/help"
check "numpy recomputes every figure; --help documents every key" '$py - "$tmp" <<"PY"
import sys, json, re, h5py, numpy as np
d = sys.argv[1]
r = json.load(open(f"{d}/ab.json"))
help_text = open(f"{d}/help").read()
keys = ["features", "n_values", "rel_err_max", "rel_err_max_image", "rel_err_max_feature", "rel_err_median",
        "code_agreement", "codes_differ", "edges_a", "edges_b", "edges_both", "jaccard"]
for k in ["a", "b", "n_images", "lo", "hi", "layers", "overall", "seconds"] + keys:
    assert k in help_text, "--help does not document " + k
assert set(r["overall"]) == set(keys), sorted(r["overall"])
names = ["conv1_1", "conv1_2", "conv2_1", "conv2_2", "conv3_1", "conv3_2", "conv3_3", "conv4_1", "conv4_2",
         "conv4_3", "conv5_1", "conv5_2", "conv5_3", "fc6", "fc7"]
assert list(r["layers"]) == names, list(r["layers"])
assert r["n_images"] == 36 and r["lo"] == -2 and r["hi"] == 2
def load(p):
    with h5py.File(p, "r") as f:
        return f["fne"][()], [s.decode() for s in f["path"][()]]
xa, pa = load(f"{d}/a.h5"); xb, pb = load(f"{d}/b.h5")
xb = xb[[pb.index(p) for p in pa]]                     # match rows by path
def codes(x):
    m, s = x.mean(0, dtype=np.float64), x.std(0, dtype=np.float64)
    z = np.where(s > 0, (x - m) / np.where(s > 0, s, 1), 0)
    # fnegraph computes z in float32: a value within 1e-5 of a threshold may go either way
    return np.where(z > 2, 1, np.where(z < -2, -1, 0)), np.abs(np.abs(z) - 2) < 1e-5
ca, ua = codes(xa); cb, ub = codes(xb)
unsure = ua | ub
print("values within 1e-5 of a threshold:", int(unsure.sum()))
sizes = [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512, 4096, 4096]
off = np.concatenate([[0], np.cumsum(sizes)])
errs = []
def check(part, sl, e):
    a, b = ca[:, sl], cb[:, sl]
    diff = int((a != b).sum()); ea = int((a != 0).sum()); eb = int((b != 0).sum()); both = int(((a == b) & (a != 0)).sum())
    u = int(unsure[:, sl].sum())
    got = [part[k] for k in ("codes_differ", "edges_a", "edges_b", "edges_both")]
    assert all(abs(g - w) <= u for g, w in zip(got, [diff, ea, eb, both])), (part, diff, ea, eb, both, u)
    assert abs(part["code_agreement"] - (1 - part["codes_differ"] / a.size)) < 1e-12
    assert abs(part["jaccard"] - part["edges_both"] / (part["edges_a"] + part["edges_b"] - part["edges_both"])) < 1e-12
    if u == 0: assert abs(part["jaccard"] - both / (ea + eb - both)) < 1e-12
    e32 = np.sort(e.astype(np.float32).ravel())
    med = (float(e32[(e32.size - 1) // 2]) + float(e32[e32.size // 2])) / 2
    assert abs(part["rel_err_max"] - e.max()) <= 1e-7 * e.max(), (part["rel_err_max"], e.max())
    assert abs(part["rel_err_median"] - med) <= 1e-6 * med, (part["rel_err_median"], med)
    i, f = np.unravel_index(np.argmax(e), e.shape)
    assert part["rel_err_max_image"] == pa[i] and part["rel_err_max_feature"] == sl.start + f, (part, pa[i], f)
for l, name in enumerate(names):
    sl = slice(int(off[l]), int(off[l + 1]))
    a, b = xa[:, sl].astype(np.float64), xb[:, sl].astype(np.float64)
    floor = np.abs(a).mean(1, keepdims=True)
    e = np.abs(b - a) / np.maximum(np.abs(a), floor)
    errs.append(e)
    check(r["layers"][name], sl, e)
check(r["overall"], slice(0, 12416), np.concatenate(errs, 1))
o = r["overall"]
print("overall: max %.3g median %.3g agreement %.6f jaccard %.6f" % (o["rel_err_max"], o["rel_err_median"], o["code_agreement"], o["jaccard"]))
PY'

"$exe" compare-fne "$tmp/a.h5" "$tmp/a.h5" --json >"$tmp/aa.json" 2>&1
check "A against A: agreement 1, Jaccard 1, error 0" '$py -c "
import json, sys
r = json.load(open(sys.argv[1]))
for p in list(r[\"layers\"].values()) + [r[\"overall\"]]:
    assert p[\"code_agreement\"] == 1 and p[\"jaccard\"] == 1 and p[\"rel_err_max\"] == 0 and p[\"rel_err_median\"] == 0, p
" "$tmp/aa.json"'

"$exe" compare-fne --lo -1 "$tmp/a.h5" --hi 1.5 "$tmp/b.h5" >"$tmp/out" 2>&1; rc=$?
check "text table: a row per layer and overall, options anywhere" '[ $rc = 0 ] && [ $(grep -cE "^  (conv[1-5]_[1-3]|fc[67]) " "$tmp/out") = 15 ] && grep -q "^  overall " "$tmp/out" && grep -q "lo -1, hi 1.5" "$tmp/out"' || cat "$tmp/out"

"$exe" compare-fne "$tmp/a.h5" "$tmp/other.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "different images: exit 1, the path and the file named" '[ $rc = 1 ] && grep -q "c2/img_05.jpg" "$tmp/err" && grep -q "other.h5" "$tmp/err"' || cat "$tmp/err"
"$exe" compare-fne "$tmp/a.h5" "$tmp/short.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "different counts: exit 1, both counts and the path" '[ $rc = 1 ] && grep -q "has 36 images" "$tmp/err" && grep -q "has 35" "$tmp/err" && grep -q "c2/img_35.jpg" "$tmp/err"' || cat "$tmp/err"
"$exe" compare-fne "$tmp/a.h5" "$tmp/none.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "missing file: exit 1, named" '[ $rc = 1 ] && grep -q "none.h5" "$tmp/err"' || cat "$tmp/err"
"$exe" compare-fne "$tmp/a.h5" >/dev/null 2>&1; rc=$?
check "one file: exit 2" '[ $rc = 2 ]'
"$exe" compare-fne "$tmp/a.h5" "$tmp/b.h5" "$tmp/b.h5" >/dev/null 2>&1; rc=$?
check "three files: exit 2" '[ $rc = 2 ]'
"$exe" compare-fne "$tmp/a.h5" "$tmp/b.h5" --lo 3 --hi 1 >/dev/null 2>"$tmp/err"; rc=$?
check "--lo above --hi: exit 2" '[ $rc = 2 ] && grep -q -- "--lo" "$tmp/err"'
"$exe" compare-fne "$tmp/a.h5" "$tmp/b.h5" --bogus >/dev/null 2>&1; rc=$?
check "unknown option: exit 2" '[ $rc = 2 ]'
"$exe" --help 2>&1 | grep -q "compare-fne"; check "listed in fnegraph --help" '[ $? = 0 ]'
exit $fail
