#!/bin/bash
# fnegraph extract on a full disk (issue 13 items 1 and 2): on a private
# tmpfs filled to several levels (from 0 KiB free to just short of what the
# job needs), extract exits 0 or 1, never by a signal; a failure names the
# FNE file; an earlier complete file on the same disk stays byte-identical;
# then, with the filler removed, the same command completes and its file is
# byte-identical to an uninterrupted run's (cmp), with no .partial, .tmp or
# .lock left. Needs root (unshare -m, mount -t tmpfs); else skipped.
set -u
exe=${FG_EXE:?FG_EXE not set}

if [ "${1:-}" = inside ]; then # one fill level, in a private mount namespace
  tmp=$2 free_k=$3
  mnt=$tmp/mnt
  mount -t tmpfs -o size=8192k tmpfs "$mnt" || exit 90
  cp "$tmp/ref.h5" "$mnt/keep.h5" # an earlier complete output on the same disk
  args=(extract --dataset folder --root "$tmp/imgs" --weights "$tmp/w.h5" --batch 2 --chunk-rows 2 --threads 1)
  avail=$(df -k --output=avail "$mnt" | tail -1 | tr -d ' ')
  fill=$((avail - free_k))
  [ "$fill" -gt 0 ] && head -c "${fill}k" /dev/zero >"$mnt/filler" 2>/dev/null
  "$exe" "${args[@]}" --out "$mnt/fne.h5" >"$tmp/out1" 2>"$tmp/err1"
  echo "rc1=$?"
  cmp -s "$mnt/keep.h5" "$tmp/ref.h5" && echo "keep=same" || echo "keep=changed"
  rm -f "$mnt/filler"
  "$exe" "${args[@]}" --out "$mnt/fne.h5" >"$tmp/out2" 2>"$tmp/err2"
  echo "rc2=$?"
  cmp -s "$mnt/fne.h5" "$tmp/ref.h5" && echo "final=same" || echo "final=differs"
  ls -a "$mnt" | grep -E '\.(partial|tmp|lock)$' | sed 's/^/left=/'
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
"$exe" extract --dataset folder --root "$tmp/imgs" --weights "$tmp/w.h5" --batch 2 --chunk-rows 2 --threads 1 \
  --out "$tmp/ref.h5" >/dev/null 2>&1 || { echo "FAIL: reference extraction"; exit 1; }
echo "reference: $(stat -c %s "$tmp/ref.h5") bytes (work file ~310 KB, final file ~3.2 MB)"

# KiB left free: nothing; the work file's metadata but not its rows; its rows
# but not the room to record the implementation; the work file but not the
# final file; most of the final file; just short of it
for free_k in 0 40 330 400 1500 3100; do
  unshare -m bash "$0" inside "$tmp" "$free_k" >"$tmp/res" 2>&1
  rc1=$(sed -n 's/^rc1=//p' "$tmp/res"); rc2=$(sed -n 's/^rc2=//p' "$tmp/res")
  echo "-- $free_k KiB free: first run exit $rc1: $(tail -1 "$tmp/err1" 2>/dev/null)"
  check "$free_k KiB free: exit 0 or 1, not a signal" '[ "$rc1" = 0 ] || [ "$rc1" = 1 ]'
  [ "$rc1" = 1 ] && check "$free_k KiB free: the message names the FNE file" 'grep -q "mnt/fne.h5" "$tmp/err1"'
  check "$free_k KiB free: the earlier complete file on the disk is intact" 'grep -q "^keep=same" "$tmp/res"'
  check "$free_k KiB free: with space freed the same command completes" '[ "$rc2" = 0 ]' || cat "$tmp/err2"
  check "$free_k KiB free: ... with the bytes of an uninterrupted run" 'grep -q "^final=same" "$tmp/res"'
  check "$free_k KiB free: ... and no .partial, .tmp or .lock left" '! grep -q "^left=" "$tmp/res"' || grep "^left=" "$tmp/res"
done
exit $fail
