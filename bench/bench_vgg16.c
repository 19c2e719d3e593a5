/* Benchmarks of the CNN stage (issue 3 part 6): VGG16 to fc7 on oneDNN plus
 * the FNE reduction, in images/s at batch 1, 8 and 32 on all cores and on
 * one core (wall time), with the effective GFLOP/s (30.93 GFLOP an image,
 * from the layer table), this machine's fp32 FMA peak measured in the same
 * run, and the ratio; per step of the net its GFLOP/s and share of the peak
 * as counters (and a table on stderr), so the gap to the peak shows layer by
 * layer. The FNE reduction kernel alone, per ISA, at the two largest layer
 * shapes. He-initialised weights (seed 1): speed does not depend on values. */
#include "bench_common.h"
#include "fnegraph/mem.h"
#include "fnegraph/net.h"
#include "fnegraph/rng.h"
#include "nn/fne_reduce.h"
#include "peak.h"

#include <omp.h>
#include <stdio.h>
#include <string.h>

static fg_weights weights;
static bool have_weights;

typedef struct net_case {
    int batch;
    bool all_cores;
} net_case;

static void fill_input(float *x, size_t n)
{
    fg_rng r;
    fg_rng_seed(&r, 7);
    for (size_t i = 0; i < n; i++) x[i] = (float)(255.0 * fg_rng_uniform(&r) - 120.0);
}

static void print_layers(const fg_net *net, int batch, double peak)
{
    fprintf(stderr, "  %-14s %-22s %-9s %-11s %9s %8s %6s %8s\n", "step", "oneDNN impl", "dst", "weights",
            "ms/batch", "GFLOP/s", "peak", "fne ms");
    for (int i = 0; i < fg_net_n_layers(net); i++) {
        fg_net_layer L;
        if (fg_net_layer_info(net, i, &L) != FG_OK || L.runs == 0) continue;
        double s = L.seconds / (double)L.runs, gf = L.flops * batch / s / 1e9;
        fprintf(stderr, "  %-14s %-22s %-9s %-11s %9.2f %8.1f %5.0f%% %8.3f\n", L.name, L.impl, L.dst_layout,
                L.weights_layout, s * 1e3, gf, 100 * gf / peak, L.fne_seconds / (double)L.runs * 1e3);
    }
}

static void bm_fne(bench_state *st, void *ctx)
{
    const net_case *c = ctx;
    const int threads = c->all_cores ? omp_get_max_threads() : 1;
    fg_net *net = NULL;
    float *in = NULL, *fne = NULL;
    if (!have_weights) {
        bench_skip(st, "no weights: fg_weights_generate failed");
        return;
    }
    fg_net_opts o = {.batch = c->batch, .threads = threads};
    if (fg_net_create(&weights, &o, &net) != FG_OK) {
        bench_skip(st, fg_last_error());
        return;
    }
    size_t img = (size_t)FG_VGG16_INPUT * FG_VGG16_INPUT * 3;
    in = fg_alloc(img * (size_t)c->batch, sizeof *in);
    fne = fg_alloc((size_t)FG_FNE_DIM * (size_t)c->batch, sizeof *fne);
    if (!in || !fne) {
        bench_skip(st, "out of memory");
        goto done;
    }
    fill_input(in, img * (size_t)c->batch);
    if (fg_net_fne(net, in, c->batch, fne) != FG_OK) { /* warm-up: first touch of every buffer */
        bench_skip(st, fg_last_error());
        goto done;
    }
    double peak = fg_bench_fma_peak_gflops(threads);
    fg_net_reset_timing(net);
    double t0 = omp_get_wtime();
    bool ok = true;
    while (bench_keep_running(st)) ok &= fg_net_fne(net, in, c->batch, fne) == FG_OK;
    double secs = omp_get_wtime() - t0;
    if (!ok) {
        bench_skip(st, fg_last_error());
        goto done;
    }
    int64_t iters = bench_iterations(st);
    double flops = fg_net_flops(net) * (double)c->batch * (double)iters;
    bench_set_items(st, iters * c->batch);
    bench_set_counter(st, "images_per_s", (double)(iters * c->batch), BENCH_COUNTER_RATE);
    bench_set_counter(st, "GFLOPS", flops / 1e9, BENCH_COUNTER_RATE);
    bench_set_counter(st, "peak_GFLOPS", peak, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "peak_ratio", flops / secs / 1e9 / peak, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "threads", threads, BENCH_COUNTER_DEFAULT);
    double fne_s = 0, reorder_s = 0, pool_s = 0;
    for (int i = 0; i < fg_net_n_layers(net); i++) {
        fg_net_layer L;
        char key[64];
        fg_net_layer_info(net, i, &L);
        fne_s += L.fne_seconds;
        if (L.op == FG_NET_REORDER) reorder_s += L.seconds;
        if (L.op == FG_NET_POOL) pool_s += L.seconds;
        if (L.flops == 0 || L.runs == 0) continue;
        double gf = L.flops * c->batch / (L.seconds / (double)L.runs) / 1e9;
        snprintf(key, sizeof key, "%s_GFLOPS", L.name);
        bench_set_counter(st, key, gf, BENCH_COUNTER_DEFAULT);
        snprintf(key, sizeof key, "%s_peak_ratio", L.name);
        bench_set_counter(st, key, gf / peak, BENCH_COUNTER_DEFAULT);
    }
    bench_set_counter(st, "fne_reduce_share", fne_s / secs, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "reorder_share", reorder_s / secs, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "pool_share", pool_s / secs, BENCH_COUNTER_DEFAULT);
    fprintf(stderr, "batch %d, %d thread(s): %.2f images/s, %.1f GFLOP/s = %.1f%% of the %.1f GFLOP/s "
            "FMA peak\n",
            c->batch, threads, (double)(iters * c->batch) / secs, flops / secs / 1e9,
            100 * flops / secs / 1e9 / peak, peak);
    print_layers(net, c->batch, peak);
done:
    fg_free(in);
    fg_free(fne);
    fg_net_destroy(net);
}

