#!/bin/bash
# `cluster --edges E --membership M` on a full disk: exit 1 naming M, never a
# cut-off M (it is written as M.tmp, synced and renamed), an earlier M left
# whole, no M.tmp left behind; with space freed the same command writes the
# same M as on a roomy disk. Needs root (a private tmpfs) and h5py.
set -u
exe=${FG_EXE:?FG_EXE not set}
py=/usr/bin/python3
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for a private tmpfs (unshare -m, mount)"; exit 77; }
unshare -m true 2>/dev/null || { echo "SKIP: unshare -m is not allowed here"; exit 77; }
"$py" -c 'import h5py, numpy' 2>/dev/null || { echo "SKIP: needs /usr/bin/python3 with h5py"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# a ring of 20000 vertices, the first 100 images: a 20000-line membership file (~ 40 KB)
"$py" - "$tmp/e.h5" <<'PY'
import sys, h5py, numpy as np
n = 20000
u = np.arange(n, dtype=np.int32); v = (u + 1) % n
e = np.stack([np.minimum(u, v), np.maximum(u, v)], axis=1).astype(np.int32)
with h5py.File(sys.argv[1], "w") as f:
    f["edges"] = e
    f.attrs["n_vertices"] = n
    f.attrs["n_images"] = 100
PY
"$exe" cluster --edges "$tmp/e.h5" --communities 3 --seed 1 --membership "$tmp/ref.txt" >/dev/null || { echo "FAIL: reference run"; exit 1; }
fail=0
export exe tmp
for free_kb in 0 8 24; do
  unshare -m bash -c '
    d=$tmp/mnt; mkdir -p "$d"; mount -t tmpfs -o size=200k tmpfs "$d" || exit 3
    printf "earlier\n" >"$d/m.txt"
    fill=$(( $(df --output=avail -k "$d" | tail -1) - '"$free_kb"' ))
    [ $fill -gt 0 ] && dd if=/dev/zero of="$d/filler" bs=1k count=$fill status=none 2>/dev/null
    "$exe" cluster --edges "$tmp/e.h5" --communities 3 --seed 1 --membership "$d/m.txt" >/dev/null 2>"$tmp/err"; rc=$?
    [ $rc = 1 ] || { echo "FAIL: '"$free_kb"' KiB free: exit $rc, expected 1"; exit 1; }
    grep -q "m.txt" "$tmp/err" || { echo "FAIL: the message does not name m.txt: $(cat "$tmp/err")"; exit 1; }
    [ "$(cat "$d/m.txt")" = earlier ] || { echo "FAIL: '"$free_kb"' KiB free: the earlier m.txt was changed"; exit 1; }
    [ ! -e "$d/m.txt.tmp" ] || { echo "FAIL: m.txt.tmp left behind"; exit 1; }
    rm -f "$d/filler"
    "$exe" cluster --edges "$tmp/e.h5" --communities 3 --seed 1 --membership "$d/m.txt" >/dev/null || exit 1
    cmp -s "$d/m.txt" "$tmp/ref.txt" || { echo "FAIL: after freeing space m.txt differs from the reference"; exit 1; }
    echo "ok: '"$free_kb"' KiB free: exit 1 naming m.txt, the earlier file whole; rerun identical"
  ' || fail=1
done
[ $fail = 0 ] && echo "test_membership_full: passed" || echo "test_membership_full: FAILED"
exit $fail
