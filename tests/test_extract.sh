#!/bin/bash
# fnegraph extract end to end: a synthetic folder set with one broken file and
# generated weights -> the FNE file (shape, labels, paths, failures, attributes);
# kill -9 in the middle and resume -> byte-identical to an uninterrupted run;
# a finished file is left alone; --strict, bad options and missing files fail
# with the file named.
set -u
exe=${FG_EXE:?}
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$exe" gen-weights --out "$tmp/w.h5" --seed 2 --no-fc8 >/dev/null 2>&1 || { echo "FAIL: gen-weights"; exit 1; }
"$exe" demo-data --out "$tmp/imgs" --classes 3 --per-class 4 --seed 5 >/dev/null 2>&1 || { echo "FAIL: demo-data"; exit 1; }
printf 'not an image' > "$tmp/imgs/class_01/zz_broken.jpg"
args=(--dataset folder --root "$tmp/imgs" --weights "$tmp/w.h5" --batch 2 --threads 2 --chunk-rows 2)

"$exe" extract "${args[@]}" --out "$tmp/a.h5" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "extract exits 0" '[ $rc = 0 ]' || cat "$tmp/err"
check "the broken file is reported with its path and reason" 'grep -q "class_01/zz_broken.jpg: not an image" "$tmp/err"'
check "summary line" 'grep -q "13 images (0 resumed), 1 skipped" "$tmp/out"'

if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
  check "file content (h5py)" '/usr/bin/python3 - "$tmp/a.h5" <<PY
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
x = f["fne"][()]
assert x.shape == (12, 12416), x.shape
assert np.isfinite(x).all() and (x >= 0).all(), "post-ReLU means are >= 0"
assert (x[:, :4224] > 0).any() and (x[:, 4224:] > 0).any()
assert list(f["label"][()]) == [0]*4 + [1]*4 + [2]*4, f["label"][()]
paths = [p.decode() for p in f["path"][()]]
assert paths[0] == "class_00/class_00_000.jpg" and "class_01/zz_broken.jpg" not in paths, paths
assert [p.decode() for p in f["failed_path"][()]] == ["class_01/zz_broken.jpg"]
assert [c.decode() for c in f["class_names"][()]] == ["class_00", "class_01", "class_02"]
a = dict(f.attrs)
assert a["dataset"] in (b"folder", "folder") and len(a["weights_sha256"]) == 64
print("fne rows", x.shape, "mean", float(x.mean()))
PY'
fi

# kill -9 mid-run, resume: identical bytes (several chunks of 2 rows)
"$exe" extract "${args[@]}" --out "$tmp/b.h5" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  # the writer holds the file open: read it without HDF5's file lock
  [ -f "$tmp/b.h5.partial" ] && HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 -c "import h5py,sys; f=h5py.File(sys.argv[1],'r'); sys.exit(0 if int(f['progress'][0]) >= 4 else 1)" "$tmp/b.h5.partial" 2>/dev/null && break
  sleep 0.1
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
check "the kill left a partial file, not a finished one" '[ -f "$tmp/b.h5.partial" ] && [ ! -e "$tmp/b.h5" ]'
"$exe" extract "${args[@]}" --out "$tmp/b.h5" >"$tmp/out2" 2>&1; rc=$?
check "resumed run exits 0" '[ $rc = 0 ]' || cat "$tmp/out2"
check "the rerun resumed after the flushed chunks" 'grep -Eq "\(([4-9]|1[0-3]) resumed\)" "$tmp/out2"' || cat "$tmp/out2"
check "resumed file is byte-identical to the uninterrupted one" 'cmp -s "$tmp/a.h5" "$tmp/b.h5"'
check "no partial file left" '[ ! -e "$tmp/b.h5.partial" ]'

"$exe" extract "${args[@]}" --out "$tmp/a.h5" >"$tmp/out3" 2>&1; rc=$?
check "a finished file is left alone" '[ $rc = 0 ] && grep -q "already complete" "$tmp/out3" && cmp -s "$tmp/a.h5" "$tmp/b.h5"'

"$exe" extract "${args[@]}" --out "$tmp/s.h5" --strict >/dev/null 2>"$tmp/err"; rc=$?
check "--strict stops at the broken file" '[ $rc = 1 ] && grep -q "zz_broken.jpg" "$tmp/err"'
"$exe" extract --dataset folder --root "$tmp/imgs" --weights "$tmp/none.h5" --out "$tmp/c.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "missing weights named" '[ $rc = 1 ] && grep -q "none.h5" "$tmp/err"'
"$exe" extract --dataset folder --root "$tmp/nope" --weights "$tmp/w.h5" --out "$tmp/c.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "missing root named" '[ $rc = 1 ] && grep -q "nope" "$tmp/err"'
"$exe" extract --dataset folder --root "$tmp/imgs" --weights "$tmp/w.h5" --out "$tmp/c.h5" --resize squash >/dev/null 2>"$tmp/err"; rc=$?
check "bad --resize is a usage error" '[ $rc = 2 ] && grep -q -- "--resize" "$tmp/err"'
"$exe" extract --root "$tmp/imgs" >/dev/null 2>&1; rc=$?
check "missing required options: exit 2" '[ $rc = 2 ]'
"$exe" extract --help | grep -q -- "--chunk-rows"; check "--help documents the options" '[ $? = 0 ]'
exit $fail
