#!/bin/bash
# fnegraph sweep end to end on a tiny generated set (synthetic JPEGs, seeded
# random weights): the plan (--dry-run writes nothing), a full sweep -> the
# results file (every row of the grid, once), a second run skips everything,
# a sweep interrupted with SIGINT (exit 130) and one killed with SIGKILL both
# continue to exactly the rows of an uninterrupted sweep, `fnegraph table` and
# paper/make_table2.py + make_figures.py read the file, bad configs fail
# naming the file and line, and --dataset splits a config over processes
# (their files read together by `fnegraph table`).
#
# The results files are read through the CLI itself: `fnegraph sweep
# --dry-run` counts the grid's graphs and runs already in a file, `fnegraph
# table` reads (and checks) every run row. With Debian's python3-h5py the
# same files are also read independently (row counts, attributes, each row's
# fields) and the paper scripts run; without it those extras are skipped and
# the rest still runs.
set -u
exe=${FG_EXE:?}
src=${FG_SOURCE_DIR:?}
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; return 1; fi; }
h5py=0
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import h5py' 2>/dev/null && h5py=1
[ $h5py = 1 ] || echo "note: no python3-h5py: results files read through the CLI only (h5py's row and attribute checks and the paper scripts skipped)"
tmp=$(mktemp -d); trap 'kill -9 $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
export FNEGRAPH_QUIET=1
"$exe" gen-weights --out "$tmp/w.h5" --seed 3 --no-fc8 >/dev/null 2>&1 || { echo "FAIL: gen-weights"; exit 1; }
"$exe" demo-data --out "$tmp/imgs" --classes 3 --per-class 5 --seed 2 >/dev/null 2>&1 || { echo "FAIL: demo-data"; exit 1; }
cat > "$tmp/s.ini" <<EOF
[sweep]
weights     = w.h5
out         = out/r.h5
thresholds  = -2:2, -1:1
k           = 1.5, 2
communities = classes, 2*classes
seeds       = 1-3
threads     = 2
batch       = 4

[dataset tiny]
kind  = folder
root  = imgs
fne   = cache/tiny_fne.h5
EOF

# runs of results files as `fnegraph table` reads them: the sum of its seeds column
table_runs() {
  "$exe" table "$@" 2>/dev/null | awk -F'|' '$10 ~ /^ *[0-9]+ *$/ {n += $10} END {print n + 0}'
}
# rows of a results file, "graphs runs distinct-run-keys": the grid's graphs
# and runs found in it (sweep --dry-run with the options of the sweep that
# wrote it) and the run rows `fnegraph table` reads; with h5py, its count of
# the rows must agree
count() { # file, the sweep's options
  local f=$1 plan cli py
  shift
  plan=$("$exe" sweep "$@" --out "$f" --dry-run 2>/dev/null | sed -nE \
    's/^total over the readable datasets: [0-9]+ graphs \(([0-9]+) done\), [0-9]+ runs \(([0-9]+) done\).*/\1 \2/p')
  read -r g d <<<"$plan"
  cli="${g:-?} $(table_runs "$f") ${d:-?}"
  if [ $h5py = 1 ]; then
    py=$(count_h5py "$f")
    [ "$py" = "$cli" ] || { echo "CLI reads $cli, h5py $py"; return; }
  fi
  echo "$cli"
}
count_h5py() {
  HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 - "$1" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
r = f["runs"][()]
keys = {(x["dataset"], x["lo"], x["hi"], x["k"], x["communities"], x["seed"], x["variant"]) for x in r}
print(len(f["graphs"]), len(r), len(keys))
PY
}
# the runs of two files agree key by key: the same table from each, and
# `fnegraph table A B` finds every run of B in A with the same scores (every
# NMI and AMI normalization, compared bit for bit; it refuses a run whose
# scores differ); with h5py also the sweeps of each run
same_runs() {
  local ta tb both n
  ta=$("$exe" table "$1" 2>&1) && tb=$("$exe" table "$2" 2>&1) || { echo "table failed"; return 1; }
  [ "$ta" = "$tb" ] || { echo "the tables differ:"; diff <(echo "$ta") <(echo "$tb"); return 1; }
  both=$("$exe" table "$1" "$2" 2>&1 >/dev/null) || { echo "$both"; return 1; }
  n=$(table_runs "$2")
  grep -q "^fnegraph table: $n run(s) found in more than one file, each counted once" <<<"$both" ||
    { echo "$both"; return 1; }
  [ $h5py = 0 ] || same_runs_h5py "$1" "$2"
}
same_runs_h5py() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys, h5py
def runs(p):
    r = h5py.File(p, "r")["runs"][()]
    return {(x["dataset"], x["lo"], x["hi"], x["k"], x["communities"], x["seed"]):
            (x["nmi_geometric"], x["ami_max"], x["ami_arithmetic"], x["sweeps"]) for x in r}
