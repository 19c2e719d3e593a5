#!/bin/bash
# fnegraph extract --conv / --precision end to end (issue "Fast extraction"):
# every mode runs and records conv, precision and impl in the file; a cache of
# another mode is refused naming the file and both modes; the user hears
# before any work that bf16 is emulated (ONEDNN_MAX_CPU_ISA=AVX512_CORE: a
# warning, the run goes on) or impossible (=AVX2: an error naming the missing
# CPU feature, no file touched), and that Winograd falls back to direct
# without AVX-512; `info --verbose` lists each step's oneDNN implementation.
set -u
exe=${FG_EXE:?}
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$exe" gen-weights --out "$tmp/w.h5" --seed 2 --no-fc8 >/dev/null 2>&1 || { echo "FAIL: gen-weights"; exit 1; }
"$exe" demo-data --out "$tmp/imgs" --classes 2 --per-class 1 --seed 5 >/dev/null 2>&1 || { echo "FAIL: demo-data"; exit 1; }
args=(--dataset folder --root "$tmp/imgs" --weights "$tmp/w.h5" --batch 2 --threads 2)
isa=$("$exe" info | sed -n 's/.*JIT ISA \([a-z0-9_]*\).*/\1/p')
echo "oneDNN ISA: $isa"
case $isa in avx512_core*) avx512=1 ;; *) avx512=0 ;; esac
case $isa in *bf16*|*amx*) bf16=1 ;; *) bf16=0 ;; esac

# attribute NAME of FILE, through h5dump (HDF5's own tool) or h5py
attr() {
  if command -v h5dump >/dev/null; then
    h5dump -a "/$2" "$1" 2>/dev/null | sed -n 's/^ *(0): "\(.*\)"$/\1/p'
  else
    /usr/bin/python3 -c 'import sys,h5py; v=h5py.File(sys.argv[1],"r").attrs[sys.argv[2]]; print(v.decode() if isinstance(v,bytes) else v)' "$1" "$2"
  fi
}

"$exe" extract "${args[@]}" --out "$tmp/d.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "f32 direct runs" '[ $rc = 0 ]' || cat "$tmp/err"
check "f32 direct records conv=direct precision=f32" '[ "$(attr "$tmp/d.h5" conv)" = direct ] && [ "$(attr "$tmp/d.h5" precision)" = f32 ]'
check "impl lists every step" 'attr "$tmp/d.h5" impl | grep -q "^conv1_1:.*; fc7:"'

"$exe" extract "${args[@]}" --conv winograd --out "$tmp/wi.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "winograd runs" '[ $rc = 0 ]' || cat "$tmp/err"
if [ $avx512 = 1 ]; then
  check "winograd records conv=winograd and oneDNN's Winograd kernels" '[ "$(attr "$tmp/wi.h5" conv)" = winograd ] && attr "$tmp/wi.h5" impl | grep -q "conv3_1:jit_wino"'
  check "no warning with AVX-512" '! grep -q warning "$tmp/err"'
fi

if [ $avx512 = 1 ]; then
  "$exe" extract "${args[@]}" --precision bf16 --out "$tmp/bf.h5" >/dev/null 2>"$tmp/err"; rc=$?
  check "bf16 runs" '[ $rc = 0 ]' || cat "$tmp/err"
  check "bf16 records precision=bf16" '[ "$(attr "$tmp/bf.h5" precision)" = bf16 ] && attr "$tmp/bf.h5" impl | grep -q "conv1_2:[^;]*bf16"'
  if [ $bf16 = 1 ]; then check "native bf16: no warning" '! grep -q warning "$tmp/err"'; fi
  if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
    check "bf16 and winograd FNEs are near the f32 direct one (h5py)" '/usr/bin/python3 - "$tmp" <<PY
import sys, h5py, numpy as np
d = h5py.File(sys.argv[1] + "/d.h5", "r")["fne"][()]
for name, bound in (("wi", 1e-4), ("bf", 0.15)):
    x = h5py.File(sys.argv[1] + "/" + name + ".h5", "r")["fne"][()]
    assert x.shape == d.shape and x.dtype == np.float32
    s = np.maximum(np.abs(d), np.abs(d).mean(axis=1, keepdims=True))
    e = float((np.abs(x - d) / s).max())
    print(name, "max relative error vs f32 direct (scale: row mean)", e)
    assert 0 < e <= bound, e
PY'
  fi
fi

