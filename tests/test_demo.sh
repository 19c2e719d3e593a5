#!/bin/bash
# fnegraph demo (the README's main command) on a reduced set: it says the
# weights are random and the images synthetic, prints the table, writes the
# results file, reuses its work files on a second run, and refuses to replace
# a results file it did not write.
set -u
exe=${FG_EXE:?}
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; return 1; fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export FNEGRAPH_QUIET=1
cd "$tmp"
args=(--out work --classes 3 --per-class 4 --seeds 3 --threads 2)
"$exe" demo "${args[@]}" >out1 2>err1; rc=$?
check "demo exits 0" '[ $rc = 0 ]' || cat out1 err1
check "says the weights are random and the images synthetic" \
  'grep -q "SYNTHETIC images and RANDOM weights" out1 && grep -q "the weights are RANDOM" out1'
check "prints the table row of the synthetic set (12 images, 3 seeds)" \
  'grep -Eq "^\| synthetic \| -2:2 \| 1.5 \| 3 \| paper \| 12 \| .* \| 3 \| " out1' || cat out1
check "prints the real commands" 'grep -q "sweep --config experiments/configs/table2.ini" out1'
check "writes results/demo.h5 and its work files" \
  '[ -s results/demo.h5 ] && [ -s work/fne_3x4.h5 ] && [ -s work/weights_random_seed1.h5 ] && [ -s work/demo.ini ]'
"$exe" demo "${args[@]}" >out2 2>err2; rc=$?
check "second run exits 0, reuses weights and FNE cache" \
  '[ $rc = 0 ] && grep -q "made earlier" out2 && grep -q "complete (12 images): reused" out2' || cat out2 err2
check "same table both times" 'diff <(grep "^| synthetic" out1) <(grep "^| synthetic" out2)'
"$exe" gen-weights --out foreign.h5 --no-fc8 >/dev/null 2>&1
"$exe" demo "${args[@]}" --results foreign.h5 >out3 2>err3; rc=$?
check "refuses to replace a file it did not write" \
  '[ $rc = 1 ] && grep -q "foreign.h5 exists and was not written by fnegraph demo" err3 && [ -s foreign.h5 ]' || cat err3
"$exe" demo --classes 1 >/dev/null 2>err4; rc=$?
check "bad option value: usage error" '[ $rc = 2 ] && grep -q -- "--classes" err4'
exit $fail