a, b = runs(sys.argv[1]), runs(sys.argv[2])
assert a.keys() == b.keys(), (len(a), len(b))
bad = [k for k in a if a[k] != b[k]]
assert not bad, bad[:3]
PY
}
# the settings of `fnegraph table`'s rows of a dataset with this many images
# and seeds, |V| and |E| > 0, 0 <= NMI <= 1 and AMI <= 1: "lo:hi k communities," sorted
table_settings() { # table output, dataset, images, seeds
  awk -F' [|] ' -v ds="| $2" -v im="$3" -v se="$4" '$1 == ds && $6 == im && $7 ~ /^[1-9]/ && $8 ~ /^[1-9]/ &&
    $9 == se && $10 + 0 >= 0 && $10 + 0 <= 1 && $11 + 0 <= 1 {print $2, $3, $4}' "$1" | sort | tr '\n' ,
}
# the (lo, hi, k) of a sweep's graph lines that have image-feature edges and all N images
graph_lines() { # sweep output, dataset, N
  grep -E "^\[$2\] lo -?[0-9.]+ hi [0-9.]+ k [0-9.]+: .* \([1-9][0-9]* image-feature\), .* $3 of $3 images" "$1" |
    sed -E 's/: .*//' | sort -u | tr '\n' ,
}
# wait until `fnegraph table` reads at least N runs in the results file (or
# the process ended); the sweep holds the file open, hence no HDF5 file lock
wait_rows() { # file, N, pid
  local t0=$SECONDS
  while [ $((SECONDS - t0)) -lt 300 ]; do
    [ "$(HDF5_USE_FILE_LOCKING=FALSE table_runs "$1")" -ge "$2" ] && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}

# --- the plan writes nothing
"$exe" sweep --config "$tmp/s.ini" --dry-run >"$tmp/plan" 2>&1; rc=$?
check "dry run exits 0" '[ $rc = 0 ]' || cat "$tmp/plan"
check "dry run lists the dataset: 15 images, 3 classes, 4 graphs, 24 runs" \
  'grep -Eq "^tiny +folder +15 +3 +0/4 +0/24" "$tmp/plan"' || cat "$tmp/plan"
check "dry run writes no results and no cache" '! [ -e "$tmp/out" ] && ! [ -e "$tmp/cache" ]'

# --- the whole sweep
"$exe" sweep --config "$tmp/s.ini" >"$tmp/o1" 2>"$tmp/e1"; rc=$?
check "sweep exits 0" '[ $rc = 0 ]' || cat "$tmp/o1" "$tmp/e1"
s1=(--config "$tmp/s.ini")
check "4 graphs and 24 distinct runs" '[ "$(count "$tmp/out/r.h5" "${s1[@]}")" = "4 24 24" ]'
check "the FNE cache was made" '[ -s "$tmp/cache/tiny_fne.h5" ]'
check "summary line" 'grep -q "sweep done: 24 runs written (0 were already there), 4 graphs written" "$tmp/o1"'
# the rows' contents as the CLI shows them: a graph line a (lo, hi, k), all 15
# images, image-feature edges; the table's 8 settings of (lo:hi, k,
# communities), 15 images, 3 seeds, |V| and |E| > 0, NMI in [0, 1]
check "graph lines: every (lo, hi, k) once, image-feature edges, 15 of 15 images" \
  '[ "$(graph_lines "$tmp/o1" tiny 15)" = "[tiny] lo -1 hi 1 k 1.5,[tiny] lo -1 hi 1 k 2,[tiny] lo -2 hi 2 k 1.5,[tiny] lo -2 hi 2 k 2," ]' ||
  cat "$tmp/o1"
"$exe" table "$tmp/out/r.h5" >"$tmp/t1" 2>&1
check "table rows: the grid's 8 settings, 15 images, 3 seeds each, |V| and |E| > 0, NMI in [0, 1], AMI <= 1" \
  '[ "$(table_settings "$tmp/t1" tiny 15 3)" = "-1:1 1.5 3,-1:1 1.5 6,-1:1 2 3,-1:1 2 6,-2:2 1.5 3,-2:2 1.5 6,-2:2 2 3,-2:2 2 6," ]' ||
  cat "$tmp/t1"
