/* Benchmarks of the communities and scores stage (issue 5 targets):
 *   FluidC per sweep and per run, on one core, on a flowers102-shaped graph
 *   (33,021 vertices, ~9.61 M edges, k = 102) and a wood-shaped one (25,270
 *   vertices, ~5.61 M edges, k = 7), per ISA of the read-back kernels:
 *   fluidc_sweep_* as runs go (counting sweeps, then the incremental mode),
 *   fluidc_counting_sweep_* with every sweep reading every neighbour list;
 *   igraph 0.10's C igraph_community_fluid_communities on the same graph with
 *   the same number of communities, side by side (when built with Debian's
 *   libigraph-dev), the ratio as a counter;
 *   the whole `fnegraph cluster --edges` path (edge file read, CSR, largest
 *   component, FluidC, scores) against igraph's C reading the same file
 *   (HDF5, igraph_create, FluidC), the ratio as a counter;
 *   NMI + AMI under all four normalizations for 8,189 labels, 102 x 102.
 *
 * The graphs are synthetic and deterministic (fixed seeds): image vertex i
 * belongs to class i mod C and links to ~520 distinct feature vertices, 30 %
 * drawn from its class's share of the features and the rest uniformly;
 * feature-feature edges are uniform random pairs (the weights do not know the
 * images), as many as the real graph's |E| minus its image-feature part.
 * With FG_BENCH_EDGES_DIR=DIR set, the graphs are also written to
 * DIR/flowers102.h5 and DIR/wood.h5 (the edge file format) for
 * bench/networkx_fluidc.py. */
#include "bench_common.h"
#include "community/fluid_private.h"
#include "fnegraph/community.h"
#include "fnegraph/csr.h"
#include "fnegraph/edges_file.h"
#include "fnegraph/mem.h"
#include "fnegraph/metrics.h"
#include "fnegraph/pipeline.h"
#include "fnegraph/rng.h"

#include <hdf5.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef FG_HAVE_IGRAPH
#include <igraph/igraph.h>
#endif

typedef struct shape {
    const char *name;
    uint32_t n_images, n_features, classes, per_image;
    uint64_t n_edges;  /* target total */
    fg_csr g;
    int32_t *labels;
    int built;
} shape;

