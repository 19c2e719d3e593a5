/* Benchmarks of the graph stage (issue 4 targets), on flowers102-sized input:
 *   memory/read/<isa>[x8]        this machine's memory read bandwidth (a parallel sum of 512 MiB,
 *                                one stream a thread or 8 in lockstep; the roof is the best)
 *   standardize/stats/<isa>      the statistics pass over 8,189 x 12,416 floats (407 MB)
 *   ternarize/fused/<isa>        the standardize+ternarize pass     target >= 70 % of read bandwidth
 *   standardize_ternarize/total  both passes (2 reads of the floats)
 *   ff/aggregate|edges|total     feature-feature edges of real-shape He weights, k = 1.5
 *                                                                  target total <= 0.2 s
 *   graph/csr_build/<threads>    (1, 2, allcores = FG_BENCH_THREADS) CSR of 8,189 images x ~520 codes + the ff edges (~9.7 M edges)
 *                                                                  target <= 0.3 s on 2 cores
 *   graph/summarize              edge kinds and components of that graph
 * Every case also reports best_ms, the fastest of its iterations (the machine
 * may be shared: the best is the least disturbed), and ratios use it.
 * FG_BENCH_SCALE shrinks the images and the 512 MiB buffer (the names keep the
 * full sizes; the JSON context records the scale); FG_BENCH_READ_MIB=M sets
 * the read buffer to M MiB (scripts/profile: 4 x the last-level caches). */
#include "bench_common.h"
#include "fne_random.h"
#include "fnegraph/graph.h"
#include "fnegraph/mem.h"
#include "fnegraph/rng.h"
#include "graph/graph_internal.h"

#include <immintrin.h>
#include <omp.h>
#include <stdlib.h>
#include <time.h>

/* flowers102 sizes; FG_BENCH_SCALE shrinks them (main) */
enum { CODES_PER_IMAGE = 520 };
static int n_images = 8189;
static size_t bw_floats = (size_t)128 << 20; /* 512 MiB */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ---- memory read bandwidth ------------------------------------------------ */