[ $h5py = 1 ] && /usr/bin/python3 - "$tmp/out/r.h5" <<'PY' >"$tmp/attrs" 2>&1; rc=$?
import sys, h5py
f = h5py.File(sys.argv[1], "r")
a = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
assert "thresholds" in a["config"] and len(a["git_commit"]) >= 7, a
g = f["graphs"][()]
assert sorted(set(g["k"])) == [1.5, 2.0] and sorted(set(g["lo"])) == [-2.0, -1.0]
assert (g["n_images"] == 15).all() and (g["n_edges_if"] > 0).all()
r = f["runs"][()]
assert sorted(set(r["communities"])) == [3, 6] and sorted(set(r["seed"])) == [1, 2, 3]
assert ((r["nmi_geometric"] >= 0) & (r["nmi_geometric"] <= 1)).all()
assert (r["n_images_scored"] + r["n_images_outside"] == 15).all()
print("attributes and rows ok")
PY
[ $h5py = 1 ] && { check "h5py: attributes (config text, git commit) and row contents" '[ $rc = 0 ]' || cat "$tmp/attrs"; }

# --- again: everything is skipped, the FNE cache is reused untouched
before=$(stat -c %Y.%s "$tmp/cache/tiny_fne.h5")
"$exe" sweep --config "$tmp/s.ini" >"$tmp/o2" 2>&1; rc=$?
check "second sweep exits 0 and writes nothing" \
  '[ $rc = 0 ] && grep -q "0 runs written (24 were already there), 0 graphs written" "$tmp/o2"' || cat "$tmp/o2"
check "still 24 runs" '[ "$(count "$tmp/out/r.h5" "${s1[@]}")" = "4 24 24" ]'
check "the cache was not rewritten" '[ "$(stat -c %Y.%s "$tmp/cache/tiny_fne.h5")" = "$before" ]'

# --- the root gone: the complete cache stands in (its header read for the plan and the check)
"$exe" sweep --config "$tmp/s.ini" --out "$tmp/gone.h5" --set sweep.seeds=1 --set "dataset tiny.root=$tmp/gone" \
  >"$tmp/og" 2>"$tmp/eg"; rc=$?
check "root absent, cache of the same job: exit 0, the cache used (15 images), 4 graphs and 8 runs" \
  '[ $rc = 0 ] && grep -q "root .*gone absent: using the complete FNE cache .*tiny_fne.h5 (15 images)" "$tmp/og" &&
   [ "$(count "$tmp/gone.h5" --config "$tmp/s.ini" --set sweep.seeds=1 --set "dataset tiny.root=$tmp/gone")" = "4 8 8" ]' ||
  cat "$tmp/og" "$tmp/eg"
"$exe" sweep --config "$tmp/s.ini" --out "$tmp/gone2.h5" --set sweep.preprocess=raw --set "dataset tiny.root=$tmp/gone" \
  >"$tmp/og" 2>"$tmp/eg"; rc=$?
check "root absent, cache of another job: exit 1 naming the attribute and both values" \
  '[ $rc = 1 ] && grep -q "s.ini:11: \[dataset tiny\]: root .*gone. does not exist and the cache .*tiny_fne.h5 was made by another job (preprocess: .caffe., this sweep: .raw.)" "$tmp/eg"' ||
  cat "$tmp/og" "$tmp/eg"

# --- a larger grid on the same cache, interrupted with SIGINT, then killed with SIGKILL
big=(--set sweep.seeds=1-20 --set sweep.threads=1)
"$exe" sweep --config "$tmp/s.ini" "${big[@]}" --set sweep.threads=2 --out "$tmp/ref.h5" >/dev/null 2>&1 || echo "FAIL: reference sweep"
"$exe" sweep --config "$tmp/s.ini" "${big[@]}" --out "$tmp/int.h5" >"$tmp/o3" 2>"$tmp/e3" &
pid=$!
wait_rows "$tmp/int.h5" 3 $pid && kill -INT $pid
wait $pid; rc=$?
check "SIGINT: exit 130 and a message saying how to continue" \
  '[ $rc = 130 ] && grep -q "interrupted: .* run the same command again to continue" "$tmp/e3"' || cat "$tmp/o3" "$tmp/e3"