static shape shapes[] = {
    {"flowers102", 8189, 24832, 102, 520, 9610000, {0}, NULL, 0},
    {"wood", 438, 24832, 7, 520, 5610000, {0}, NULL, 0},
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int build_shape(shape *s)
{
    if (s->built) return s->built > 0;
    s->built = -1;
    fg_rng r;
    fg_rng_seed(&r, 20170329);
    const uint32_t N = s->n_images, F = s->n_features, C = s->classes;
    const uint64_t m_if = (uint64_t)N * s->per_image;
    const uint64_t m_ff = s->n_edges - m_if;
    const double pairs = (double)F * (F - 1) / 2;
    const double p = (double)m_ff / pairs;
    uint64_t cap = m_if + m_ff + m_ff / 8 + 1024;
    uint32_t *e = malloc(2 * cap * sizeof *e);
    uint32_t *stamp = calloc(F, sizeof *stamp);
    s->labels = malloc(N * sizeof *s->labels);
    if (!e || !stamp || !s->labels) return 0;
    uint64_t m = 0;
    for (uint32_t i = 0; i < N; i++) {
        uint32_t c = i % C;
        s->labels[i] = (int32_t)c;
        for (uint32_t d = 0; d < s->per_image;) {
            uint32_t f;
            if (fg_rng_uniform(&r) < 0.3) f = c + C * (uint32_t)fg_rng_below(&r, (F - c + C - 1) / C);
            else f = (uint32_t)fg_rng_below(&r, F);
            if (stamp[f] == i + 1) continue;
            stamp[f] = i + 1;
            e[2 * m] = i;
            e[2 * m + 1] = N + f;
            m++;
            d++;
        }
    }
    /* G(F, p) on the features by geometric skips over the pairs (u, v > u) */
    const double lq = log1p(-p);
    for (uint32_t u = 0; u + 1 < F && m < cap; u++) {
        uint64_t v = u;
        for (;;) {
            double x = fg_rng_uniform(&r);
            v += 1 + (uint64_t)floor(log1p(-x) / lq);
            if (v >= F || m >= cap) break;
            e[2 * m] = N + u;
            e[2 * m + 1] = N + (uint32_t)v;
            m++;
        }
    }
    fg_status st = fg_csr_from_edge_list(N + F, N, e, m, s->name, &s->g);
    free(e);
    free(stamp);
    if (st != FG_OK) {
        fprintf(stderr, "bench_community: %s: %s\n", s->name, fg_last_error());
        return 0;
    }
    const char *dir = getenv("FG_BENCH_EDGES_DIR");
    if (dir && *dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.h5", dir, s->name);
        if (fg_edges_file_write(path, &s->g, s->labels) != FG_OK)
            fprintf(stderr, "bench_community: %s\n", fg_last_error());
        else fprintf(stderr, "bench_community: wrote %s\n", path);
    }
    s->built = 1;
    return 1;
}

typedef struct fluid_case {
    shape *s;
    fg_fluid_variant variant;
    fg_isa isa;      /* the read-back kernels (sweep cases) */
    int incremental; /* 0 automatic, 1 never: every sweep recounts every list */
} fluid_case;

/* Sweeps only (the seeding and connectivity check excluded), averaged over a
 * whole run of up to 100 sweeps: with the incremental mode automatic, the
 * average of what a run does; with it off, the cost of one counting sweep
 * (every neighbour list read). */
static void bm_fluid_sweep(bench_state *st, void *ctx)
{
    fluid_case *fc = ctx;
    if (fc->isa > fg_cpu_isa()) {
        bench_skip(st, "the CPU (or FNEGRAPH_ISA) does not allow this ISA");
        return;
    }
    if (!build_shape(fc->s)) {
        bench_skip(st, "graph generation failed");
        return;
    }
    double t_sweeps = 0;
    uint64_t sweeps = 0, runs = 0, incr = 0;
    uint64_t seed = 1;
    while (bench_keep_running(st)) {
        bench_pause(st);
        fg_fluid_opts o = {fc->s->classes, seed++, fc->variant, 0};
        fg_fluid *f = NULL;
        if (fg_fluid_create(&fc->s->g, &o, &f) != FG_OK) {
            bench_skip(st, fg_last_error());
            return;
        }
        fg_i_fluid_set_isa(f, fc->isa);
        fg_i_fluid_set_incremental(f, (fg_i_fluid_incr_policy)fc->incremental);
        bench_resume(st);
        double t0 = now();
        for (uint32_t i = 0; i < FG_FLUID_DEFAULT_MAX_ITER; i++) {
            uint64_t moved = 0;
            fg_fluid_sweep(f, &moved);
            sweeps++;
            if (!moved) break;
        }
        t_sweeps += now() - t0;
        runs++;
        incr += fg_i_fluid_incremental_sweeps(f);
        bench_pause(st);
        fg_fluid_destroy(f);
        bench_resume(st);
    }
    bench_set_counter(st, "sweeps_per_run", (double)sweeps / (double)runs, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "incremental_sweeps_per_run", (double)incr / (double)runs, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "ms_per_sweep", 1e3 * t_sweeps / (double)sweeps, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "arcs_per_ns",
                      (double)sweeps * (double)fc->s->g.offsets[fc->s->g.n_vertices] / (t_sweeps * 1e9),
                      BENCH_COUNTER_DEFAULT);
}

/* A whole run through fg_fluid_run (connectivity check included). */
static void bm_fluid_run(bench_state *st, void *ctx)
{
    fluid_case *fc = ctx;
    if (!build_shape(fc->s)) {
        bench_skip(st, "graph generation failed");
        return;
    }
    uint64_t seed = 1, sweeps = 0, runs = 0;
    while (bench_keep_running(st)) {
        fg_fluid_opts o = {fc->s->classes, seed++, fc->variant, 0};
        fg_fluid_result res;
        if (fg_fluid_run(&fc->s->g, &o, &res) != FG_OK) {
            bench_skip(st, fg_last_error());
            return;
        }
        sweeps += res.sweeps;
        runs++;
        fg_fluid_result_destroy(&res);
    }
    bench_set_counter(st, "sweeps_per_run", (double)sweeps / (double)runs, BENCH_COUNTER_DEFAULT);
}

/* igraph's C FluidC and ours (standard variant, as igraph implements it) on
 * the same graph and k, timed back to back in each iteration. */
static void bm_fluid_vs_igraph(bench_state *st, void *ctx)
{
    fluid_case *fc = ctx;
#ifndef FG_HAVE_IGRAPH
    (void)fc;
    bench_skip(st, "built without igraph (Debian libigraph-dev not found by pkg-config)");
#else
    if (!build_shape(fc->s)) {
        bench_skip(st, "graph generation failed");
        return;
    }
    const fg_csr *g = &fc->s->g;
    igraph_t ig;
    igraph_vector_int_t ev, memb;
    uint64_t m = fg_csr_n_edges(g), w = 0;
    igraph_vector_int_init(&ev, (igraph_integer_t)(2 * m));
    for (uint32_t v = 0; v < g->n_vertices; v++)
        for (uint64_t i = g->offsets[v]; i < g->offsets[v + 1]; i++)
            if (g->adj[i] > v) {
                VECTOR(ev)[w++] = v;
                VECTOR(ev)[w++] = g->adj[i];
            }
    igraph_create(&ig, &ev, g->n_vertices, IGRAPH_UNDIRECTED);
    igraph_vector_int_init(&memb, 0);
    double t_ours = 0, t_igraph = 0, ours_sweeps = 0;
    uint64_t seed = 1, runs = 0;
    while (bench_keep_running(st)) {
        fg_fluid_opts o = {fc->s->classes, seed, fc->variant, 0};
        fg_fluid_result res;
        double t0 = now();
        fg_status s = fg_fluid_run(g, &o, &res);
        double t1 = now();
        igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed);
        igraph_error_t ie = igraph_community_fluid_communities(&ig, (igraph_integer_t)fc->s->classes, &memb);
        double t2 = now();
        if (s != FG_OK || ie != IGRAPH_SUCCESS) {
            bench_skip(st, s != FG_OK ? fg_last_error() : "igraph_community_fluid_communities failed");
            break;
        }
        ours_sweeps += res.sweeps;
        fg_fluid_result_destroy(&res);
        t_ours += t1 - t0;
        t_igraph += t2 - t1;
        seed++;
        runs++;
    }
    if (runs) {
        bench_set_counter(st, "fnegraph_s_per_run", t_ours / (double)runs, BENCH_COUNTER_DEFAULT);
        bench_set_counter(st, "igraph_s_per_run", t_igraph / (double)runs, BENCH_COUNTER_DEFAULT);
        bench_set_counter(st, "speedup_vs_igraph", t_igraph / t_ours, BENCH_COUNTER_DEFAULT);
        bench_set_counter(st, "fnegraph_sweeps_per_run", ours_sweeps / (double)runs, BENCH_COUNTER_DEFAULT);
    }
    igraph_vector_int_destroy(&memb);
    igraph_vector_int_destroy(&ev);
    igraph_destroy(&ig);
#endif
}

