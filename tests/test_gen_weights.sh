#!/bin/bash
# fnegraph gen-weights: usage errors, --help, and one real run with --no-fc8
# (~537 MB in a temporary folder, removed at the end): it reports the path,
# size and sha256 (checked with sha256sum), says the weights are random, and
# writes the Keras layout without the predictions layer (checked with h5py).
set -u
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
exe=${FG_EXE:?FG_EXE not set}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$exe" gen-weights --help >"$tmp/help"; rc=$?
check "--help exits 0 and documents every option" '[ $rc = 0 ] && grep -q -- "--out" "$tmp/help" && grep -q -- "--seed" "$tmp/help" && grep -q -- "--no-fc8" "$tmp/help" && grep -q "Example" "$tmp/help"'
"$exe" --help >"$tmp/top"
check "the command list shows gen-weights" 'grep -q "^  gen-weights " "$tmp/top"'
"$exe" gen-weights >/dev/null 2>"$tmp/err"; rc=$?
check "no --out: usage error (exit 2)" '[ $rc = 2 ] && grep -q -- "--out" "$tmp/err"'
"$exe" gen-weights --out "$tmp/w.h5" --seed -3 >/dev/null 2>"$tmp/err"; rc=$?
check "a negative seed: usage error naming --seed" '[ $rc = 2 ] && grep -q -- "--seed" "$tmp/err"'
"$exe" gen-weights --out "$tmp/w.h5" --bogus >/dev/null 2>"$tmp/err"; rc=$?
check "an unknown option: usage error naming it" '[ $rc = 2 ] && grep -q -- "--bogus" "$tmp/err"'
"$exe" gen-weights --out >/dev/null 2>"$tmp/err"; rc=$?
check "--out without a value: usage error" '[ $rc = 2 ]'
"$exe" gen-weights --out "$tmp/no/such/dir/w.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "an unwritable path: job failure (exit 1) naming it" '[ $rc = 1 ] && grep -q "no/such/dir/w.h5" "$tmp/err"'

"$exe" gen-weights --out "$tmp/w.h5" --seed 3 --no-fc8 >"$tmp/out" 2>"$tmp/err"; rc=$?
cat "$tmp/out"
check "gen-weights --no-fc8 exits 0" '[ $rc = 0 ]'
size=$(stat -c %s "$tmp/w.h5" 2>/dev/null || echo 0)
check "it reports the path and the size" 'grep -q "wrote $tmp/w.h5" "$tmp/out" && grep -q "$size bytes" "$tmp/out"'
check "the size is the real one without fc8 (~537 MB)" '[ "$size" -gt 537000000 ] && [ "$size" -lt 538000000 ]'
sum=$(sha256sum "$tmp/w.h5" | cut -d" " -f1)
check "the reported sha256 is sha256sum's" 'grep -q "sha256 *$sum" "$tmp/out"'
check "it says the weights are random, not pretrained" 'grep -q "RANDOM He-initialised" "$tmp/out" && grep -q "not the pretrained" "$tmp/out"'
[ -e "$tmp/w.h5.tmp" ]; check "no temporary file left" '[ $? != 0 ]'

if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
  /usr/bin/python3 - "$tmp/w.h5" >"$tmp/py" 2>&1 <<'EOF'
import sys, h5py
f = h5py.File(sys.argv[1], 'r')
names = [n.decode() for n in f.attrs['layer_names']]
print(len(names), names[-1], 'predictions' in f)
print(f['fc2']['fc2_W_1:0'].shape, f['block1_conv1']['block1_conv1_W_1:0'].dtype, list(f['flatten'].attrs['weight_names']))
EOF
  cat "$tmp/py"
  check "h5py: 22 layers ending with fc2, no predictions group" 'grep -q "^22 fc2 False$" "$tmp/py"'
  check "h5py: fc2 kernel (4096, 4096) float32, flatten has no weights" 'grep -q "^(4096, 4096) float32 \[\]$" "$tmp/py"'
else
  echo "skip: /usr/bin/python3 with h5py not available (layout not cross-checked)"
fi
exit $fail