read -r g1 r1 k1 <<<"$(count "$tmp/int.h5" "${s1[@]}" "${big[@]}")"
check "SIGINT: some runs kept, not all ($r1 of 160), no duplicate" '[ "$r1" -ge 3 ] && [ "$r1" -lt 160 ] && [ "$r1" = "$k1" ]'
"$exe" sweep --config "$tmp/s.ini" "${big[@]}" --out "$tmp/int.h5" >"$tmp/o4" 2>&1 &
pid=$!
wait_rows "$tmp/int.h5" $((r1 + 5)) $pid && kill -KILL $pid
wait $pid 2>/dev/null; rc=$?
check "SIGKILL: the process was killed" '[ $rc = 137 ]'
read -r g2 r2 k2 <<<"$(count "$tmp/int.h5" "${s1[@]}" "${big[@]}")"
check "SIGKILL: the file is readable, rows kept ($r2), no duplicate" '[ "$r2" -gt "$r1" ] && [ "$r2" = "$k2" ]'
"$exe" sweep --config "$tmp/s.ini" "${big[@]}" --out "$tmp/int.h5" >"$tmp/o5" 2>&1; rc=$?
check "resume exits 0 and says how many were there" \
  '[ $rc = 0 ] && grep -q "were already there" "$tmp/o5"' || cat "$tmp/o5"
check "resumed file: 4 graphs, 160 distinct runs" '[ "$(count "$tmp/int.h5" "${s1[@]}" "${big[@]}")" = "4 160 160" ]'
check "resumed file equals the uninterrupted sweep, run by run" 'same_runs "$tmp/ref.h5" "$tmp/int.h5"'

# --- a cache made in another extraction mode is refused, not reused
"$exe" sweep --config "$tmp/s.ini" --out "$tmp/wino.h5" --set sweep.conv=winograd >"$tmp/ow" 2>"$tmp/ew"; rc=$?
check "winograd sweep on the f32-direct cache: exit 1 naming the cache and both modes" \
  '[ $rc = 1 ] && grep -q "tiny_fne.h5" "$tmp/ew" && grep -q "winograd" "$tmp/ew" && grep -q "direct" "$tmp/ew"' ||
  cat "$tmp/ow" "$tmp/ew"
if [ $h5py = 1 ]; then
  /usr/bin/python3 -c "import h5py,sys; a=h5py.File(sys.argv[1]).attrs; assert a['conv'] == 'direct' and a['precision'] == 'f32' and 'conv1_1:' in a['impl'], dict(a)" "$tmp/out/r.h5" 2>"$tmp/ea"
  check "h5py: results attributes record the extraction mode and each step's implementation" '[ $? = 0 ]' || cat "$tmp/ea"
fi

# --- a native layout through the same runner: mit67 (Images/<class>, Train/TestImages.txt), train split
mkdir -p "$tmp/mit67" && ln -s "$tmp/imgs" "$tmp/mit67/Images"
(cd "$tmp/imgs" && for c in class_*; do ls "$c" | sort | head -3 | sed "s|^|$c/|"; done) > "$tmp/mit67/TrainImages.txt"
(cd "$tmp/imgs" && for c in class_*; do ls "$c" | sort | tail -2 | sed "s|^|$c/|"; done) > "$tmp/mit67/TestImages.txt"
mit=(--config "$tmp/s.ini" --set sweep.thresholds=-2:2 --set sweep.k=1.5 \
  --set sweep.seeds=1 --set "dataset tiny.kind=mit67" --set "dataset tiny.root=$tmp/mit67" \
  --set "dataset tiny.split=train" --set "dataset tiny.fne=$tmp/mit_train.h5")
"$exe" sweep "${mit[@]}" --out "$tmp/mit.h5" >"$tmp/om" 2>&1; rc=$?
"$exe" table "$tmp/mit.h5" >"$tmp/tm" 2>&1
check "mit67 layout, train split: 9 of 15 images, 3 classes, 2 runs" \
  '[ $rc = 0 ] && [ "$(count "$tmp/mit.h5" "${mit[@]}")" = "1 2 2" ] && grep -q "mit67 dataset, root .*, split train, 3 classes" "$tmp/om" &&
   [ "$(grep -c "^| tiny | -2:2 | 1.5 | [36] | paper | 9 | " "$tmp/tm")" = 2 ] &&
   { [ $h5py = 0 ] || /usr/bin/python3 -c "import h5py,sys; g=h5py.File(sys.argv[1])[\"graphs\"][()]; assert (g[\"n_images\"] == 9).all()" "$tmp/mit.h5"; }' ||
  cat "$tmp/om" "$tmp/tm"

