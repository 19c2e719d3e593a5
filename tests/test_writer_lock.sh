#!/bin/bash
# One writer per file (issue 13): while another process holds FILE.lock,
# `extract --out FILE`, `graph --edges FILE` and `gen-weights --out FILE` fail
# (exit 1) with "FILE: in use by another process (pid N)" naming the holder,
# without creating FILE or its work files. The holder is first util-linux
# flock(1) (the same flock(2) lock fnegraph takes), then a real second
# extraction: a first `extract` is stopped (SIGSTOP) while it holds the lock,
# a second one to the same --out is refused naming its pid, and the first,
# continued, completes with the bytes of an uninterrupted run.
set -u
exe=${FG_EXE:?FG_EXE not set}
command -v flock >/dev/null || { echo "skip: flock(1) from util-linux is not installed"; exit 77; }
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
tmp=$(mktemp -d)
holder=
cleanup() {
  [ -n "$holder" ] && kill "$holder" 2>/dev/null
  [ -n "${first:-}" ] && { kill -CONT "$first" 2>/dev/null; kill "$first" 2>/dev/null; }
  rm -rf "$tmp"
}
trap cleanup EXIT

# hold FILE.lock from another process (flock(1) running sleep); sets holder and hpid
hold() {
  rm -f "$1.lock"
  flock -n "$1.lock" bash -c 'echo $$ > "$1"; exec sleep 300' _ "$1.lock" &
  holder=$!
  for _ in $(seq 1 100); do [ -s "$1.lock" ] && break; sleep 0.05; done
  hpid=$(cat "$1.lock")
}
release() {
  kill "$hpid" 2>/dev/null; wait "$holder" 2>/dev/null; holder=
}

hold "$tmp/w2.h5"
"$exe" gen-weights --out "$tmp/w2.h5" --no-fc8 >/dev/null 2>"$tmp/err"; rc=$?
check "gen-weights: a held lock is refused (exit 1) naming the holder's pid" \
  '[ $rc = 1 ] && grep -q "w2.h5: in use by another process (pid $hpid)" "$tmp/err"' || cat "$tmp/err"
check "gen-weights: neither the file nor its .tmp was made" '[ ! -e "$tmp/w2.h5" ] && [ ! -e "$tmp/w2.h5.tmp" ]'
release

"$exe" gen-weights --out "$tmp/w.h5" --seed 2 --no-fc8 >/dev/null 2>&1 || { echo "FAIL: gen-weights"; exit 1; }
"$exe" demo-data --out "$tmp/imgs" --classes 3 --per-class 4 --seed 5 >/dev/null 2>&1 || { echo "FAIL: demo-data"; exit 1; }
args=(extract --dataset folder --root "$tmp/imgs" --weights "$tmp/w.h5" --batch 2 --chunk-rows 2 --threads 1)
"$exe" "${args[@]}" --out "$tmp/ref.h5" >/dev/null 2>&1 || { echo "FAIL: reference extraction"; exit 1; }

hold "$tmp/f.h5"
"$exe" "${args[@]}" --out "$tmp/f.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "extract: a held lock is refused (exit 1) naming the holder's pid" \
  '[ $rc = 1 ] && grep -q "f.h5: in use by another process (pid $hpid)" "$tmp/err"' || cat "$tmp/err"
check "extract: no FNE file, work file or .tmp made" '[ ! -e "$tmp/f.h5" ] && [ ! -e "$tmp/f.h5.partial" ] && [ ! -e "$tmp/f.h5.tmp" ]'
release

hold "$tmp/e.h5"
"$exe" graph --fne "$tmp/ref.h5" --weights "$tmp/w.h5" --threads 1 --edges "$tmp/e.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "graph --edges: a held lock is refused (exit 1) naming the holder's pid" \
  '[ $rc = 1 ] && grep -q "e.h5: in use by another process (pid $hpid)" "$tmp/err"' || cat "$tmp/err"
check "graph --edges: no edge file or .tmp made" '[ ! -e "$tmp/e.h5" ] && [ ! -e "$tmp/e.h5.tmp" ]'
release

# two extractions to the same --out: the first, stopped while it holds the lock
"$exe" "${args[@]}" --out "$tmp/g.h5" >"$tmp/out1" 2>&1 &
first=$!
stopped=0
for _ in $(seq 1 2000); do
  if [ -s "$tmp/g.h5.lock" ] && [ "$(cat "$tmp/g.h5.lock" 2>/dev/null)" = "$first" ]; then
    kill -STOP "$first" && stopped=1
    break
  fi
  kill -0 "$first" 2>/dev/null || break
  sleep 0.01
done
if [ $stopped = 1 ]; then
  "$exe" "${args[@]}" --out "$tmp/g.h5" >/dev/null 2>"$tmp/err"; rc=$?
  check "a second extract to the same --out is refused naming the first one's pid" \
    '[ $rc = 1 ] && grep -q "g.h5: in use by another process (pid $first)" "$tmp/err"' || cat "$tmp/err"
  kill -CONT "$first"
  wait "$first"; rc=$?
  first=
  check "the first extraction, continued, completes" '[ $rc = 0 ]' || cat "$tmp/out1"
  check "... with the bytes of an uninterrupted run, its lock file removed" \
    'cmp -s "$tmp/g.h5" "$tmp/ref.h5" && [ ! -e "$tmp/g.h5.lock" ]'
else
  wait "$first"; first=
  echo "FAIL: the first extraction was never seen holding its lock (g.h5.lock with its pid)"; fail=1
fi
exit $fail
