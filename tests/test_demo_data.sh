#!/bin/bash
# fnegraph demo-data: help, usage errors (exit 2), the default set (4 x 12),
# the same seed -> byte-identical files, another seed -> different files,
# rewriting its own folder, refusing a foreign one (exit 1), and the files
# being JPEGs (progressive and grayscale ones among them).
set -u
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
exe=${FG_EXE:?FG_EXE not set}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$exe" demo-data --help >"$tmp/help"; rc=$?
check "--help exits 0 and documents every option" '[ $rc = 0 ] && (for o in --out --classes --per-class --seed --quality; do grep -q -- "$o" "$tmp/help" || exit 1; done)'
check "fnegraph --help lists demo-data" '"$exe" --help | grep -q "^  demo-data "'
"$exe" demo-data >/dev/null 2>"$tmp/err"; rc=$?
check "no --out exits 2" '[ $rc = 2 ] && grep -q -- "--out" "$tmp/err"'
"$exe" demo-data --out "$tmp/x" --classes 0 >/dev/null 2>"$tmp/err"; rc=$?
check "--classes 0 exits 2 naming the option" '[ $rc = 2 ] && grep -q -- "--classes" "$tmp/err"'
"$exe" demo-data --out "$tmp/x" --seed -3 >/dev/null 2>"$tmp/err"; rc=$?
check "a negative seed exits 2" '[ $rc = 2 ] && grep -q -- "--seed" "$tmp/err"'
"$exe" demo-data --out "$tmp/x" --bogus >/dev/null 2>"$tmp/err"; rc=$?
check "an unknown option exits 2" '[ $rc = 2 ] && grep -q -- "--bogus" "$tmp/err"'
"$exe" demo-data --out "$tmp/x" --seed >/dev/null 2>"$tmp/err"; rc=$?
check "a missing value exits 2" '[ $rc = 2 ]'

"$exe" demo-data --out "$tmp/a" >"$tmp/out"; rc=$?
cat "$tmp/out"
check "the default set is written" '[ $rc = 0 ] && [ $(find "$tmp/a" -name "*.jpg" | wc -l) = 48 ] && [ $(ls "$tmp/a" | wc -l) = 4 ]'
check "it says the images are synthetic" 'grep -q "synthetic" "$tmp/out"'
"$exe" demo-data --out "$tmp/b" --seed 1 >/dev/null; rc=$?
check "the same seed gives byte-identical files" '[ $rc = 0 ] && diff -r "$tmp/a" "$tmp/b" >/dev/null'
"$exe" demo-data --out "$tmp/c" --seed 2 --classes 3 --per-class 5 >/dev/null; rc=$?
check "--classes/--per-class" '[ $rc = 0 ] && [ $(find "$tmp/c" -name "*.jpg" | wc -l) = 15 ]'
check "another seed gives other files" '! cmp -s "$tmp/a/class_00/class_00_000.jpg" "$tmp/c/class_00/class_00_000.jpg"'
if command -v file >/dev/null; then
  check "the files are JPEGs, some progressive, some grayscale" '
    [ $(file -b "$tmp"/a/*/*.jpg | grep -c "^JPEG image data") = 48 ] &&
    [ $(file -b "$tmp"/a/*/*.jpg | grep -c "progressive") -ge 2 ] &&
    [ $(file -b "$tmp"/a/*/*.jpg | grep -c "components 1") -ge 2 ]'
fi
"$exe" demo-data --out "$tmp/a" --classes 2 --per-class 3 >/dev/null; rc=$?
check "its own folder is rewritten" '[ $rc = 0 ] && [ $(find "$tmp/a" -name "*.jpg" | wc -l) = 6 ] && [ $(ls "$tmp/a" | wc -l) = 2 ]'
mkdir -p "$tmp/foreign" && echo keep >"$tmp/foreign/notes.txt"
"$exe" demo-data --out "$tmp/foreign" >/dev/null 2>"$tmp/err"; rc=$?
check "a foreign non-empty folder is refused (exit 1) and kept" '[ $rc = 1 ] && grep -q "foreign" "$tmp/err" && [ -f "$tmp/foreign/notes.txt" ]'
exit $fail
