/* Benchmarks of the file formats: loading the full VGG16 weight file (one
 * pass: read + SHA-256 overlapped) against its two parts alone, the FNE
 * cache writer (rows/s, MB/s; put with a synced chunk every 64 rows, then
 * the final compaction) and reader, and the edge file reader on a
 * flowers102-shaped graph (33,021 vertices, 8,189 of them images, 9.6 M
 * edges: a 77 MB /edges int32 [E][2]) beside the CSR builder it ends with,
 * the parallel one and its simple twin, on the same edge list.
 *
 * The weight file is FG_BENCH_WEIGHTS when set (e.g. the real Keras file),
 * else a gen-weights file (seed 1, ~553 MB) made in a temporary folder and
 * removed at exit. Files are read from the page cache after the first pass:
 * these figures are CPU/memory bound, not disk bound. */
#include "bench_common.h"
#include "fnegraph/csr.h"
#include "fnegraph/edges_file.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/mem.h"
#include "fnegraph/weights.h"
#include "graph/graph_internal.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/fg_bench_io_XXXXXX";
static char weights_path[512];
static int weights_generated;
static double weights_mb;

/* The weight file, made on first use (so that a filter on the FNE cases
 * does not write 553 MB); false with a reason when it cannot be had. */
static bool ensure_weights(bench_state *st)
{
    struct stat sb;
    if (weights_mb > 0) return true;
    if (!getenv("FG_BENCH_WEIGHTS") || !*getenv("FG_BENCH_WEIGHTS")) {
        fg_weights w;
        fprintf(stderr, "bench_io: writing %s (set FG_BENCH_WEIGHTS to use another file)\n", weights_path);
        fg_status s = fg_weights_generate(1, true, &w);
        if (s == FG_OK) s = fg_weights_save(weights_path, &w);
        fg_weights_destroy(&w);
        if (s != FG_OK) {
            bench_skip(st, fg_last_error());
            return false;
        }
        weights_generated = 1;
    }
    if (stat(weights_path, &sb) != 0) {
        bench_skip(st, "FG_BENCH_WEIGHTS: no such file");
        return false;
    }
    weights_mb = (double)sb.st_size / 1e6;
    return true;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void cleanup(void)
{
    char p[600];
    if (weights_generated) unlink(weights_path);
    snprintf(p, sizeof p, "%s/fne.h5", tmpdir);
    unlink(p);
    snprintf(p, sizeof p, "%s/fne.h5.partial", tmpdir);
    unlink(p);
    rmdir(tmpdir);
}

/* Sequential pread of the whole file into one buffer: the read half alone. */
static double read_file_once(void *buf, size_t size)
{
    int fd = open(weights_path, O_RDONLY);
    size_t got = 0;
    while (fd >= 0 && got < size) {
        ssize_t r = pread(fd, (char *)buf + got, size - got > (1u << 20) ? (1u << 20) : size - got, (off_t)got);
        if (r <= 0) break;
        got += (size_t)r;
    }
    if (fd >= 0) close(fd);
    return (double)got;
}

static void bm_read(bench_state *st, void *ctx)
{
    (void)ctx;
    if (!ensure_weights(st)) return;
    size_t size = (size_t)(weights_mb * 1e6);
    void *buf = fg_alloc(size, 1);
    double bytes = 0;
    while (bench_keep_running(st)) bytes += read_file_once(buf, size);
    fg_free(buf);
    bench_set_bytes(st, (int64_t)bytes);
}

static void bm_sha256(bench_state *st, void *ctx)
{
    (void)ctx;
    if (!ensure_weights(st)) return;
    char hex[65];
    while (bench_keep_running(st))
        if (fg_sha256_file(weights_path, hex) != FG_OK) bench_skip(st, fg_last_error());
    bench_set_bytes(st, (int64_t)(weights_mb * 1e6) * bench_iterations(st));
}

static void bm_weights_load(bench_state *st, void *ctx)
{
    (void)ctx;
    if (!ensure_weights(st)) return;
    /* the one-pass ideal: max(read alone, hash alone), best of 3 */
    size_t size = (size_t)(weights_mb * 1e6);
    void *buf = fg_alloc(size, 1);
    char hex[65];
    double t_read = 1e9, t_hash = 1e9, t_load = 0;
    for (int i = 0; i < 3; i++) {
        double t = now();
        read_file_once(buf, size);
        t = now() - t;
        if (t < t_read) t_read = t;
        t = now();
        fg_sha256_file(weights_path, hex);
        t = now() - t;
        if (t < t_hash) t_hash = t;
    }
    fg_free(buf);
    int64_t n = 0;
    while (bench_keep_running(st)) {
        fg_weights w;
        double t = now();
        if (fg_weights_load(weights_path, &w) != FG_OK) {
            bench_skip(st, fg_last_error());
            return;
        }
        t_load += now() - t;
        n++;
        bench_pause(st);
        fg_weights_destroy(&w);
        bench_resume(st);
    }
    bench_set_bytes(st, (int64_t)(weights_mb * 1e6) * bench_iterations(st));
    double bound = t_read > t_hash ? t_read : t_hash;
    bench_set_counter(st, "ratio_to_ideal_overlap", n ? bound / (t_load / (double)n) : 0, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "read_alone_s", t_read, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "sha256_alone_s", t_hash, BENCH_COUNTER_DEFAULT);
}

typedef struct fne_ctx {
    int finish;
} fne_ctx;

static char **fne_paths;
static int32_t *fne_labels;
static float *fne_rows;
enum { FNE_ROWS = 512, FNE_CHUNK = 64 };

static void bm_fne_write(bench_state *st, void *ctx)
{
    const fne_ctx *c = ctx;
    char path[600], partial[640];
    const char *cls[2] = {"a", "b"};
    fg_fne_meta m = {"folder", "all", "caffe", "direct", "0", NULL, NULL};
    snprintf(path, sizeof path, "%s/fne.h5", tmpdir);
    snprintf(partial, sizeof partial, "%s.partial", path);
    while (bench_keep_running(st)) {
        bench_pause(st);
        unlink(path);
        unlink(partial);
        bench_resume(st);
        fg_fne_writer *w = NULL;
        int64_t next;
        if (fg_fne_writer_open(path, &m, FNE_ROWS, (const char *const *)fne_paths, fne_labels, cls, 2,
                               FNE_CHUNK, &w, &next) != FG_OK) {
            bench_skip(st, fg_last_error());
            return;
        }
        for (int i = 0; i < FNE_ROWS; i++) fg_fne_writer_put(w, fne_rows + (size_t)(i % 8) * FG_FNE_DIM);
        if (c->finish && fg_fne_writer_finish(w) != FG_OK) bench_skip(st, fg_last_error());
        bench_pause(st);
        fg_fne_writer_close(w);
        bench_resume(st);
    }
    bench_set_items(st, FNE_ROWS * bench_iterations(st));
    bench_set_bytes(st, (int64_t)FNE_ROWS * FG_FNE_DIM * 4 * bench_iterations(st));
}

static void bm_fne_read(bench_state *st, void *ctx)
{
    (void)ctx;
    char path[600];
    snprintf(path, sizeof path, "%s/fne.h5", tmpdir);
    struct stat sb;
    if (stat(path, &sb) != 0) {
        bench_skip(st, "no FNE file: run the io/fne_writer/put+finish case first");
        return;
    }
    while (bench_keep_running(st)) {
        fg_fne f;
        if (fg_fne_read(path, &f) != FG_OK) bench_skip(st, fg_last_error());
        fg_fne_destroy(&f);
    }
    bench_set_items(st, FNE_ROWS * bench_iterations(st));
    bench_set_bytes(st, (int64_t)FNE_ROWS * FG_FNE_DIM * 4 * bench_iterations(st));
}

/* The edge list of a ring lattice shaped like a flowers102 graph: vertex u
 * joined to u + 1 .. u + J (mod V), every pair once, as (min, max). */
enum { EDGE_J = 291 };
static uint32_t EDGE_V = 33021, EDGE_IMAGES = 8189; /* FG_BENCH_SCALE shrinks them (main) */
static uint32_t *edge_list;
static uint64_t edge_m;
static char edges_path[600];

static bool ensure_edges(bench_state *st)
{
    if (edge_list) return true;
    edge_m = (uint64_t)EDGE_V * EDGE_J;
    edge_list = fg_alloc(2 * edge_m, sizeof *edge_list);
    if (!edge_list) {
        bench_skip(st, "out of memory");
        return false;
    }
    uint64_t k = 0;
    for (uint32_t u = 0; u < EDGE_V; u++)
        for (uint32_t j = 1; j <= EDGE_J; j++) {
            uint32_t v = (u + j) % EDGE_V;
            edge_list[2 * k] = u < v ? u : v;
            edge_list[2 * k + 1] = u < v ? v : u;
            k++;
        }
    fg_csr g;
    snprintf(edges_path, sizeof edges_path, "%s/edges.h5", tmpdir);
    fg_status s = fg_csr_from_edge_list(EDGE_V, EDGE_IMAGES, edge_list, edge_m, "lattice", &g);
    if (s == FG_OK) s = fg_edges_file_write(edges_path, &g, NULL);
    fg_csr_destroy(&g);
    if (s != FG_OK) {
        bench_skip(st, fg_last_error());
        return false;
    }
    return true;
}

static void bm_edges_read(bench_state *st, void *ctx)
{
    (void)ctx;
    if (!ensure_edges(st)) return;
    while (bench_keep_running(st)) {
        fg_csr g;
        int32_t *labels = NULL;
        if (fg_edges_file_read(edges_path, &g, &labels) != FG_OK) bench_skip(st, fg_last_error());
        bench_pause(st);
        fg_csr_destroy(&g);
        fg_free(labels);
        bench_resume(st);
    }
    bench_set_items(st, (int64_t)edge_m * bench_iterations(st));
    bench_set_bytes(st, (int64_t)edge_m * 8 * bench_iterations(st));
}

/* ctx non-NULL: the simple twin (one thread, qsort) */
static void bm_csr_from_edges(bench_state *st, void *ctx)
{
    if (!ensure_edges(st)) return;
    while (bench_keep_running(st)) {
        fg_csr g;
        fg_status s = ctx ? fg_i_csr_from_edge_list_ref(EDGE_V, EDGE_IMAGES, edge_list, edge_m, "lattice", &g)
                          : fg_csr_from_edge_list(EDGE_V, EDGE_IMAGES, edge_list, edge_m, "lattice", &g);
        if (s != FG_OK) bench_skip(st, fg_last_error());
        bench_pause(st);
        fg_csr_destroy(&g);
        bench_resume(st);
    }
    bench_set_items(st, (int64_t)edge_m * bench_iterations(st));
}

int main(int argc, char **argv)
{
    static int ref_twin = 1;
    static fne_ctx put_only = {0}, put_finish = {1};
    bench_context_fnegraph();
    EDGE_V = (uint32_t)bench_scaled(EDGE_V, 2 * EDGE_J + 2);
    EDGE_IMAGES = (uint32_t)bench_scaled(EDGE_IMAGES, 1);
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    atexit(cleanup);
    const char *env = getenv("FG_BENCH_WEIGHTS");
    if (env && *env) snprintf(weights_path, sizeof weights_path, "%s", env);
    else snprintf(weights_path, sizeof weights_path, "%s/vgg16.h5", tmpdir);
    bench_add_context("weights_file", env && *env ? weights_path : "gen-weights --seed 1 (made at run time)");

    fne_paths = malloc(FNE_ROWS * sizeof *fne_paths);
    fne_labels = malloc(FNE_ROWS * sizeof *fne_labels);
    fne_rows = fg_alloc((size_t)8 * FG_FNE_DIM, sizeof(float));
    for (int i = 0; i < FNE_ROWS; i++) {
        fne_paths[i] = malloc(48);
        snprintf(fne_paths[i], 48, "class_%d/image_%05d.jpg", i % 2, i);
        fne_labels[i] = i % 2;
    }
    for (size_t i = 0; i < (size_t)8 * FG_FNE_DIM; i++) fne_rows[i] = (float)(i % 1000) * 0.01f;

    bench_case_unit_ms(bench_case_real_time(bench_register("io/read/pread/vgg16", bm_read, NULL)));
    bench_case_unit_ms(bench_case_real_time(bench_register("io/sha256/file/vgg16", bm_sha256, NULL)));
    bench_case_unit_ms(bench_case_real_time(bench_register("io/weights_load/onepass/vgg16", bm_weights_load, NULL)));
    bench_case_unit_ms(bench_case_real_time(bench_register("io/fne_writer/put/512", bm_fne_write, &put_only)));
    bench_case_unit_ms(bench_case_real_time(bench_register("io/fne_writer/put+finish/512", bm_fne_write, &put_finish)));
    bench_case_unit_ms(bench_case_real_time(bench_register("io/fne_read/all/512", bm_fne_read, NULL)));
    bench_case_unit_ms(bench_case_real_time(bench_register("io/edges_read/flowers102-shaped", bm_edges_read, NULL)));
    bench_case_unit_ms(bench_case_real_time(bench_register("csr/from_edge_list/flowers102-shaped", bm_csr_from_edges, NULL)));
    bench_case_unit_ms(bench_case_real_time(bench_register("csr/from_edge_list_ref/flowers102-shaped", bm_csr_from_edges, &ref_twin)));
    int rc = bench_main(argc, argv);
    fg_free(edge_list);
    for (int i = 0; i < FNE_ROWS; i++) free(fne_paths[i]);
    free(fne_paths);
    free(fne_labels);
    fg_free(fne_rows);
    return rc;
}
