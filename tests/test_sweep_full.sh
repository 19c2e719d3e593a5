#!/bin/bash
# fnegraph sweep when its results file cannot be written, and one writer a
# results file, with the real command:
#  - disk full at several moments (the results file alone on a small private
#    tmpfs, filled to leave 4, 40, 80 and 104 KiB: at its creation, its first graph row, its first and second run rows): exit 1 (no signal) with a
#    message naming the file; the complete rows already there are exactly
#    those of an uninterrupted sweep; with the filler removed the same
#    command completes to exactly the rows of the uninterrupted sweep (keys
#    and scores; `fnegraph table` output identical); no r.h5.tmp is left;
#  - a second sweep on a results file a running sweep writes: exit 1 with
#    "in use by another process (pid N)" naming the running one, with HDF5's
#    own locking on and with HDF5_USE_FILE_LOCKING=FALSE, and the file the
#    first one writes stays intact; after the first is killed the second
#    runs.
set -u
exe=${FG_EXE:?}
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; return 1; fi; }
if ! [ -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
  echo "SKIP: needs Debian's python3-h5py (/usr/bin/python3) to compare results files"; exit 77
fi
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
export FNEGRAPH_QUIET=1
"$exe" gen-weights --out "$tmp/w.h5" --seed 3 --no-fc8 >/dev/null 2>&1 || { echo "FAIL: gen-weights"; exit 1; }
"$exe" demo-data --out "$tmp/imgs" --classes 3 --per-class 4 --seed 2 >/dev/null 2>&1 || { echo "FAIL: demo-data"; exit 1; }
cat > "$tmp/s.ini" <<EOF2
[sweep]
weights     = w.h5
out         = r.h5
thresholds  = -2:2
k           = 1.5
communities = classes, 2*classes
seeds       = 1-4
threads     = 1
batch       = 4

[dataset tiny]
kind  = folder
root  = imgs
fne   = tiny_fne.h5
EOF2
"$exe" sweep --config "$tmp/s.ini" --out "$tmp/ref.h5" >"$tmp/o" 2>&1 || { cat "$tmp/o"; echo "FAIL: reference sweep"; exit 1; }
"$exe" table "$tmp/ref.h5" >"$tmp/ref.tab" 2>&1

# every row of $1 is a row of $2 with the same scores; "all" as $3: and the same rows
rows_of() {
  HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 - "$@" <<'PY'
import sys, h5py
def rows(p):
    f = h5py.File(p, "r")
    g = {(x["dataset"], x["lo"], x["hi"], x["k"]): tuple(x[n] for n in x.dtype.names if n != "seconds_graph")
         for x in f["graphs"][()]}
    r = {(x["dataset"], x["lo"], x["hi"], x["k"], x["communities"], x["seed"], x["variant"]):
         tuple(None if n == "inertia" and x[n] != x[n] else x[n]  # NaN (FluidC) equals NaN
               for n in x.dtype.names if not n.startswith("seconds")) for x in f["runs"][()]}
    assert len(g) == len(f["graphs"]) and len(r) == len(f["runs"]), "duplicate rows in " + p
    return g, r
a, b = rows(sys.argv[1]), rows(sys.argv[2])
for x, y in zip(a, b):
    for k in x:
        assert k in y and x[k] == y[k], ("row differs or is extra", k)
    if len(sys.argv) > 3:
        assert x.keys() == y.keys(), ("rows missing", len(x), len(y))
print(len(a[0]), len(a[1]))
PY
}

if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
  echo "note: not root or no unshare -m: the disk-full part is skipped"
else
  mkdir -p "$tmp/mnt"
  n_failed=0
  for free in 4 40 80 104; do
    # $tmp/r<free>.h5 keeps a copy of the file as the failed sweep left it
    unshare -m bash -c '
      set -u; mnt=$1; exe=$2; ini=$3; free=$4; keep=$5
      mount -t tmpfs -o size=512k tmpfs "$mnt" || exit 99
      avail=$(df -k --output=avail "$mnt" | tail -1)
      head -c $(( (avail - free) * 1024 )) /dev/zero > "$mnt/fill" 2>/dev/null
      "$exe" sweep --config "$ini" --out "$mnt/r.h5" >"$keep.o1" 2>"$keep.e1"; echo $? > "$keep.rc1"
      [ -e "$mnt/r.h5" ] && cp "$mnt/r.h5" "$keep"
      ls "$mnt" > "$keep.ls"
      rm -f "$mnt/fill"
      "$exe" sweep --config "$ini" --out "$mnt/r.h5" >"$keep.o2" 2>"$keep.e2"; echo $? > "$keep.rc2"
      cp "$mnt/r.h5" "$keep.done"
      "$exe" table "$mnt/r.h5" > "$keep.tab" 2>&1
      ls "$mnt" > "$keep.ls2"
    ' _ "$tmp/mnt" "$exe" "$tmp/s.ini" "$free" "$tmp/r$free.h5"
    k=$tmp/r$free.h5
    rc1=$(cat "$k.rc1" 2>/dev/null); rc2=$(cat "$k.rc2" 2>/dev/null)
    if [ "$rc1" = 0 ]; then
      echo "note: $free KiB free: the sweep fit"
    else
      n_failed=$((n_failed + 1))
      check "$free KiB free: exit 1 (no signal), the message names the results file" \
        '[ "$rc1" = 1 ] && grep -q "mnt/r.h5" "$k.e1"' || cat "$k.o1" "$k.e1"
      if [ -e "$k" ]; then
        got=$(rows_of "$k" "$tmp/ref.h5" 2>&1)
        check "$free KiB free: the rows left ($got) are rows of the uninterrupted sweep, scores equal" '[ $? = 0 ]' ||
          echo "$got"
      fi
      check "$free KiB free: no half-made file left (only r.h5 and the filler)" \
        '! grep -q "r.h5.tmp" "$k.ls"' || cat "$k.ls"
    fi
    check "$free KiB free, then space freed: the same command exits 0" '[ "$rc2" = 0 ]' || cat "$k.o2" "$k.e2"
    got=$(rows_of "$k.done" "$tmp/ref.h5" all 2>&1)
    check "$free KiB free, then space freed: exactly the rows of the uninterrupted sweep ($got)" '[ $? = 0 ]' ||
      echo "$got"
    check "$free KiB free, then space freed: fnegraph table prints the same table" 'cmp -s "$k.tab" "$tmp/ref.tab"' ||
      diff "$k.tab" "$tmp/ref.tab"
    check "$free KiB free: no lock or temporary file left after the sweeps" '[ "$(cat "$k.ls2")" = r.h5 ]' ||
      cat "$k.ls2"
  done
  check "every fill level made the sweep fail (${n_failed} of 4)" '[ "$n_failed" = 4 ]'
fi

# --- one writer a results file: two real sweep processes
for locking in "" FALSE; do
  out=$tmp/lock$locking.h5
  if [ -n "$locking" ]; then export HDF5_USE_FILE_LOCKING=$locking; else unset HDF5_USE_FILE_LOCKING; fi
  "$exe" sweep --config "$tmp/s.ini" --out "$out" --set sweep.seeds=1-4000 >"$tmp/la" 2>&1 &
  a=$!
  pids+=("$a")
  for _ in $(seq 1 300); do [ -s "$out.lock" ] && [ -e "$out" ] && break; sleep 0.1; done
  "$exe" sweep --config "$tmp/s.ini" --out "$out" >"$tmp/lb" 2>&1; rc=$?
  check "HDF5_USE_FILE_LOCKING=${locking:-unset}: a second sweep on the file exits 1: in use by pid $a" \
    '[ $rc = 1 ] && grep -q "lock$locking.h5: in use by another process (pid $a)" "$tmp/lb"' || cat "$tmp/lb"
  kill -0 "$a" 2>/dev/null; check "HDF5_USE_FILE_LOCKING=${locking:-unset}: the first sweep still runs" '[ $? = 0 ]'
  kill -9 "$a"; wait "$a" 2>/dev/null
  "$exe" sweep --config "$tmp/s.ini" --out "$out" >"$tmp/lb" 2>&1; rc=$?
  check "HDF5_USE_FILE_LOCKING=${locking:-unset}: once it is killed, the second sweep completes" '[ $rc = 0 ]' || cat "$tmp/lb"
  got=$(rows_of "$tmp/ref.h5" "$out" 2>&1)
  check "HDF5_USE_FILE_LOCKING=${locking:-unset}: the file holds every row of the reference, scores equal" '[ $? = 0 ]' ||
    echo "$got"
done
unset HDF5_USE_FILE_LOCKING

# --- a NaN in the FNE cache: the message names the FNE file, the image and the feature
cp "$tmp/tiny_fne.h5" "$tmp/nan_fne.h5"
/usr/bin/python3 -c "import h5py, sys; f = h5py.File(sys.argv[1], 'r+'); x = f['fne']; x[7, 4300] = float('nan')" \
  "$tmp/nan_fne.h5" || echo "FAIL: could not plant a NaN"
"$exe" sweep --config "$tmp/s.ini" --out "$tmp/nan.h5" --set "dataset tiny.fne=$tmp/nan_fne.h5" >"$tmp/no" 2>"$tmp/ne"; rc=$?
check "a NaN in the FNE cache: exit 1 naming the FNE file, the image and the feature" \
  '[ $rc = 1 ] && grep -q "FNE file $tmp/nan_fne.h5: .*image 7" "$tmp/ne" && grep -q "feature 4300 (fc6 unit 76)" "$tmp/ne"' ||
  cat "$tmp/no" "$tmp/ne"
exit $fail
