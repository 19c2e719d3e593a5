#!/bin/bash
# `cmake --install` then a separate C project that does find_package(fnegraph)
# and links fnegraph::fnegraph, built and run against the installed copy.
set -u
for t in cmake cc; do command -v $t >/dev/null || { echo "SKIP: $t not found"; exit 77; }; done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$FG_BINARY_DIR" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; echo "FAIL: cmake --install"; exit 1; }
for f in bin/fnegraph include/fnegraph/fnegraph.h; do
  [ -e "$tmp/prefix/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
ls "$tmp"/prefix/lib*/libfnegraph.so* >/dev/null 2>&1 || { echo "FAIL: library not installed"; exit 1; }
ls "$tmp"/prefix/lib*/cmake/fnegraph/fnegraphConfig.cmake >/dev/null 2>&1 ||
  { echo "FAIL: package config not installed"; exit 1; }
"$tmp/prefix/bin/fnegraph" --version || { echo "FAIL: installed binary does not run"; exit 1; }

mkdir -p "$tmp/consumer"
cat >"$tmp/consumer/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(consumer C)
find_package(fnegraph REQUIRED)
add_executable(consumer main.c)
target_link_libraries(consumer PRIVATE fnegraph::fnegraph)
CM
cat >"$tmp/consumer/main.c" <<'C'
#include <fnegraph/fnegraph.h>
#include <stdio.h>
int main(void)
{
    fg_rng r;
    fg_build_info bi;
    fg_rng_seed(&r, 0);
    fg_build_info_get(&bi);
    printf("fnegraph %s, first draw %016llx, kernels %s\n", bi.version,
           (unsigned long long)fg_rng_next(&r), fg_isa_name(fg_cpu_isa()));
    return fg_rng_below(&r, 10) < 10 ? 0 : 1;
}
C
# a sanitized library needs the sanitizer runtime in the consumer too
extra=()
[ "${FG_SANITIZE:-0}" = 1 ] && extra=(-DCMAKE_C_FLAGS=-fsanitize=address,undefined)
cmake -S "$tmp/consumer" -B "$tmp/cbuild" -DCMAKE_PREFIX_PATH="$tmp/prefix" "${extra[@]}" \
  >"$tmp/c.log" 2>&1 && cmake --build "$tmp/cbuild" >>"$tmp/c.log" 2>&1 ||
  { cat "$tmp/c.log"; echo "FAIL: consumer project does not build"; exit 1; }
out=$("$tmp/cbuild/consumer") || { echo "FAIL: consumer does not run"; exit 1; }
echo "$out"
case "$out" in *"first draw 99ec5f36cb75f2b4"*) echo "ok: installed package works";; *) echo "FAIL: $out"; exit 1;; esac