# --- the table and the paper scripts
"$exe" table "$tmp/out/r.h5" >"$tmp/t" 2>&1; rc=$?
check "fnegraph table lists the dataset's settings" '[ $rc = 0 ] && [ "$(grep -c "^| tiny | " "$tmp/t")" = 8 ]' || cat "$tmp/t"
if [ $h5py = 1 ]; then
  /usr/bin/python3 "$src/paper/make_table2.py" "$tmp/out/r.h5" --out-dir "$tmp/paper" >"$tmp/p" 2>&1; rc=$?
  check "make_table2.py writes Markdown and LaTeX" \
    '[ $rc = 0 ] && grep -q "tiny" "$tmp/paper/table2.md" && grep -q "tiny" "$tmp/paper/table2.tex"' || cat "$tmp/p"
fi
if [ $h5py = 1 ] && /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  /usr/bin/python3 "$src/paper/make_figures.py" "$tmp/out/r.h5" --out-dir "$tmp/fig" >"$tmp/f" 2>&1; rc=$?
  check "make_figures.py writes the k and threshold figures" \
    '[ $rc = 0 ] && [ -s "$tmp/fig/nmi_ami_vs_k.png" ] && ls "$tmp"/fig/*.pdf >/dev/null' || { cat "$tmp/f"; ls "$tmp/fig"; }
fi

# --- bad configs and options name the file and line
bad() { # name, expected exit, expected message (grep -E), config lines...
  local name=$1 want=$2 msg=$3; shift 3
  printf '%s\n' "$@" > "$tmp/bad.ini"
  "$exe" sweep --config "$tmp/bad.ini" >"$tmp/bo" 2>"$tmp/be"; local rc=$?
  check "$name: exit $want, message" '[ $rc = '"$want"' ] && grep -Eq "$msg" "$tmp/be"' || cat "$tmp/be"
}
ok_sweep=('[sweep]' 'weights = w.h5' 'out = b.h5' 'thresholds = -2:2' 'k = 1.5' 'communities = classes' 'seeds = 1')
bad "unknown key" 2 'bad\.ini:8: .*unknown key .colour' "${ok_sweep[@]}" 'colour = red'
bad "bad number" 2 'bad\.ini:5: .*k' '[sweep]' 'weights = w.h5' 'out = b.h5' 'thresholds = -2:2' 'k = 1.5x' \
  'communities = classes' 'seeds = 1' '[dataset a]' 'kind = folder' 'root = imgs' 'fne = c.h5'
bad "missing root" 1 'bad\.ini:8: \[dataset a\]: root .*nowhere.* does not exist' "${ok_sweep[@]}" \
  '[dataset a]' 'kind = folder' 'root = nowhere' 'fne = c.h5'
bad "unknown kind" 2 'bad\.ini:9: .*kind' "${ok_sweep[@]}" '[dataset a]' 'kind = imagenet' 'root = imgs' 'fne = c.h5'
"$exe" sweep --config "$src/experiments/configs/table2.ini" --out "$tmp/t2.h5" --dry-run \
  --set "dataset wood.root=$tmp/imgs" --set "dataset wood.kind=folder" >"$tmp/do" 2>"$tmp/de"; rc=$?
check "dry run of table2.ini without the data: every missing dataset listed, the readable one planned, exit 1" \
  '[ $rc = 1 ] && [ "$(grep -c "cannot be read: .*table2.ini:[0-9]*: \[dataset .*\]: root .* does not exist" "$tmp/do")" = 3 ] &&
   grep -Eq "^wood +folder +15 +3 +0/1 +0/10" "$tmp/do" && grep -q "3 of 4 datasets cannot be read" "$tmp/de"' ||
  cat "$tmp/do" "$tmp/de"
"$exe" sweep --config "$src/experiments/configs/table2.ini" --out "$tmp/t2.h5" --dry-run --dataset wood \
  --set "dataset wood.root=$tmp/imgs" --set "dataset wood.kind=folder" >"$tmp/do" 2>"$tmp/de"; rc=$?
check "--dataset wood: only wood is listed and planned, exit 0" \
  '[ $rc = 0 ] && grep -Eq "^wood +folder +15 +3 +0/1 +0/10" "$tmp/do" && ! grep -q "mit67\|flowers102\|textures" "$tmp/do"' ||
  cat "$tmp/do" "$tmp/de"
