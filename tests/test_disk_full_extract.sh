#!/bin/bash
# fnegraph extract on a full disk (issue 13 items 1 and 2): on a private
# tmpfs filled to several levels (from 0 KiB free to just short of what the
# job needs), extract exits 0 or 1, never by a signal; a failure names the
# FNE file; an earlier complete file on the same disk stays byte-identical;
# then, with the filler removed, the same command completes and its file is
# byte-identical to an uninterrupted run's (cmp), with no .partial, .tmp or
# .lock left. Needs root (unshare -m, mount -t tmpfs); else skipped.
DF_SIZE_K=8192 DF_OUT=fne.h5 DF_REF=ref.h5 DF_LEFT='partial|tmp|lock'
. "$(dirname "$0")/support/disk_full.sh"
df_before() { cp "$tmp/ref.h5" "$mnt/keep.h5"; } # an earlier complete output on the same disk
df_args() {
  args=(extract --dataset folder --root "$tmp/imgs" --weights "$tmp/w.h5" --batch 2 --chunk-rows 2 --threads 1
        --out "$mnt/fne.h5")
}
df_kept() { cmp -s "$mnt/keep.h5" "$tmp/ref.h5" && echo "keep=same" || echo "keep=changed"; }
df_inside_maybe "$@"
df_setup

"$exe" gen-weights --out "$tmp/w.h5" --seed 2 --no-fc8 >/dev/null 2>&1 || { echo "FAIL: gen-weights"; exit 1; }
"$exe" demo-data --out "$tmp/imgs" --classes 2 --per-class 3 --seed 5 >/dev/null 2>&1 || { echo "FAIL: demo-data"; exit 1; }
"$exe" extract --dataset folder --root "$tmp/imgs" --weights "$tmp/w.h5" --batch 2 --chunk-rows 2 --threads 1 \
  --out "$tmp/ref.h5" >/dev/null 2>&1 || { echo "FAIL: reference extraction"; exit 1; }
echo "reference: $(stat -c %s "$tmp/ref.h5") bytes (work file ~310 KB, final file ~3.2 MB)"

# KiB left free: nothing; the work file's metadata but not its rows; its rows
# but not the room to record the implementation; the work file but not the
# final file; most of the final file; just short of it
for level in 0 40 330 400 1500 3100; do
  df_level "$level"
  check "$free_k KiB free: exit 0 or 1, not a signal" '[ "$rc1" = 0 ] || [ "$rc1" = 1 ]'
  [ "$rc1" = 1 ] && check "$free_k KiB free: the message names the FNE file" 'grep -q "mnt/fne.h5" "$tmp/err1"'
  check "$free_k KiB free: the earlier complete file on the disk is intact" 'grep -q "^keep=same" "$tmp/res"'
  df_rerun ".partial, .tmp or .lock"
done
exit $fail
