#!/bin/bash
# scripts/profile's report generator, --compare and schema checker on fixed
# inputs (tests/profile/profile_{a,b}.json: a 2-core machine with bf16 and a
# 4-core, 2-NUMA-node, unbound one without): report.md and the comparison
# must equal the committed expected files; broken profiles must be refused.
set -u
src=${FG_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
py=/usr/bin/python3
[ -x "$py" ] || { echo "SKIP: no /usr/bin/python3"; exit 77; }
main="$src/scripts/profile_lib/main.py"
fx="$src/tests/profile"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
for x in a b; do
  mkdir -p "$tmp/$x"
  cp "$fx/profile_$x.json" "$tmp/$x/profile.json"
  "$py" "$main" check "$tmp/$x/profile.json" || { echo "FAIL: fixture $x breaks the schema"; fail=1; }
  "$py" "$main" report "$tmp/$x" --no-plots || { echo "FAIL: report $x"; fail=1; continue; }
  diff -u "$fx/expected_report_$x.md" "$tmp/$x/report.md" || { echo "FAIL: report.md of $x differs"; fail=1; }
done
grep -q '^\*\*Warning:\*\* this machine has 2 NUMA nodes and the run was not bound' "$tmp/b/report.md" ||
  { echo "FAIL: no NUMA warning for the unbound 2-node fixture"; fail=1; }
grep -q '^- vgg16_bf16: ' "$tmp/b/report.md" || { echo "FAIL: the absent bf16 stage is not reported"; fail=1; }
# Winograd counted in direct flops above the FMA peak (as on a quiet AMD EPYC: 175 %): its own
# sentence, and neither "the closest to its roof" nor in the above-the-roof list
mkdir -p "$tmp/w"
"$py" - "$tmp/a/profile.json" "$tmp/w/profile.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
for s in p["stages"]:
    if s["name"] == "vgg16_winograd":
        s["fraction_of_roof"] = 1.753
json.dump(p, open(sys.argv[2], "w"))
PY
"$py" "$main" report "$tmp/w" --no-plots || { echo "FAIL: report w"; fail=1; }
grep -q 'vgg16_winograd runs at 175.3 % of the FMA peak counted in the direct convolution' "$tmp/w/report.md" ||
  { echo "FAIL: no Winograd sentence"; fail=1; }
grep -q 'the closest is vgg16_winograd\|Above 100 % of their roof: [^(]*vgg16_winograd' "$tmp/w/report.md" &&
  { echo "FAIL: Winograd's direct count compared as a fraction of a limit"; fail=1; }
"$py" "$main" compare "$tmp/a" "$tmp/b" >"$tmp/compare.md" || { echo "FAIL: --compare"; fail=1; }
diff -u "$fx/expected_compare.md" "$tmp/compare.md" || { echo "FAIL: --compare output differs"; fail=1; }
bash "$src/scripts/profile" --compare "$tmp/a" "$tmp/b" | cmp -s - "$tmp/compare.md" ||
  { echo "FAIL: scripts/profile --compare differs from the driver's"; fail=1; }

# with raw JSON in both directories, Google Benchmark's compare.py runs on each pair
gin=/usr/share/benchmark/gbench/Inputs
if [ -f "$gin/test1_run1.json" ] && "$py" -c 'import scipy' 2>/dev/null; then
  mkdir -p "$tmp/a/raw" "$tmp/b/raw"
  cp "$gin/test1_run1.json" "$tmp/a/raw/bench_x.t1.json"
  cp "$gin/test1_run2.json" "$tmp/b/raw/bench_x.t1.json"
  "$py" "$main" compare "$tmp/a" "$tmp/b" >"$tmp/compare_raw.md" || { echo "FAIL: --compare with raw"; fail=1; }
  head -c "$(wc -c <"$fx/expected_compare.md")" "$tmp/compare_raw.md" | cmp -s - "$fx/expected_compare.md" ||
    { echo "FAIL: the stage table changed with raw JSON present"; fail=1; }
  grep -q '^### bench_x.t1.json' "$tmp/compare_raw.md" && grep -q 'BM_SameTimes' "$tmp/compare_raw.md" ||
    { cat "$tmp/compare_raw.md"; echo "FAIL: no compare.py output for the raw pair"; fail=1; }
  rm -rf "$tmp/a/raw" "$tmp/b/raw"
else
  echo "note: libbenchmark-tools or scipy absent: compare.py on raw JSON not exercised"
fi

# the checker refuses what breaks the schema (one fault a file)
"$py" - "$fx/profile_a.json" "$tmp" <<'PY' || fail=1
import copy, json, sys
p = json.load(open(sys.argv[1]))
faults = {
    "no_cores": lambda q: q["machine"].pop("cores"),
    "cores_str": lambda q: q["machine"].__setitem__("cores", "2"),
    "peak_key": lambda q: q["machine"]["fma_peak_gflops"].__setitem__("all", 3.0),
    "bad_roof": lambda q: q["stages"][0].__setitem__("roof", "cache"),
    "frac_no_roof": lambda q: q["stages"][0].update(roof=None, fraction_of_roof=0.5),
    "neg_seconds": lambda q: q["stages"][1].__setitem__("seconds", -1.0),
    "no_stage": lambda q: q.__setitem__("stages", [s for s in q["stages"] if s["name"] != "fluidc"]),
}
for name, f in faults.items():
    q = copy.deepcopy(p)
    f(q)
    json.dump(q, open(f"{sys.argv[2]}/bad_{name}.json", "w"))
PY
for f in "$tmp"/bad_*.json; do
  if "$py" "$main" check "$f" 2>"$tmp/err"; then
    echo "FAIL: the checker accepts $(basename "$f")"; fail=1
  elif ! grep -q "$(basename "$f"):" "$tmp/err"; then
    cat "$tmp/err"; echo "FAIL: no message naming the file for $(basename "$f")"; fail=1
  fi
done

# the plots, where matplotlib is installed
if "$py" -c 'import matplotlib' 2>/dev/null; then
  "$py" "$main" report "$tmp/b" || { echo "FAIL: report with plots"; fail=1; }
  for png in scaling roofline vgg16_layers; do
    [ "$(head -c 4 "$tmp/b/$png.png" | od -An -c | tr -d ' ')" = '211PNG' ] || { echo "FAIL: $png.png"; fail=1; }
  done
fi
[ $fail = 0 ] && echo "ok: report, compare, schema checker and plots"
exit $fail
