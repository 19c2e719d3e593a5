/* The whole extraction (issue "Fast extraction" part 4): fg_extract_run on a
 * folder of JPEGs written at start-up by the demo-data generator (64 images,
 * 300..500 px a side, 4 classes) with He weights generated in memory (seed 1):
 * decoding (by the net's team between forwards on all cores; on a thread of
 * its own beside a one-core net), forward, FNE reduction, HDF5 writes into a
 * temporary file, for the three modes (f32 direct, f32 Winograd, bf16) at
 * batch 1, 8 and 32 on all cores and on one core (the net's threads). Next to it, in the same case, the bare forward of
 * the same mode (fg_net_fne on a ready input batch, best of 3 after a
 * warm-up), and the ratio whole/bare. Counters:
 *   images_per_s        whole extraction (images / processing seconds: after
 *                       the net is built, until the file is final)
 *   bare_images_per_s   the forward pass alone
 *   whole_over_bare     their ratio (1.0: decode, reduction and writes are hidden;
 *                       both left out under FG_BENCH_SCALE, the profile's tests)
 *   setup_s             building the net (weight reorders) and opening the file
 *   peak_rss_MB         peak resident memory during the case (VmHWM after
 *                       resetting it through /proc/self/clear_refs; where that
 *                       is refused, ru_maxrss: the process's peak so far, and
 *                       rss_is_process_peak = 1), weights included
 *   effective_GFLOPS    30.94 GFLOP an image x images/s (the direct count;
 *                       Winograd does fewer real flops)
 *   peak_ratio          of the FMA peak measured in the same run, f32 direct only
 * A case takes seconds: few iterations, the lead measures on a quiet machine. */
#include "bench_common.h"
#include "fnegraph/dataset.h"
#include "fnegraph/extract.h"
#include "fnegraph/mem.h"
#include "fnegraph/net.h"
#include "fnegraph/rng.h"
#include "fnegraph/synth.h"
#include "peak.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static fg_weights weights;
static bool have_weights;
static fg_dataset images;
static bool have_images;
static char dir[] = "/tmp/fg_bench_extract_XXXXXX";

typedef struct mode_case {
    const char *name;
    fg_conv_algo conv;
    fg_precision prec;
    int batch;
    bool all_cores;
} mode_case;

static double now(void) { return omp_get_wtime(); }

/* Reset the peak RSS of this process; false when the kernel refuses. */
static bool rss_reset(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f) return false;
    bool ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok;
}