#ifdef FG_HAVE_IGRAPH
/* The flowers102-shaped graph as an edge file (with its /label), written
 * once to a temporary folder removed at exit. */
static char edges_dir[] = "/tmp/fg_bench_community_XXXXXX";
static char edges_path[4200];

static void remove_edges_file(void)
{
    unlink(edges_path);
    rmdir(edges_dir);
}

static const char *ensure_edges_file(shape *s)
{
    if (edges_path[0]) return edges_path;
    if (!build_shape(s)) return NULL;
    if (!mkdtemp(edges_dir)) return NULL;
    snprintf(edges_path, sizeof edges_path, "%s/%s.h5", edges_dir, s->name);
    atexit(remove_edges_file);
    if (fg_edges_file_write(edges_path, &s->g, s->labels) != FG_OK) {
        fprintf(stderr, "bench_community: %s\n", fg_last_error());
        return NULL;
    }
    return edges_path;
}

/* igraph's side of reading an edge file: /edges (int32, as stored: no
 * conversion in HDF5) and n_vertices with HDF5, widened to igraph_integer_t,
 * then igraph_create. *t_read, *t_create: the two parts' seconds. */
static int igraph_from_edge_file(const char *path, igraph_t *ig, double *t_read, double *t_create)
{
    double t0 = now();
    int ok = 0;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t a = f < 0 ? H5I_INVALID_HID : H5Aopen(f, "n_vertices", H5P_DEFAULT);
    hid_t ds = f < 0 ? H5I_INVALID_HID : H5Dopen2(f, "edges", H5P_DEFAULT);
    hid_t sp = ds < 0 ? H5I_INVALID_HID : H5Dget_space(ds);
    int64_t nv = 0;
    hsize_t dims[2] = {0, 0};
    int32_t *buf = NULL;
    igraph_vector_int_t ev;
    if (a < 0 || sp < 0 || H5Aread(a, H5T_NATIVE_INT64, &nv) < 0 || H5Sget_simple_extent_dims(sp, dims, NULL) != 2)
        goto done;
    buf = malloc(2 * (size_t)dims[0] * sizeof *buf + 1);
    if (!buf || H5Dread(ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) goto done;
    if (igraph_vector_int_init(&ev, (igraph_integer_t)(2 * dims[0])) != IGRAPH_SUCCESS) goto done;
    for (size_t i = 0; i < 2 * (size_t)dims[0]; i++) VECTOR(ev)[i] = buf[i];
    double t1 = now();
    ok = igraph_create(ig, &ev, (igraph_integer_t)nv, IGRAPH_UNDIRECTED) == IGRAPH_SUCCESS;
    igraph_vector_int_destroy(&ev);
    *t_read = t1 - t0;
    *t_create = now() - t1;
done:
    free(buf);
    if (sp >= 0) H5Sclose(sp);
    if (ds >= 0) H5Dclose(ds);
    if (a >= 0) H5Aclose(a);
    if (f >= 0) H5Fclose(f);
    return ok;
}
#endif

/* The whole of `fnegraph cluster --edges F --communities k` against igraph's
 * C on the same file, back to back in each iteration. Ours is
 * experiments/cmd_cluster.c's call path: fg_edges_file_read (read, check,
 * CSR), then fg_cluster_graph as cluster_graph() calls it (the largest
 * component, one FluidC run keeping its membership, NMI/AMI against the
 * file's /label). igraph: the file's edges read into memory (HDF5), igraph_create,
 * igraph_community_fluid_communities. The standard variant, the one igraph
 * implements; the same k and seeds. */
static void bm_cluster_edges_vs_igraph(bench_state *st, void *ctx)
{
    fluid_case *fc = ctx;
#ifndef FG_HAVE_IGRAPH
    (void)fc;
    bench_skip(st, "built without igraph (Debian libigraph-dev not found by pkg-config)");
#else
    const char *path = ensure_edges_file(fc->s);
    if (!path) {
        bench_skip(st, "could not write the edge file");
        return;
    }
    double t_ours = 0, t_read = 0, t_igraph = 0, t_ig_read = 0, t_ig_create = 0, t_ig_fluid = 0;
    uint64_t seed = 1, runs = 0;
    igraph_vector_int_t memb;
    igraph_vector_int_init(&memb, 0);
    while (bench_keep_running(st)) {
        const fg_cluster_run run = {(int64_t)fc->s->classes, seed};
        const fg_cluster_opts o = {.variant = fc->variant, .threads = 1, .membership = true, .what = path};
        fg_csr g;
        int32_t *labels = NULL;
        fg_cluster_component cc;
        double t0 = now();
        fg_status s = fg_edges_file_read(path, &g, &labels);
        double t1 = now();
        if (s == FG_OK) s = fg_cluster_graph(&g, NULL, labels, &run, 1, &o, NULL, NULL, &cc);
        double t2 = now();
        fg_csr_destroy(&g);
        fg_free(labels);
        igraph_t ig;
        double tr = 0, tc = 0;
        int ok = igraph_from_edge_file(path, &ig, &tr, &tc);
        double t3 = now();
        igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed);
        igraph_error_t ie = ok ? igraph_community_fluid_communities(&ig, (igraph_integer_t)fc->s->classes, &memb)
                               : IGRAPH_FAILURE;
        double t4 = now();
        if (ok) igraph_destroy(&ig);
        if (s != FG_OK || ie != IGRAPH_SUCCESS) {
            bench_skip(st, s != FG_OK ? fg_last_error() : "igraph could not read the file or run FluidC");
            break;
        }
        t_ours += t2 - t0;
        t_read += t1 - t0;
        t_igraph += tr + tc + (t4 - t3);
        t_ig_read += tr;
        t_ig_create += tc;
        t_ig_fluid += t4 - t3;
        seed++;
        runs++;
    }
    igraph_vector_int_destroy(&memb);
    if (runs) {
        const double r = (double)runs;
        bench_set_counter(st, "fnegraph_s", t_ours / r, BENCH_COUNTER_DEFAULT);
        bench_set_counter(st, "fnegraph_read_s", t_read / r, BENCH_COUNTER_DEFAULT);
        bench_set_counter(st, "fnegraph_cluster_s", (t_ours - t_read) / r, BENCH_COUNTER_DEFAULT);
        bench_set_counter(st, "igraph_s", t_igraph / r, BENCH_COUNTER_DEFAULT);
        bench_set_counter(st, "igraph_read_s", t_ig_read / r, BENCH_COUNTER_DEFAULT);
        bench_set_counter(st, "igraph_create_s", t_ig_create / r, BENCH_COUNTER_DEFAULT);
        bench_set_counter(st, "igraph_fluid_s", t_ig_fluid / r, BENCH_COUNTER_DEFAULT);
        bench_set_counter(st, "speedup_vs_igraph", t_igraph / t_ours, BENCH_COUNTER_DEFAULT);
    }
#endif
}