"$exe" sweep --config "$src/experiments/configs/table2.ini" --dry-run --dataset nope >/dev/null 2>"$tmp/de"; rc=$?
check "--dataset of a name the config lacks: exit 2, the names it has" \
  '[ $rc = 2 ] && grep -q "has no \[dataset nope\] (it has: mit67, flowers102, textures, wood)" "$tmp/de"' || cat "$tmp/de"

# --- a dataset a process (as on several machines), each with its own results file, one table
{ cat "$tmp/s.ini"; printf '\n[dataset tiny2]\nkind = folder\nroot = imgs\nfne = cache/tiny2_fne.h5\n'; } > "$tmp/s2.ini"
one=(--config "$tmp/s2.ini" --set sweep.seeds=1 --set sweep.threads=1)
"$exe" sweep "${one[@]}" --dataset tiny --out "$tmp/p1.h5" >"$tmp/op1" 2>&1 &
p1=$!
"$exe" sweep "${one[@]}" --dataset tiny2 --out "$tmp/p2.h5" >"$tmp/op2" 2>&1; rc2=$?
wait $p1; rc1=$?
check "two processes, a dataset each: both exit 0, 4 graphs and 8 runs each" \
  '[ $rc1 = 0 ] && [ $rc2 = 0 ] && [ "$(count "$tmp/p1.h5" "${one[@]}" --dataset tiny)" = "4 8 8" ] &&
   [ "$(count "$tmp/p2.h5" "${one[@]}" --dataset tiny2)" = "4 8 8" ]' ||
  cat "$tmp/op1" "$tmp/op2"
if [ $h5py = 1 ]; then
  /usr/bin/python3 -c "import h5py,sys; c=h5py.File(sys.argv[1]).attrs['config']; c=c.decode() if isinstance(c,bytes) else c; assert '; only these datasets (--dataset): tiny2' in c, c[-200:]" "$tmp/p2.h5" 2>"$tmp/ea"
  check "h5py: the results file's config says which datasets the process ran" '[ $? = 0 ]' || cat "$tmp/ea"
fi
"$exe" table "$tmp/p1.h5" "$tmp/p2.h5" >"$tmp/t2" 2>&1; rc=$?
check "fnegraph table reads both files as one: 8 settings of tiny, 8 of tiny2" \
  '[ $rc = 0 ] && [ "$(grep -c "^| tiny | " "$tmp/t2")" = 8 ] && [ "$(grep -c "^| tiny2 | " "$tmp/t2")" = 8 ]' || cat "$tmp/t2"
"$exe" table "$tmp/p1.h5" "$tmp/out/r.h5" >"$tmp/t3" 2>&1; rc=$?
check "a run in two files of the same job counts once" \
  '[ $rc = 0 ] && grep -q "8 run(s) found in more than one file, each counted once" "$tmp/t3" && grep -q "^| tiny | -2:2 | 1.5 | 3 | paper | 15 | .* | 3 | " "$tmp/t3"' ||
  cat "$tmp/t3"
if [ $h5py = 1 ]; then
  /usr/bin/python3 "$src/paper/make_table2.py" "$tmp/p1.h5" "$tmp/p2.h5" "$tmp/out/r.h5" --out-dir "$tmp/paper2" >"$tmp/p2o" 2>&1; rc=$?
  check "make_table2.py reads the files as one, like fnegraph table (duplicates once)" \
    '[ $rc = 0 ] && grep -q "8 run(s) found in more than one file, each counted once" "$tmp/p2o" &&
     [ "$(grep -c "^| tiny | " "$tmp/paper2/table2.md")" = 8 ] && [ "$(grep -c "^| tiny2 | " "$tmp/paper2/table2.md")" = 8 ]' ||
    { cat "$tmp/p2o"; cat "$tmp/paper2/table2.md"; }
fi
"$exe" sweep --config "$tmp/nope.ini" >/dev/null 2>"$tmp/be"; rc=$?
check "a sweep that cannot read its datasets creates no results file" '! [ -e "$tmp/b.h5" ]'
check "missing config: exit 2, names the file" '[ $rc = 2 ] && grep -q "nope.ini" "$tmp/be"' || cat "$tmp/be"
"$exe" sweep >/dev/null 2>"$tmp/be"; rc=$?
check "no --config: usage error" '[ $rc = 2 ] && grep -q -- "--config" "$tmp/be"'
"$exe" sweep --help | grep -q "Exit status" ; check "--help explains exit status" '[ $? = 0 ]'
exit $fail