static double rss_peak_mb(bool reset_ok)
{
    if (reset_ok) {
        FILE *f = fopen("/proc/self/status", "r");
        char line[256];
        long kb = -1;
        while (f && fgets(line, sizeof line, f))
            if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
        if (f) fclose(f);
        if (kb >= 0) return (double)kb / 1024.0;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

/* The forward pass alone: images/s, best of 3 after a warm-up (fewer under
 * FG_BENCH_MAX_ITERATIONS). */
static double bare_forward(const mode_case *c, int threads)
{
    fg_net *net = NULL;
    fg_net_opts o = {.batch = c->batch, .threads = threads, .conv = c->conv, .precision = c->prec};
    if (fg_net_create(&weights, &o, &net) != FG_OK) return -1;
    size_t img = (size_t)FG_VGG16_INPUT * FG_VGG16_INPUT * 3;
    float *in = fg_alloc(img * (size_t)c->batch, sizeof *in);
    float *fne = fg_alloc((size_t)FG_FNE_DIM * (size_t)c->batch, sizeof *fne);
    double best = -1;
    if (in && fne) {
        fg_rng r;
        fg_rng_seed(&r, 7);
        for (size_t i = 0; i < img * (size_t)c->batch; i++) in[i] = (float)(255.0 * fg_rng_uniform(&r) - 120.0);
        bool ok = fg_net_fne(net, in, c->batch, fne) == FG_OK;
        const int64_t cap = bench_env_max_iterations(), reps = cap > 0 && cap < 3 ? cap : 3;
        for (int k = 0; ok && k < reps; k++) {
            double t0 = now();
            ok = fg_net_fne(net, in, c->batch, fne) == FG_OK;
            double s = now() - t0;
            if (ok && (best < 0 || s < best)) best = s;
        }
        if (!ok) best = -1;
    }
    fg_free(in);
    fg_free(fne);
    fg_net_destroy(net);
    return best > 0 ? c->batch / best : -1;
}

static void bm_extract(bench_state *st, void *ctx)
{
    const mode_case *c = ctx;
    const int threads = c->all_cores ? omp_get_max_threads() : 1;
    char out[256], partial[300];
    fg_net_mode_plan plan;
    if (!have_weights || !have_images) {
        bench_skip(st, "set-up failed: no weights or no images");
        return;
    }
    if (fg_net_check_mode(c->conv, c->prec, &plan) != FG_OK) {
        bench_skip(st, fg_last_error());
        return;
    }
    if (plan.warning[0] && (plan.conv != c->conv || plan.emulated)) {
        bench_skip(st, plan.warning); /* not the mode this case is about */
        return;
    }
    bool reset_ok = rss_reset();
    /* under FG_BENCH_SCALE (the profile's tests) the bare forward is left out: 0 */
    const bool tiny = bench_env_scale() < 1.0;
    double bare = tiny ? 0 : bare_forward(c, threads);
    if (bare < 0) {
        bench_skip(st, fg_last_error());
        return;
    }
    /* batch 1: 8 images; else all 64 (batch 8: eight batches, so that the
     * first batch's decoding and the file's finish weigh as little as in a
     * long extraction) */
    fg_dataset ds = images;
    ds.n = c->batch == 1 ? bench_scaled(8, 1) : bench_scaled(64, c->batch);
    if (ds.n > images.n) ds.n = images.n;
    snprintf(out, sizeof out, "%s/fne.h5", dir);
    snprintf(partial, sizeof partial, "%s.partial", out);
    fg_extract_opts eo = {.batch = c->batch, .threads = threads, .conv = c->conv, .precision = c->prec};
    double proc = 0, total = 0;
    bool ok = true;
    while (bench_keep_running(st)) {
        fg_extract_result res;
        unlink(out);
        unlink(partial);
        double t0 = now();
        ok &= fg_extract_run(&ds, &weights, out, &eo, &res) == FG_OK && res.n_done == ds.n && res.n_failed == 0;
        total += now() - t0;
        proc += res.seconds;
        fg_extract_result_destroy(&res);
    }
    unlink(out);
    if (!ok) {
        bench_skip(st, fg_last_error());
        return;
    }
    int64_t iters = bench_iterations(st);
    double ips = (double)(ds.n * iters) / proc;
    double flops = 30.94e9;
    bench_set_items(st, ds.n * iters);
    bench_set_counter(st, "images_per_s", ips, BENCH_COUNTER_DEFAULT);
    if (!tiny) {
        bench_set_counter(st, "bare_images_per_s", bare, BENCH_COUNTER_DEFAULT);
        bench_set_counter(st, "whole_over_bare", ips / bare, BENCH_COUNTER_DEFAULT);
    }
    bench_set_counter(st, "setup_s", (total - proc) / (double)iters, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "images", (double)ds.n, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "threads", threads, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "peak_rss_MB", rss_peak_mb(reset_ok), BENCH_COUNTER_DEFAULT);
    if (!reset_ok) bench_set_counter(st, "rss_is_process_peak", 1, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "effective_GFLOPS", ips * flops / 1e9, BENCH_COUNTER_DEFAULT);
    if (c->conv == FG_CONV_DIRECT && c->prec == FG_PRECISION_F32) {
        double peak = fg_bench_fma_peak_gflops(threads);
        bench_set_counter(st, "peak_GFLOPS", peak, BENCH_COUNTER_DEFAULT);
        bench_set_counter(st, "peak_ratio", ips * flops / 1e9 / peak, BENCH_COUNTER_DEFAULT);
    }
    fprintf(stderr, "%s batch %d, %d thread(s): whole %.2f images/s (%lld images), bare %.2f, ratio %.3f, "
            "peak RSS %.0f MB\n", c->name, c->batch, threads, ips, (long long)ds.n, bare, bare > 0 ? ips / bare : 0,
            rss_peak_mb(reset_ok));
}

/* The image set: 64 JPEGs in 4 class folders. */
static void make_images(void)
{
    fg_synth_options o;
    fg_synth_defaults(&o);
    o.classes = 4;
    o.per_class = (int)bench_scaled(16, 1); /* FG_BENCH_SCALE: fewer images */
    o.min_side = 300;
    o.max_side = 500;
    o.seed = 3;
    char root[300];
    if (!mkdtemp(dir)) return;
    snprintf(root, sizeof root, "%s/images", dir);
    fg_synth_report rep;
    have_images = fg_synth_write(root, &o, NULL, NULL, &rep) == FG_OK && fg_dataset_folder(root, &images) == FG_OK &&
                  images.n == 4 * o.per_class;
    char note[160];
    snprintf(note, sizeof note, "%lld demo-data JPEGs, %dx%d..%dx%d px, %lld progressive, %lld grayscale",
             (long long)rep.images, rep.min_width, rep.min_height, rep.max_width, rep.max_height,
             (long long)rep.progressive, (long long)rep.grayscale);
    bench_add_context("extract_images", have_images ? note : fg_last_error());
}

int main(int argc, char **argv)
{
    static mode_case cases[18];
    static const struct { const char *name; fg_conv_algo conv; fg_precision prec; } modes[3] = {
        {"f32_direct", FG_CONV_DIRECT, FG_PRECISION_F32},
        {"f32_winograd", FG_CONV_WINOGRAD, FG_PRECISION_F32},
        {"bf16_direct", FG_CONV_DIRECT, FG_PRECISION_BF16}};
    static const int batches[3] = {1, 8, 32};
    char name[96];
    bench_context_fnegraph();
    have_weights = fg_weights_generate(1, false, &weights) == FG_OK;
    make_images();
    bench_add_context("load_note", "the machine may be shared while this runs: take the best of repetitions");
    int k = 0;
    for (int cores = 0; cores < 2; cores++)
        for (int m = 0; m < 3; m++)
            for (int b = 0; b < 3; b++, k++) {
                cases[k] = (mode_case){modes[m].name, modes[m].conv, modes[m].prec, batches[b], cores == 0};
                snprintf(name, sizeof name, "extract/whole/%s/%s/%d", modes[m].name, cores == 0 ? "allcores" : "1core",
                         batches[b]);
                bench_case_unit_ms(bench_case_iterations(bench_case_real_time(bench_register(name, bm_extract, &cases[k])), 1));
            }
    int rc = bench_main(argc, argv);
    fg_weights_destroy(&weights);
    fg_dataset_destroy(&images);
    if (dir[strlen(dir) - 6] != 'X') {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    }
    return rc;
}
