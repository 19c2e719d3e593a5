#!/bin/bash
# `cmake --install` then a separate C project that does find_package(fnegraph)
# and links fnegraph::fnegraph, built and run against the installed copy; the
# same program built with cc -I -L -lfnegraph alone; and a program calling an
# internal fg_i_ function, which must not link (the .so exports FG_API only).
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
/* Uses only the public headers and the shared library: a few calls of each
 * stage below the CNN (no extract.h, fne_file.h or sweep_config.h). */
#include <fnegraph/fnegraph.h>
#include <stdio.h>
#include <string.h>
#define NEED(c, what) do { if (!(c)) { printf("FAIL: %s (%s)\n", what, fg_last_error()); return 1; } } while (0)
int main(int argc, char **argv)
{
    fg_rng r;
    fg_build_info bi;
    fg_rng_seed(&r, 0);
    fg_build_info_get(&bi);
    printf("fnegraph %s, first draw %016llx, kernels %s\n", bi.version,
           (unsigned long long)fg_rng_next(&r), fg_isa_name(fg_cpu_isa()));
    NEED(fg_rng_below(&r, 10) < 10, "fg_rng_below");
    /* errors: the thread-local message crosses the library boundary */
    fg_dataset ds;
    NEED(fg_dataset_open("bogus", "/nonexistent", NULL, &ds) == FG_EINVAL && strstr(fg_last_error(), "bogus"),
         "fg_dataset_open names an unknown kind");
    /* a dataset tree made by the test script: DIR/a/1.png, DIR/b/2.png */
    NEED(argc > 1, "usage: consumer DIR");
    char path[4096];
    fg_image img, back;
    NEED(fg_image_create(8, 4, &img) == FG_OK, "fg_image_create");
    for (int i = 0; i < 8 * 4 * 3; i++) img.rgb[i] = (unsigned char)(i * 7);
    snprintf(path, sizeof path, "%s/a/1.png", argv[1]);
    NEED(fg_image_write_png(path, &img) == FG_OK, "fg_image_write_png");
    NEED(fg_image_decode_file(path, 0, &back) == FG_OK, "fg_image_decode_file");
    NEED(back.width == 8 && back.height == 4 && !memcmp(back.rgb, img.rgb, 8 * 4 * 3), "png round trip");
    snprintf(path, sizeof path, "%s/b/2.png", argv[1]);
    NEED(fg_image_write_png(path, &back) == FG_OK, "fg_image_write_png");
    fg_image_destroy(&img);
    fg_image_destroy(&back);
    NEED(fg_dataset_folder(argv[1], &ds) == FG_OK, "fg_dataset_folder");
    NEED(ds.n == 2 && ds.n_classes == 2 && !strcmp(ds.class_names[1], "b") && !strcmp(ds.path[0], "a/1.png"),
         "dataset listing");
    fg_dataset_destroy(&ds);
    /* graph -> FluidC -> scores: two triangles joined by one edge */
    const uint32_t edges[] = {0, 1, 1, 2, 0, 2, 3, 4, 4, 5, 3, 5, 2, 3};
    fg_csr g;
    NEED(fg_csr_from_edge_list(6, 6, edges, 7, "consumer", &g) == FG_OK && fg_csr_n_edges(&g) == 7, "fg_csr");
    fg_fluid_opts fo = {.k = 2, .seed = 1, .variant = FG_FLUID_PAPER};
    fg_fluid_result fr;
    NEED(fg_fluid_run(&g, &fo, &fr) == FG_OK && fr.n_vertices == 6, "fg_fluid_run");
    int64_t truth[6] = {0, 0, 0, 1, 1, 1}, pred[6];
    for (int v = 0; v < 6; v++) pred[v] = fr.membership[v];
    fg_scores sc;
    NEED(fg_scores_compute(truth, truth, 6, &sc) == FG_OK && sc.nmi[0] == 1.0, "fg_scores_compute on truth");
    NEED(fg_scores_compute(truth, pred, 6, &sc) == FG_OK && sc.nmi[0] >= 0 && sc.nmi[0] <= 1, "scores of FluidC");
    printf("FluidC on two triangles: %u sweeps, NMI %.3f\n", fr.sweeps, sc.nmi[0]);
    fg_fluid_result_destroy(&fr);
    fg_csr_destroy(&g);
    printf("consumer ok\n");
    return 0;
}
C
# a sanitized library needs the sanitizer runtime in the consumer too
extra=()
[ "${FG_SANITIZE:-0}" = 1 ] && extra=(-DCMAKE_C_FLAGS=-fsanitize=address,undefined)
cmake -S "$tmp/consumer" -B "$tmp/cbuild" -DCMAKE_PREFIX_PATH="$tmp/prefix" "${extra[@]}" \
  >"$tmp/c.log" 2>&1 && cmake --build "$tmp/cbuild" >>"$tmp/c.log" 2>&1 ||
  { cat "$tmp/c.log"; echo "FAIL: consumer project does not build"; exit 1; }
mkdir -p "$tmp/data/a" "$tmp/data/b"
out=$("$tmp/cbuild/consumer" "$tmp/data") || { echo "$out"; echo "FAIL: consumer does not run"; exit 1; }
echo "$out"
case "$out" in *"first draw 99ec5f36cb75f2b4"*"consumer ok"*) echo "ok: installed package works";;
  *) echo "FAIL: $out"; exit 1;; esac

# The same program built by hand: only -I, -L and -lfnegraph (the public
# headers need no dependency's headers; the .so brings its own dependencies).
lib=$(dirname "$(ls "$tmp"/prefix/lib*/libfnegraph.so | head -1)")
san=()
[ "${FG_SANITIZE:-0}" = 1 ] && san=(-fsanitize=address,undefined)
cc -std=c11 -Wall -Werror "${san[@]}" -I"$tmp/prefix/include" "$tmp/consumer/main.c" -L"$lib" -lfnegraph \
  -Wl,-rpath,"$lib" -o "$tmp/by_hand" 2>"$tmp/cc.log" || { cat "$tmp/cc.log"; echo "FAIL: cc against the installed library"; exit 1; }
rm -rf "$tmp/data"; mkdir -p "$tmp/data/a" "$tmp/data/b"
"$tmp/by_hand" "$tmp/data" | grep -q "consumer ok" || { echo "FAIL: hand-built consumer does not run"; exit 1; }
ldd "$tmp/by_hand" | grep -q "$lib/libfnegraph.so" || { echo "FAIL: hand-built consumer does not load the installed .so"; exit 1; }
echo "ok: built with cc -I -L -lfnegraph only, runs on the installed .so"

# The internal ABI is not reachable through the .so: a program calling an
# fg_i_ function (declared by hand) does not link.
cat >"$tmp/internal.c" <<'C'
#include <fnegraph/error.h>
char *fg_i_path_with_suffix(const char *path, const char *suffix);
int main(void) { return fg_i_path_with_suffix("a", "b") != 0 && fg_last_error() != 0; }
C
if cc -std=c11 "${san[@]}" -I"$tmp/prefix/include" "$tmp/internal.c" -L"$lib" -lfnegraph -o "$tmp/internal" \
     >"$tmp/int.log" 2>&1; then
  echo "FAIL: a program calling fg_i_path_with_suffix links against the installed library"; exit 1
fi
grep -q "undefined reference to .fg_i_path_with_suffix" "$tmp/int.log" ||
  { cat "$tmp/int.log"; echo "FAIL: the internal-symbol link failed for another reason"; exit 1; }
echo "ok: fg_i_ internals are not exported"
