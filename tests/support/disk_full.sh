# Sourced by tests/test_disk_full_*.sh: one fnegraph command on a private
# tmpfs filled to leave FREE_K KiB, then the same command with the filler
# removed; the script checks what each run left. Needs root (unshare -m,
# mount -t tmpfs): df_setup skips (exit 77) without it.
#
# Before sourcing, a script sets DF_SIZE_K (the tmpfs size in KiB), DF_OUT
# (its output, a name on the tmpfs), DF_REF (the reference file in $tmp it
# must equal after the rerun) and DF_LEFT (suffixes no run may leave, e.g.
# 'tmp|lock'), and defines df_args (fills the array `args`; may use $tmp and
# $mnt), df_before (what the disk holds before the first run) and df_kept
# (prints a line KEY=same or KEY=changed about the earlier output after the
# first run). Then it calls, in order: df_inside_maybe "$@", df_setup, and
# for each level df_level FREE_K followed by its checks (check, df_rerun).
set -u
exe=${FG_EXE:?FG_EXE not set}
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }

# In the private mount namespace (the script run again as `SCRIPT inside TMP
# FREE_K`): one fill level. Prints rc1=, the df_kept line, rc2=, final= and
# one left= line per forbidden file left on the disk.
df_inside_maybe() {
  [ "${1:-}" = inside ] || return 0
  tmp=$2 free_k=$3
  mnt=$tmp/mnt
  mount -t tmpfs -o size=${DF_SIZE_K}k tmpfs "$mnt" || exit 90
  df_before
  df_args
  local avail fill
  avail=$(df -k --output=avail "$mnt" | tail -1 | tr -d ' ')
  fill=$((avail - free_k))
  [ "$fill" -gt 0 ] && head -c "${fill}k" /dev/zero >"$mnt/filler" 2>/dev/null
  "$exe" "${args[@]}" >"$tmp/out1" 2>"$tmp/err1"
  echo "rc1=$?"
  df_kept
  rm -f "$mnt/filler"
  "$exe" "${args[@]}" >"$tmp/out2" 2>"$tmp/err2"
  echo "rc2=$?"
  cmp -s "$mnt/$DF_OUT" "$tmp/$DF_REF" && echo "final=same" || echo "final=differs"
  ls -a "$mnt" | grep -E "\.($DF_LEFT)\$" | sed 's/^/left=/'
  exit 0
}

# A temporary folder $tmp (removed at exit) with the mount point $tmp/mnt;
# exit 77 where a private tmpfs cannot be had.
df_setup() {
  [ "$(id -u)" = 0 ] || { echo "skip: needs root for a private tmpfs (unshare -m, mount)"; exit 77; }
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/mnt"
  unshare -m bash -c "mount -t tmpfs -o size=64k tmpfs '$tmp/mnt'" 2>/dev/null ||
    { echo "skip: cannot mount a private tmpfs here (unshare -m / mount -t tmpfs failed)"; exit 77; }
}

# One level: sets free_k, rc1, rc2 ($tmp/res holds the inside lines).
df_level() {
  free_k=$1
  unshare -m bash "$0" inside "$tmp" "$free_k" >"$tmp/res" 2>&1
  rc1=$(sed -n 's/^rc1=//p' "$tmp/res"); rc2=$(sed -n 's/^rc2=//p' "$tmp/res")
  echo "-- $free_k KiB free: first run exit $rc1: $(tail -1 "$tmp/err1" 2>/dev/null)"
}

# The checks of the rerun with space freed; $1 names the forbidden leftovers.
df_rerun() {
  check "$free_k KiB free: with space freed the same command completes" '[ "$rc2" = 0 ]' || cat "$tmp/err2"
  check "$free_k KiB free: ... with the bytes of an uninterrupted run" 'grep -q "^final=same" "$tmp/res"'
  check "$free_k KiB free: ... and no $1 left" '! grep -q "^left=" "$tmp/res"' || grep "^left=" "$tmp/res"
}
