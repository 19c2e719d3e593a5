#!/bin/bash
# Every output path is checked before any work (issue 13 item 6): an empty
# path, a folder, a path under a regular file, for extract --out, graph
# --edges, gen-weights --out and cluster --membership, is an error (exit 1)
# naming the path, given before the inputs are even opened (the inputs named
# here do not exist, so a later check would report them instead), and leaves
# no .partial/.tmp/.lock behind (the run happens in an empty folder).
set -u
exe=${FG_EXE:?FG_EXE not set}
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/work" "$tmp/dir"
: >"$tmp/file"
cd "$tmp/work" || exit 1

try() { # name, expected message, command...
  local name=$1 want=$2; shift 2
  "$exe" "$@" >/dev/null 2>"$tmp/err"; local rc=$?
  check "$name: exit 1 with '$want'" '[ $rc = 1 ] && grep -qF -- "$want" "$tmp/err"' || cat "$tmp/err"
  check "$name: nothing written in the working folder" '[ -z "$(ls -A "$tmp/work")" ]' || ls -A "$tmp/work"
}
ex=(extract --dataset folder --root "$tmp/no-root" --weights "$tmp/no-weights.h5")
try "extract --out ''" "empty output path given for the FNE file" "${ex[@]}" --out ""
try "extract --out FOLDER" "$tmp/dir: is a folder" "${ex[@]}" --out "$tmp/dir"
try "extract --out FILE/x.h5" "$tmp/file/x.h5: cannot write the FNE file there" "${ex[@]}" --out "$tmp/file/x.h5"
gr=(graph --fne "$tmp/no-fne.h5" --weights "$tmp/no-weights.h5")
try "graph --edges ''" "empty output path given for the edge file" "${gr[@]}" --edges ""
try "graph --edges FOLDER/" "$tmp/dir/: names a folder" "${gr[@]}" --edges "$tmp/dir/"
try "gen-weights --out FOLDER" "$tmp/dir: is a folder" gen-weights --out "$tmp/dir"
try "gen-weights --out FILE/w.h5" "$tmp/file/w.h5: cannot write the weight file there" gen-weights --out "$tmp/file/w.h5"
try "cluster --membership ''" "empty output path given for the membership file" \
  cluster --edges "$tmp/no-edges.h5" --communities 2 --membership ""
try "cluster --membership FOLDER" "$tmp/dir: is a folder" \
  cluster --fne "$tmp/no-fne.h5" --weights "$tmp/no-weights.h5" --membership "$tmp/dir"
check "the folder given as a path is untouched" '[ -z "$(ls -A "$tmp/dir")" ]'
exit $fail
