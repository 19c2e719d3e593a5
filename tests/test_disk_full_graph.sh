#!/bin/bash
# fnegraph graph --edges on a full disk (issue 13): on a private tmpfs filled
# to several levels, with an earlier edge file (another k) at the same path,
# graph exits 0 or 1, never by a signal; a failure names the edge file and
# leaves the earlier file byte-identical; with the filler removed the same
# command completes with the bytes of an uninterrupted run (cmp), no .tmp or
# .lock left. Needs root (unshare -m, mount -t tmpfs); else skipped.
set -u
exe=${FG_EXE:?FG_EXE not set}

if [ "${1:-}" = inside ]; then # one fill level, in a private mount namespace
  tmp=$2 free_k=$3
  mnt=$tmp/mnt
  mount -t tmpfs -o size=131072k tmpfs "$mnt" || exit 90
  cp "$tmp/old.h5" "$mnt/e.h5" # the earlier complete output at the same path
  args=(graph --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --threads 1 --edges "$mnt/e.h5")
  avail=$(df -k --output=avail "$mnt" | tail -1 | tr -d ' ')
  fill=$((avail - free_k))
  [ "$fill" -gt 0 ] && head -c "${fill}k" /dev/zero >"$mnt/filler" 2>/dev/null
  "$exe" "${args[@]}" >"$tmp/out1" 2>"$tmp/err1"
  echo "rc1=$?"
  cmp -s "$mnt/e.h5" "$tmp/old.h5" && echo "old=same" || echo "old=changed"
  rm -f "$mnt/filler"
  "$exe" "${args[@]}" >"$tmp/out2" 2>"$tmp/err2"
  echo "rc2=$?"
  cmp -s "$mnt/e.h5" "$tmp/ref.h5" && echo "final=same" || echo "final=differs"
  ls -a "$mnt" | grep -E '\.(tmp|lock)$' | sed 's/^/left=/'
  exit 0
fi

[ "$(id -u)" = 0 ] || { echo "skip: needs root for a private tmpfs (unshare -m, mount)"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/mnt"
unshare -m bash -c "mount -t tmpfs -o size=64k tmpfs '$tmp/mnt'" 2>/dev/null ||
  { echo "skip: cannot mount a private tmpfs here (unshare -m / mount -t tmpfs failed)"; exit 77; }
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }

"$exe" gen-weights --out "$tmp/w.h5" --seed 2 --no-fc8 >/dev/null 2>&1 || { echo "FAIL: gen-weights"; exit 1; }
"$exe" demo-data --out "$tmp/imgs" --classes 2 --per-class 3 --seed 5 >/dev/null 2>&1 || { echo "FAIL: demo-data"; exit 1; }
"$exe" extract --dataset folder --root "$tmp/imgs" --weights "$tmp/w.h5" --batch 2 --threads 1 \
  --out "$tmp/fne.h5" >/dev/null 2>&1 || { echo "FAIL: extraction"; exit 1; }
"$exe" graph --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --threads 1 --edges "$tmp/ref.h5" >/dev/null 2>&1 &&
  "$exe" graph --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --threads 1 --k 3 --edges "$tmp/old.h5" >/dev/null 2>&1 ||
  { echo "FAIL: reference edge files"; exit 1; }
echo "reference edge file: $(stat -c %s "$tmp/ref.h5") bytes; the earlier one (k 3): $(stat -c %s "$tmp/old.h5")"

for free_k in 0 64 8000 30000 42000; do
  unshare -m bash "$0" inside "$tmp" "$free_k" >"$tmp/res" 2>&1
  rc1=$(sed -n 's/^rc1=//p' "$tmp/res"); rc2=$(sed -n 's/^rc2=//p' "$tmp/res")
  echo "-- $free_k KiB free: first run exit $rc1: $(tail -1 "$tmp/err1" 2>/dev/null)"
  check "$free_k KiB free: exit 0 or 1, not a signal" '[ "$rc1" = 0 ] || [ "$rc1" = 1 ]'
  [ "$rc1" = 1 ] && check "$free_k KiB free: the message names the edge file" 'grep -q "mnt/e.h5" "$tmp/err1"'
  [ "$rc1" = 1 ] && check "$free_k KiB free: the earlier edge file is intact" 'grep -q "^old=same" "$tmp/res"'
  check "$free_k KiB free: with space freed the same command completes" '[ "$rc2" = 0 ]' || cat "$tmp/err2"
  check "$free_k KiB free: ... with the bytes of an uninterrupted run" 'grep -q "^final=same" "$tmp/res"'
  check "$free_k KiB free: ... and no .tmp or .lock left" '! grep -q "^left=" "$tmp/res"' || grep "^left=" "$tmp/res"
done
exit $fail