"$exe" extract "${args[@]}" --out "$tmp/wi.h5" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "a winograd cache is refused by a direct run" '[ $rc = 1 ] && grep -q "wi.h5" "$tmp/err" && grep -q "conv=winograd precision=f32" "$tmp/err" && grep -q "conv=direct precision=f32" "$tmp/err"' || cat "$tmp/err"
"$exe" extract "${args[@]}" --precision bf16 --out "$tmp/d.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "an f32 cache is refused by a bf16 run" '[ $rc = 1 ] && grep -q "d.h5.*precision=f32.*precision=bf16" "$tmp/err"'
"$exe" extract "${args[@]}" --conv winograd --out "$tmp/wi.h5" >"$tmp/out" 2>&1; rc=$?
check "the same mode reuses it" '[ $rc = 0 ] && grep -q "already complete" "$tmp/out"'

if [ $bf16 = 1 ]; then
  ONEDNN_MAX_CPU_ISA=AVX512_CORE "$exe" extract "${args[@]}" --precision bf16 --out "$tmp/emu.h5" >/dev/null 2>"$tmp/err"; rc=$?
  check "AVX512_CORE: bf16 is emulated with a warning first, and runs" '[ $rc = 0 ] && head -1 "$tmp/err" | grep -q "warning: bf16 runs emulated.*avx512_core.*avx512_bf16.*slower than f32"' || cat "$tmp/err"
  check "AVX512_CORE: the emulated kernels are recorded" 'attr "$tmp/emu.h5" impl | grep -q "conv1_2:[^;]*:avx512_core;"'
fi
ONEDNN_MAX_CPU_ISA=AVX2 "$exe" extract "${args[@]}" --precision bf16 --out "$tmp/x.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "AVX2: bf16 is an error naming the missing CPU feature" '[ $rc = 1 ] && grep -q "bf16 precision needs AVX-512 (the CPU feature avx512_core" "$tmp/err"' || cat "$tmp/err"
check "AVX2: nothing was written" '[ ! -e "$tmp/x.h5" ] && [ ! -e "$tmp/x.h5.partial" ]'
ONEDNN_MAX_CPU_ISA=AVX2 "$exe" extract "${args[@]}" --conv winograd --out "$tmp/x.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "AVX2: winograd warns and runs direct" '[ $rc = 0 ] && grep -q "warning: oneDNN.s Winograd convolutions need AVX-512" "$tmp/err" && [ "$(attr "$tmp/x.h5" conv)" = direct ]' || cat "$tmp/err"

"$exe" info --verbose >"$tmp/info" 2>&1
check "info --verbose lists each step's implementation (default mode)" 'grep -q "mode direct/f32" "$tmp/info" && grep -Eq "^ +conv3_2 +[a-z_]+:" "$tmp/info"'
check "info --verbose says how the convolution part runs" 'grep -q "conv1_1..pool5 in passes of 1 image, fc6 and fc7 on the batch of 8" "$tmp/info"'
"$exe" info --verbose --json >"$tmp/info.json" 2>&1
check "info --verbose --json: batch and conv_batch of the mode" '/usr/bin/python3 -c "import json,sys; m=json.load(open(sys.argv[1]))[\"vgg16_modes\"][0]; sys.exit(0 if (m[\"batch\"], m[\"conv_batch\"]) == (8, 1) else 1)" "$tmp/info.json"'
if [ $avx512 = 1 ]; then
  "$exe" info --verbose --conv winograd >"$tmp/info" 2>&1
  check "info --verbose --conv winograd shows both modes" 'grep -q "mode direct/f32" "$tmp/info" && grep -q "mode winograd/f32: runs natively" "$tmp/info" && grep -q "jit_wino" "$tmp/info"'
  check "Winograd runs the convolution part on the whole batch" 'grep -q "in passes of 8 images" "$tmp/info"'
fi
ONEDNN_MAX_CPU_ISA=AVX2 "$exe" info --verbose --precision bf16 >"$tmp/info" 2>&1
check "info: bf16 cannot run on AVX2" 'grep -q "mode direct/bf16: cannot run: bf16 precision needs AVX-512" "$tmp/info"'
"$exe" extract "${args[@]}" --conv fft --out "$tmp/y.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "bad --conv is a usage error" '[ $rc = 2 ] && grep -q -- "--conv" "$tmp/err"'
"$exe" extract "${args[@]}" --precision fp16 --out "$tmp/y.h5" >/dev/null 2>"$tmp/err"; rc=$?
check "bad --precision is a usage error" '[ $rc = 2 ] && grep -q -- "--precision" "$tmp/err"'
"$exe" extract --help | grep -q -- "--precision P"; check "--help documents the modes" '[ $? = 0 ]'
exit $fail
