#!/bin/bash
# fnegraph graph --edges on a full disk (issue 13): on a private tmpfs filled
# to several levels, with an earlier edge file (another k) at the same path,
# graph exits 0 or 1, never by a signal; a failure names the edge file and
# leaves the earlier file byte-identical; with the filler removed the same
# command completes with the bytes of an uninterrupted run (cmp), no .tmp or
# .lock left. Needs root (unshare -m, mount -t tmpfs); else skipped.
DF_SIZE_K=131072 DF_OUT=e.h5 DF_REF=ref.h5 DF_LEFT='tmp|lock'
. "$(dirname "$0")/support/disk_full.sh"
df_before() { cp "$tmp/old.h5" "$mnt/e.h5"; } # the earlier complete output at the same path
df_args() { args=(graph --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --threads 1 --edges "$mnt/e.h5"); }
df_kept() { cmp -s "$mnt/e.h5" "$tmp/old.h5" && echo "old=same" || echo "old=changed"; }
df_inside_maybe "$@"
df_setup

"$exe" gen-weights --out "$tmp/w.h5" --seed 2 --no-fc8 >/dev/null 2>&1 || { echo "FAIL: gen-weights"; exit 1; }
"$exe" demo-data --out "$tmp/imgs" --classes 2 --per-class 3 --seed 5 >/dev/null 2>&1 || { echo "FAIL: demo-data"; exit 1; }
"$exe" extract --dataset folder --root "$tmp/imgs" --weights "$tmp/w.h5" --batch 2 --threads 1 \
  --out "$tmp/fne.h5" >/dev/null 2>&1 || { echo "FAIL: extraction"; exit 1; }
"$exe" graph --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --threads 1 --edges "$tmp/ref.h5" >/dev/null 2>&1 &&
  "$exe" graph --fne "$tmp/fne.h5" --weights "$tmp/w.h5" --threads 1 --k 3 --edges "$tmp/old.h5" >/dev/null 2>&1 ||
  { echo "FAIL: reference edge files"; exit 1; }
echo "reference edge file: $(stat -c %s "$tmp/ref.h5") bytes; the earlier one (k 3): $(stat -c %s "$tmp/old.h5")"

for level in 0 64 8000 30000 42000; do
  df_level "$level"
  check "$free_k KiB free: exit 0 or 1, not a signal" '[ "$rc1" = 0 ] || [ "$rc1" = 1 ]'
  [ "$rc1" = 1 ] && check "$free_k KiB free: the message names the edge file" 'grep -q "mnt/e.h5" "$tmp/err1"'
  [ "$rc1" = 1 ] && check "$free_k KiB free: the earlier edge file is intact" 'grep -q "^old=same" "$tmp/res"'
  df_rerun ".tmp or .lock"
done
exit $fail
