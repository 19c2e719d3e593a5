#!/bin/bash
# Inputs that are not regular files are refused at once, never opened: a FIFO
# given as --weights (extract), --fne (graph) or as a flowers102 label file
# once blocked open() for ever. Each command runs under `timeout 20`, so a
# regression fails (exit 124) instead of hanging the suite; each must exit 1
# with a message naming the path and saying it is a FIFO, in well under 20 s.
set -u
fail=0
exe=${FG_EXE:?FG_EXE not set}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export FNEGRAPH_QUIET=1
"$exe" demo-data --out "$tmp/imgs" --classes 2 --per-class 1 --seed 5 >/dev/null 2>&1 || { echo "FAIL: demo-data"; exit 1; }
mkfifo "$tmp/fifo.h5" || { echo "FAIL: mkfifo"; exit 1; }
mkdir -p "$tmp/fl/jpg"
mkfifo "$tmp/fl/imagelabels.mat"

# refused NAME PATH CMD...
refused() {
  local name=$1 path=$2; shift 2
  local t0=$(date +%s)
  timeout 20 "$@" >/dev/null 2>"$tmp/err"; local rc=$?
  local dt=$(( $(date +%s) - t0 ))
  if [ $rc = 1 ] && grep -q "$path: is a FIFO (named pipe)" "$tmp/err" && [ $dt -lt 10 ]; then
    echo "ok: $name: exit 1 in ${dt} s: $(head -c 200 "$tmp/err")"
  else
    echo "FAIL: $name: exit $rc in ${dt} s (124: it hung): $(head -c 300 "$tmp/err")"; fail=1
  fi
}
refused "extract --weights FIFO" "$tmp/fifo.h5" \
  "$exe" extract --dataset folder --root "$tmp/imgs" --weights "$tmp/fifo.h5" --out "$tmp/o.h5"
refused "graph --fne FIFO" "$tmp/fifo.h5" "$exe" graph --fne "$tmp/fifo.h5" --weights "$tmp/absent.h5"
refused "extract --dataset flowers102 with a FIFO imagelabels.mat" "$tmp/fl/imagelabels.mat" \
  "$exe" extract --dataset flowers102 --root "$tmp/fl" --weights "$tmp/absent.h5" --out "$tmp/o2.h5"
exit $fail