/* NMI + AMI, all four normalizations, for labels shaped like flowers102's:
 * 8,189 labels in 102 classes against 102 communities of uneven sizes. */
static void bm_scores(bench_state *st, void *ctx)
{
    (void)ctx;
    enum { N = 8189, C = 102 };
    static int64_t truth[N], pred[N];
    fg_rng r;
    fg_rng_seed(&r, 7);
    for (int i = 0; i < N; i++) {
        truth[i] = i % C;
        /* 60 % agree with the class, the rest spread unevenly */
        pred[i] = fg_rng_uniform(&r) < 0.6 ? truth[i] : (int64_t)(fg_rng_below(&r, C) * fg_rng_below(&r, C) / C);
    }
    fg_scores sc;
    while (bench_keep_running(st)) {
        if (fg_scores_compute(truth, pred, N, &sc) != FG_OK) {
            bench_skip(st, fg_last_error());
            return;
        }
    }
    bench_set_counter(st, "ami_arithmetic", sc.ami[FG_NORM_ARITHMETIC], BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "clusters", sc.n_clusters, BENCH_COUNTER_DEFAULT);
}

int main(int argc, char **argv)
{
    static fluid_case sweep_cases[2][2][2][3], run_cases[2][2];
    char name[128];
    bench_context_fnegraph();
    for (int g = 0; g < 2; g++) { /* FG_BENCH_SCALE: fewer images and feature-feature edges */
        uint64_t m_ff = shapes[g].n_edges - (uint64_t)shapes[g].n_images * shapes[g].per_image;
        shapes[g].n_images = (uint32_t)bench_scaled(shapes[g].n_images, 2 * shapes[g].classes);
        shapes[g].n_edges = (uint64_t)shapes[g].n_images * shapes[g].per_image + (uint64_t)bench_scaled((int64_t)m_ff, 10000);
    }
    bench_add_context("threads_used", "1 (FluidC is sequential; igraph too)");
    for (int g = 0; g < 2; g++)
        for (int v = 0; v < 2; v++) {
            fg_fluid_variant var = v ? FG_FLUID_STANDARD : FG_FLUID_PAPER;
            for (int mode = 0; mode < 2; mode++)
                for (int i = 0; i < 3; i++) {
                    fluid_case *fc = &sweep_cases[g][v][mode][i];
                    *fc = (fluid_case){&shapes[g], var, (fg_isa)i, mode};
                    snprintf(name, sizeof name, "community/fluidc_%s_%s/%s/%s",
                             mode ? "counting_sweep" : "sweep", fg_isa_name((fg_isa)i), fg_fluid_variant_name(var),
                             shapes[g].name);
                    bench_case_unit_ms(
                        bench_case_iterations(bench_case_real_time(bench_register(name, bm_fluid_sweep, fc)), 3));
                }
            run_cases[g][v] = (fluid_case){&shapes[g], var, fg_cpu_isa(), 0};
            snprintf(name, sizeof name, "community/fluidc_run/%s/%s", fg_fluid_variant_name(var), shapes[g].name);
            bench_case_unit_ms(
                bench_case_iterations(bench_case_real_time(bench_register(name, bm_fluid_run, &run_cases[g][v])), 3));
        }
    for (int g = 0; g < 2; g++) {
        snprintf(name, sizeof name, "community/fluidc_vs_igraph/standard/%s", shapes[g].name);
        bench_case_unit_ms(
            bench_case_iterations(bench_case_real_time(bench_register(name, bm_fluid_vs_igraph, &run_cases[g][1])), 2));
    }
    bench_case_unit_ms(bench_case_iterations(
        bench_case_real_time(bench_register("community/cluster_edges_vs_igraph/standard/flowers102",
                                            bm_cluster_edges_vs_igraph, &run_cases[0][1])),
        2));
    bench_case_unit_ms(bench_register("metrics/nmi_ami_all4/scalar/8189x102x102", bm_scores, NULL));
    return bench_main(argc, argv);
}