__attribute__((target("avx512f"))) static float sum_avx512(const float *a, size_t n)
{
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    for (size_t i = 0; i + 64 <= n; i += 64) {
        s0 = _mm512_add_ps(s0, _mm512_load_ps(a + i));
        s1 = _mm512_add_ps(s1, _mm512_load_ps(a + i + 16));
        s2 = _mm512_add_ps(s2, _mm512_load_ps(a + i + 32));
        s3 = _mm512_add_ps(s3, _mm512_load_ps(a + i + 48));
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

static float sum_sse2(const float *a, size_t n)
{
    __m128 s0 = _mm_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    for (size_t i = 0; i + 16 <= n; i += 16) {
        s0 = _mm_add_ps(s0, _mm_load_ps(a + i));
        s1 = _mm_add_ps(s1, _mm_load_ps(a + i + 4));
        s2 = _mm_add_ps(s2, _mm_load_ps(a + i + 8));
        s3 = _mm_add_ps(s3, _mm_load_ps(a + i + 12));
    }
    float t[4];
    _mm_storeu_ps(t, _mm_add_ps(_mm_add_ps(s0, s1), _mm_add_ps(s2, s3)));
    return t[0] + t[1] + t[2] + t[3];
}

/* READ_STREAMS equal parts of [a, a + n) summed in lockstep: the pattern of
 * the statistics pass (8 rows at once). One sequential stream does not reach
 * a core's read bandwidth on every CPU (the hardware prefetchers track each
 * stream separately), so the roof is the best of both patterns. */
enum { READ_STREAMS = 8 };

__attribute__((target("avx512f"))) static float sum_streams_avx512(const float *a, size_t n)
{
    size_t len = n / READ_STREAMS / 16 * 16;
    __m512 s[READ_STREAMS];
    for (int j = 0; j < READ_STREAMS; j++) s[j] = _mm512_setzero_ps();
    for (size_t i = 0; i < len; i += 16)
        for (int j = 0; j < READ_STREAMS; j++) s[j] = _mm512_add_ps(s[j], _mm512_load_ps(a + j * len + i));
    for (int j = 1; j < READ_STREAMS; j++) s[0] = _mm512_add_ps(s[0], s[j]);
    return _mm512_reduce_add_ps(s[0]);
}

static float sum_streams_sse2(const float *a, size_t n)
{
    size_t len = n / READ_STREAMS / 16 * 16;
    __m128 s[READ_STREAMS];
    for (int j = 0; j < READ_STREAMS; j++) s[j] = _mm_setzero_ps();
    for (size_t i = 0; i < len; i += 4)
        for (int j = 0; j < READ_STREAMS; j++) s[j] = _mm_add_ps(s[j], _mm_load_ps(a + j * len + i));
    for (int j = 1; j < READ_STREAMS; j++) s[0] = _mm_add_ps(s[0], s[j]);
    float t[4];
    _mm_storeu_ps(t, s[0]);
    return t[0] + t[1] + t[2] + t[3];
}

/* a read pattern: the ISA and how many streams a thread reads at once */
typedef struct {
    fg_isa isa;
    int streams;
} read_kind;

static float *bw_array(void)
{
    static float *a;
    if (!a) {
        a = fg_alloc(bw_floats, sizeof *a);
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < bw_floats; i++) a[i] = 1.0f;
    }
    return a;
}

/* one parallel read of the array; each thread sums a contiguous share, in one
 * stream or READ_STREAMS; the bytes counted are the bytes summed */
static double read_pass(read_kind k, float *sink)
{
    const float *a = bw_array();
    float total = 0;
    size_t summed = 0;
    double t0 = now();
#pragma omp parallel reduction(+ : total, summed)
    {
        size_t nt = (size_t)omp_get_num_threads(), t = (size_t)omp_get_thread_num();
        size_t chunk = (bw_floats / nt + 63) / 64 * 64, b = t * chunk;
        size_t e = b + chunk < bw_floats ? b + chunk : bw_floats;
        if (b < e) {
            size_t n = e - b;
            if (k.streams > 1) n = n / READ_STREAMS / 16 * 16 * READ_STREAMS;
            bool v = k.isa == FG_ISA_AVX512;
            total += k.streams > 1 ? (v ? sum_streams_avx512(a + b, n) : sum_streams_sse2(a + b, n))
                                   : (v ? sum_avx512(a + b, n) : sum_sse2(a + b, n));
            summed += n;
        }
    }
    double s = now() - t0;
    *sink += total;
    return (double)summed * sizeof(float) / s / 1e9;
}

/* the best read bandwidth of any ISA available, GB/s, measured once */
static double read_bw_gbs(void)
{
    static double best;
    float sink = 0;
    if (best > 0) return best;
    for (int rep = 0; rep < 5; rep++)
        for (int i = 0; i < 4; i++) {
            read_kind k = {i < 2 ? FG_ISA_SCALAR : FG_ISA_AVX512, i % 2 ? READ_STREAMS : 1};
            if (k.isa > fg_cpu_isa()) continue;
            double g = read_pass(k, &sink);
            if (g > best) best = g;
        }
    return sink == 0 ? 0 : best;
}

static void bm_read(bench_state *st, void *ctx)
{
    read_kind k = *(const read_kind *)ctx;
    if (k.isa > fg_cpu_isa()) {
        bench_skip(st, "the CPU (or FNEGRAPH_ISA) does not allow this ISA");
        return;
    }
    float sink = 0;
    double best = 0;
    bw_array();
    while (bench_keep_running(st)) {
        double g = read_pass(k, &sink);
        if (g > best) best = g;
    }
    bench_set_bytes(st, bench_iterations(st) * (int64_t)(bw_floats * sizeof(float)));
    bench_set_counter(st, "GBps_best", best, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "threads", omp_get_max_threads(), BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "sink", sink > 0, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "buffer_MiB", (double)(bw_floats * sizeof(float)) / (1 << 20), BENCH_COUNTER_DEFAULT);
}

/* ---- the FNE: ReLU-like, many zeros, per-feature scale and shift ------------ */

static float *fne(void)
{
    static float *x;
    if (!x) x = bench_fne_random(n_images, 102);
    return x;
}


static double fne_bytes(void) { return (double)n_images * FG_FNE_DIM * sizeof(float); }

/* one untimed read of the read-bandwidth buffer (4 x the last-level caches
 * under scripts/profile) before each timed pass, so that a pass reads the
 * FNE from memory, as its roof assumes, even where the caches could hold it */
static void evict_caches(void)
{
    static float sink;
    read_pass((read_kind){FG_ISA_SCALAR, 1}, &sink);
}

static void report_pass(bench_state *st, double best, double passes)
{
    double gbs = passes * fne_bytes() / best / 1e9, bw = read_bw_gbs();
    bench_set_bytes(st, (int64_t)(passes * fne_bytes()) * bench_iterations(st));
    bench_set_counter(st, "best_ms", best * 1e3, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "GBps_best", gbs, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "read_bw_GBps", bw, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "of_read_bw", gbs / bw, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "threads", omp_get_max_threads(), BENCH_COUNTER_DEFAULT);
}

static int check_isa(bench_state *st, fg_isa isa)
{
    if (isa <= fg_cpu_isa()) return 1;
    bench_skip(st, "the CPU (or FNEGRAPH_ISA) does not allow this ISA");
    return 0;
}

static void bm_stats(bench_state *st, void *ctx)
{
    fg_isa isa = (fg_isa)(intptr_t)ctx;
    if (!check_isa(st, isa)) return;
    const float *x = fne();
    read_bw_gbs();
    double best = 1e30;
    while (bench_keep_running(st)) {
        fg_fne_stats s;
        evict_caches();
        double t0 = now();
        fg_status rc = fg_i_fne_stats_compute(x, n_images, FG_FNE_DIM, NULL, 0, NULL, isa, &s);
        double t = now() - t0;
        if (t < best) best = t;
        fg_fne_stats_destroy(&s);
        if (rc != FG_OK) {
            bench_skip(st, fg_last_error());
            return;
        }
    }
    report_pass(st, best, 1);
}

static void bm_ternarize(bench_state *st, void *ctx)
{
    fg_isa isa = (fg_isa)(intptr_t)ctx;
    if (!check_isa(st, isa)) return;
    const float *x = fne();
    read_bw_gbs();
    fg_fne_stats s;
    if (fg_fne_stats_compute(x, n_images, FG_FNE_DIM, NULL, 0, NULL, &s) != FG_OK) {
        bench_skip(st, fg_last_error());
        return;
    }
    double best = 1e30;
    uint64_t np = 0, nn = 0;
    while (bench_keep_running(st)) {
        fg_codes c;
        evict_caches();
        double t0 = now();
        fg_status rc = fg_i_codes_ternarize(x, n_images, FG_FNE_DIM, &s, -2, 2, NULL, isa, &c);
        double t = now() - t0;
        if (t < best) best = t;
        fg_codes_count(&c, &np, &nn);
        fg_codes_destroy(&c);
        if (rc != FG_OK) {
            bench_skip(st, fg_last_error());
            break;
        }
    }
    fg_fne_stats_destroy(&s);
    report_pass(st, best, 1);
    bench_set_counter(st, "codes_per_image", (double)(np + nn) / n_images, BENCH_COUNTER_DEFAULT);
}

static void bm_stats_ternarize(bench_state *st, void *ctx)
{
    fg_isa isa = (fg_isa)(intptr_t)ctx;
    if (!check_isa(st, isa)) return;
    const float *x = fne();
    read_bw_gbs();
    double best = 1e30;
    while (bench_keep_running(st)) {
        fg_fne_stats s;
        fg_codes c;
        evict_caches();
        double t0 = now();
        fg_status rc = fg_i_fne_stats_compute(x, n_images, FG_FNE_DIM, NULL, 0, NULL, isa, &s);
        if (rc == FG_OK) rc = fg_i_codes_ternarize(x, n_images, FG_FNE_DIM, &s, -2, 2, NULL, isa, &c);
        double t = now() - t0;
        if (t < best) best = t;
        fg_fne_stats_destroy(&s);
        if (rc != FG_OK) {
            bench_skip(st, fg_last_error());
            return;
        }
        fg_codes_destroy(&c);
    }
    report_pass(st, best, 2);
}

/* ---- feature-feature edges ------------------------------------------------- */

static fg_weights *weights(void)
{
    static fg_weights w;
    static int made;
    if (!made && fg_weights_generate(1, false, &w) == FG_OK) made = 1;
    return made ? &w : NULL;
}

enum { FF_AGGREGATE, FF_EDGES, FF_TOTAL };
typedef struct ff_ctx {
    fg_isa isa;
    int what;
} ff_ctx;

static void bm_ff(bench_state *st, void *ctx)
{
    const ff_ctx *c = ctx;
    if (!check_isa(st, c->isa)) return;
    fg_weights *w = weights();
    fg_ff_weights agg;
    if (!w || fg_i_ff_weights_aggregate(w, c->isa, &agg) != FG_OK) {
        bench_skip(st, fg_last_error());
        return;
    }
    double best = 1e30;
    uint64_t pairs = 0;
    while (bench_keep_running(st)) {
        fg_ff_weights a;
        fg_ff_edges e;
        fg_status rc = FG_OK;
        double t0 = now();
        if (c->what == FF_AGGREGATE) rc = fg_i_ff_weights_aggregate(w, c->isa, &a);
        else if (c->what == FF_EDGES) rc = fg_i_ff_edges_compute(&agg, 1.5, c->isa, &e);
        else {
            rc = fg_i_ff_weights_aggregate(w, c->isa, &a);
            if (rc == FG_OK) rc = fg_i_ff_edges_compute(&a, 1.5, c->isa, &e);
        }
        double t = now() - t0;
        if (t < best) best = t;
        if (c->what != FF_EDGES) fg_ff_weights_destroy(&a);
        if (c->what != FF_AGGREGATE && rc == FG_OK) {
            pairs = e.n_pairs;
            fg_ff_edges_destroy(&e);
        }
        if (rc != FG_OK) {
            bench_skip(st, fg_last_error());
            break;
        }
    }
    fg_ff_weights_destroy(&agg);
    bench_set_counter(st, "best_ms", best * 1e3, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "threads", omp_get_max_threads(), BENCH_COUNTER_DEFAULT);
    if (c->what != FF_AGGREGATE) bench_set_counter(st, "ff_edges", 2.0 * (double)pairs, BENCH_COUNTER_DEFAULT);
    if (c->what == FF_TOTAL) bench_set_counter(st, "of_target_0.2s", best / 0.2, BENCH_COUNTER_DEFAULT);
}

/* ---- the CSR graph ---------------------------------------------------------- */

typedef struct graph_input {
    fg_codes codes;
    fg_ff_edges ff;
    int ok;
} graph_input;

static graph_input *graph_input_get(void)
{
    static graph_input g;
    static int tried;
    if (tried) return g.ok ? &g : NULL;
    tried = 1;
    fg_ff_weights a;
    fg_weights *w = weights();
    if (!w || fg_ff_weights_aggregate(w, &a) != FG_OK) return NULL;
    fg_status rc = fg_ff_edges_compute(&a, 1.5, &g.ff);
    fg_ff_weights_destroy(&a);
    if (rc != FG_OK) return NULL;
    /* ~520 codes an image at random features, random signs */
    g.codes.n = n_images;
    g.codes.d = FG_FNE_DIM;
    g.codes.words = FG_CODE_WORDS;
    g.codes.lo = -2;
    g.codes.hi = 2;
    g.codes.bits = fg_calloc((size_t)n_images * 2 * FG_CODE_WORDS, sizeof(uint64_t));
    if (!g.codes.bits) return NULL;
    fg_rng r;
    fg_rng_seed(&r, 8189);
    for (int i = 0; i < n_images; i++) {
        uint64_t *pos = g.codes.bits + (size_t)i * 2 * FG_CODE_WORDS, *neg = pos + FG_CODE_WORDS;
        for (int k = 0; k < CODES_PER_IMAGE; k++) {
            uint64_t f = fg_rng_below(&r, FG_FNE_DIM), b = 1ull << (f % 64);
            if ((pos[f / 64] | neg[f / 64]) & b) continue;
            (fg_rng_below(&r, 2) ? pos : neg)[f / 64] |= b;
        }
    }
    g.ok = 1;
    return &g;
}

static void bm_csr_build(bench_state *st, void *ctx)
{
    int saved = omp_get_max_threads(), threads = ctx ? (int)(intptr_t)ctx : saved; /* 0: all (FG_BENCH_THREADS) */
    graph_input *in = graph_input_get();
    if (!in) {
        bench_skip(st, "could not make the input graph");
        return;
    }
    if (threads > saved) {
        bench_skip(st, "fewer cores than this case's threads");
        return;
    }
    omp_set_num_threads(threads);
    double best = 1e30;
    uint64_t edges = 0;
    while (bench_keep_running(st)) {
        fg_csr g;
        double t0 = now();
        fg_status rc = fg_graph_build(&in->codes, &in->ff.graph, &g);
        double t = now() - t0;
        if (t < best) best = t;
        if (rc != FG_OK) {
            bench_skip(st, fg_last_error());
            break;
        }
        edges = fg_csr_n_edges(&g);
        fg_csr_destroy(&g);
    }
    omp_set_num_threads(saved);
    bench_set_items(st, (int64_t)edges * bench_iterations(st));
    bench_set_counter(st, "best_ms", best * 1e3, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "edges", (double)edges, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "threads", threads, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "of_target_0.3s", best / 0.3, BENCH_COUNTER_DEFAULT);
}

static void bm_summarize(bench_state *st, void *ctx)
{
    (void)ctx;
    graph_input *in = graph_input_get();
    fg_csr g;
    if (!in || fg_graph_build(&in->codes, &in->ff.graph, &g) != FG_OK) {
        bench_skip(st, "could not make the input graph");
        return;
    }
    double best = 1e30;
    fg_graph_summary s = {0};
    while (bench_keep_running(st)) {
        double t0 = now();
        fg_status rc = fg_graph_summarize(&g, &s);
        double t = now() - t0;
        if (t < best) best = t;
        if (rc != FG_OK) {
            bench_skip(st, fg_last_error());
            break;
        }
    }
    fg_csr_destroy(&g);
    bench_set_counter(st, "best_ms", best * 1e3, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "components", s.n_components, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "vertices_nonisolated", s.n_vertices_nonisolated, BENCH_COUNTER_DEFAULT);
}

static bench_case *heavy(bench_case *c, int iterations)
{
    return bench_case_unit_ms(bench_case_iterations(bench_case_real_time(c), iterations));
}

int main(int argc, char **argv)
{
    static ff_ctx ffc[6] = {{FG_ISA_SCALAR, FF_AGGREGATE}, {FG_ISA_AVX512, FF_AGGREGATE},
                            {FG_ISA_SCALAR, FF_EDGES},     {FG_ISA_AVX512, FF_EDGES},
                            {FG_ISA_SCALAR, FF_TOTAL},     {FG_ISA_AVX512, FF_TOTAL}};
    static const char *ffn[6] = {"ff/aggregate/scalar/vgg16", "ff/aggregate/avx512/vgg16",
                                 "ff/edges/scalar/k1.5",      "ff/edges/avx512/k1.5",
                                 "ff/total/scalar/k1.5",      "ff/total/avx512/k1.5"};
    void *scalar = (void *)(intptr_t)FG_ISA_SCALAR, *avx512 = (void *)(intptr_t)FG_ISA_AVX512;
    bench_context_fnegraph();
    n_images = (int)bench_scaled(n_images, 256);
    const char *mib = getenv("FG_BENCH_READ_MIB"); /* scripts/profile: 4 x the last-level caches */
    if (mib && atoll(mib) >= 16) bw_floats = (size_t)atoll(mib) << 18;
    bw_floats = (size_t)bench_scaled((int64_t)bw_floats, (int64_t)1 << 22) / 64 * 64;
    static const read_kind rk[4] = {
        {FG_ISA_SCALAR, 1}, {FG_ISA_AVX512, 1}, {FG_ISA_SCALAR, READ_STREAMS}, {FG_ISA_AVX512, READ_STREAMS}};
    heavy(bench_register("memory/read/sse2/512MiB", bm_read, (void *)&rk[0]), 10);
    heavy(bench_register("memory/read/avx512/512MiB", bm_read, (void *)&rk[1]), 10);
    heavy(bench_register("memory/read/sse2x8/512MiB", bm_read, (void *)&rk[2]), 10);
    heavy(bench_register("memory/read/avx512x8/512MiB", bm_read, (void *)&rk[3]), 10);
    heavy(bench_register("standardize/stats/scalar/8189", bm_stats, scalar), 5);
    heavy(bench_register("standardize/stats/avx512/8189", bm_stats, avx512), 5);
    heavy(bench_register("ternarize/fused/scalar/8189", bm_ternarize, scalar), 5);
    heavy(bench_register("ternarize/fused/avx512/8189", bm_ternarize, avx512), 10);
    heavy(bench_register("standardize_ternarize/total/scalar/8189", bm_stats_ternarize, scalar), 5);
    heavy(bench_register("standardize_ternarize/total/avx512/8189", bm_stats_ternarize, avx512), 5);
    for (int i = 0; i < 6; i++) heavy(bench_register(ffn[i], bm_ff, &ffc[i]), 5);
    heavy(bench_register("graph/csr_build/1thread/8189", bm_csr_build, (void *)(intptr_t)1), 5);
    heavy(bench_register("graph/csr_build/2threads/8189", bm_csr_build, (void *)(intptr_t)2), 10);
    heavy(bench_register("graph/csr_build/allcores/8189", bm_csr_build, (void *)(intptr_t)0), 10);
    heavy(bench_register("graph/summarize/8189", bm_summarize, NULL), 5);
    return bench_main(argc, argv);
}