/* The reduction alone on one core (and, .../allcores/..., with the best kernel on
 * every thread of the run): a batch of 8 conv1_2 (224x224x64) or
 * conv4_3 (28x28x512) outputs in nhwc, the layout oneDNN picks here. */
typedef struct reduce_case {
    bool avx512;
    int c, hw;
    bool all_cores; /* the threads of the run (FG_BENCH_THREADS) instead of one */
} reduce_case;

static void bm_reduce(bench_state *st, void *ctx)
{
    const reduce_case *rc = ctx;
    const bool avx512 = rc->all_cores ? fg_cpu_isa() >= FG_ISA_AVX512 : rc->avx512; /* allcores: the best kernel */
    if (avx512 && fg_cpu_isa() < FG_ISA_AVX512) {
        bench_skip(st, "the CPU (or FNEGRAPH_ISA) does not allow AVX-512");
        return;
    }
    const int64_t n = 8, c = rc->c, hw = rc->hw;
    fg_i_fne_layout y = {.n = n, .c = c, .h = hw, .w = hw, .groups = 1, .lanes = c,
                         .s_w = c, .s_h = hw * c, .s_n = hw * hw * c};
    size_t count = (size_t)(n * hw * hw * c);
    float *p = fg_alloc(count, sizeof *p), *out = fg_alloc((size_t)(n * c), sizeof *out);
    double *part = fg_alloc(fg_i_fne_part_size(&y), sizeof *part);
    if (!p || !out || !part) {
        bench_skip(st, "out of memory");
    } else {
        fill_input(p, count);
        while (bench_keep_running(st))
            fg_i_fne_means(&y, p, n, part, out, c, rc->all_cores ? omp_get_max_threads() : 1,
                           avx512 ? fg_i_fne_sum_avx512 : fg_i_fne_sum_ref);
        bench_set_items(st, bench_iterations(st) * (int64_t)count);
        bench_set_bytes(st, bench_iterations(st) * (int64_t)(count * sizeof *p));
    }
    fg_free(p);
    fg_free(out);
    fg_free(part);
}

/* Which implementation, layouts and flops each step gets, for the JSON. */
static void context_layers(void)
{
    fg_net *net = NULL;
    fg_net_opts o = {.batch = bench_env_scale() < 1.0 ? 1 : 8}; /* FG_BENCH_SCALE: the tests, cheaper */
    char key[64], val[256];
    if (!have_weights || fg_net_create(&weights, &o, &net) != FG_OK) {
        bench_add_context("vgg16_layers", fg_last_error());
        return;
    }
    for (int i = 0; i < fg_net_n_layers(net); i++) {
        fg_net_layer L;
        fg_net_layer_info(net, i, &L);
        snprintf(key, sizeof key, "vgg16_step%02d_%s", i, L.name);
        snprintf(val, sizeof val, "%s; %s -> %s; weights %s; %.4f GFLOP/image", L.impl, L.src_layout,
                 L.dst_layout, L.weights_layout[0] ? L.weights_layout : "-", L.flops / 1e9);
        bench_add_context(key, val);
    }
    snprintf(val, sizeof val, "%.6f", fg_net_flops(net) / 1e9);
    bench_add_context("vgg16_gflop_per_image", val);
    fg_net_destroy(net);
}

int main(int argc, char **argv)
{
    static net_case cases[] = {{1, true}, {8, true}, {32, true}, {1, false}, {8, false}, {32, false}};
    static const int64_t iters[] = {24, 4, 1, 8, 2, 1};
    static reduce_case reds[] = {{false, 64, 224, false}, {true, 64, 224, false}, {false, 512, 28, false},
                                 {true, 512, 28, false},  {true, 64, 224, true},   {true, 512, 28, true}};
    char name[96];
    bench_context_fnegraph();
    have_weights = fg_weights_generate(1, false, &weights) == FG_OK;
    context_layers();
    bench_add_context("load_note", "the machine may be shared while this runs: take the best of repetitions");
    for (int i = 0; i < 6; i++) {
        snprintf(name, sizeof name, "nn/vgg16_fne/%s/%d", cases[i].all_cores ? "allcores" : "1core",
                 cases[i].batch);
        bench_case *b = bench_register(name, bm_fne, &cases[i]);
        bench_case_unit_ms(bench_case_iterations(bench_case_real_time(b), iters[i]));
    }
    for (int i = 0; i < 6; i++) {
        snprintf(name, sizeof name, "nn/fne_reduce/%s/8x%dx%dx%d",
                 reds[i].all_cores ? "allcores" : reds[i].avx512 ? "avx512" : "ref",
                 reds[i].hw, reds[i].hw, reds[i].c);
        bench_case_real_time(bench_register(name, bm_reduce, &reds[i]));
    }
    int rc = bench_main(argc, argv);
    fg_weights_destroy(&weights);
    return rc;
}
