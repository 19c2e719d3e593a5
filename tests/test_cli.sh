#!/bin/bash
# The command line: help, exit codes, `info` in text and JSON, FNEGRAPH_ISA.
set -u
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
exe=${FG_EXE:?FG_EXE not set}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$exe" --help >"$tmp/help" 2>&1; rc=$?
check "--help exits 0" '[ $rc = 0 ]'
check "--help lists info" 'grep -q "^  info " "$tmp/help"'
"$exe" >/dev/null 2>&1; rc=$?
check "no command exits 2" '[ $rc = 2 ]'
"$exe" frobnicate >/dev/null 2>"$tmp/err"; rc=$?
check "unknown command exits 2 and names it" '[ $rc = 2 ] && grep -q frobnicate "$tmp/err"'
"$exe" info --bogus >/dev/null 2>"$tmp/err"; rc=$?
check "unknown option exits 2 and names it" '[ $rc = 2 ] && grep -q -- "--bogus" "$tmp/err"'
"$exe" info --help >"$tmp/ih"; rc=$?
check "info --help exits 0 and explains FNEGRAPH_ISA" '[ $rc = 0 ] && grep -q FNEGRAPH_ISA "$tmp/ih"'
"$exe" help info >"$tmp/ih2"; rc=$?
check "help info = info --help" '[ $rc = 0 ] && cmp -s "$tmp/ih" "$tmp/ih2"'
"$exe" --version >"$tmp/v"; rc=$?
check "--version" '[ $rc = 0 ] && grep -q "^fnegraph [0-9]" "$tmp/v"'

"$exe" info >"$tmp/info"; rc=$?
cat "$tmp/info"
check "info exits 0" '[ $rc = 0 ]'
for key in "oneDNN" "kernels ISA" "threads" "HDF5" "libjpeg-turbo"; do
  check "info reports $key" 'grep -q "$key" "$tmp/info"'
done
if grep -qw avx512bw /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo && grep -qw avx512dq /proc/cpuinfo; then
  check "an AVX-512 CPU gets the avx512 kernels" 'grep -q "kernels ISA *avx512" "$tmp/info"'
  check "oneDNN picks an avx512 ISA" 'grep -q "JIT ISA avx512" "$tmp/info"'
fi
FNEGRAPH_ISA=scalar "$exe" info >"$tmp/scalar"; rc=$?
check "FNEGRAPH_ISA=scalar forces scalar" '[ $rc = 0 ] && grep -q "kernels ISA *scalar" "$tmp/scalar"'
FNEGRAPH_ISA=avx2 "$exe" info >"$tmp/avx2"
if grep -qw avx2 /proc/cpuinfo; then
  check "FNEGRAPH_ISA=avx2 caps at avx2" 'grep -q "kernels ISA *avx2" "$tmp/avx2"'
fi
FNEGRAPH_ISA=sse9 "$exe" info >/dev/null 2>"$tmp/err"; rc=$?
check "a bad FNEGRAPH_ISA fails with a message" '[ $rc = 1 ] && grep -q "FNEGRAPH_ISA=sse9" "$tmp/err"'
ONEDNN_MAX_CPU_ISA=AVX2 "$exe" info >"$tmp/dnnl"
check "ONEDNN_MAX_CPU_ISA=AVX2 is reported" 'grep -q "JIT ISA avx2" "$tmp/dnnl"'

"$exe" info --json >"$tmp/json"; rc=$?
check "info --json exits 0" '[ $rc = 0 ]'
if [ -x /usr/bin/python3 ]; then
  check "info --json is JSON with the keys" '/usr/bin/python3 -c "
import json,sys; d=json.load(open(sys.argv[1]))
assert {\"version\",\"kernels_isa\",\"onednn_version\",\"onednn_isa\",\"threads\",\"hdf5_version\",\"libjpeg_turbo_version\"} <= d.keys(), d
assert d[\"threads\"] >= 1" "$tmp/json"'
fi
OMP_NUM_THREADS=1 "$exe" info --json >"$tmp/json1"
check "OMP_NUM_THREADS=1 gives 1 thread" 'grep -q "\"threads\": 1," "$tmp/json1"'

# the unit test of the cap, under the cap
t="$FG_BINARY_DIR/tests/test_mem_cpu"
if [ -x "$t" ]; then
  FNEGRAPH_ISA=scalar FG_TEST_EXPECT_ISA=scalar "$t" >"$tmp/t" 2>&1; rc=$?
  check "test_mem_cpu under FNEGRAPH_ISA=scalar" '[ $rc = 0 ]' || cat "$tmp/t"
fi
exit $fail
