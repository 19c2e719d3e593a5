/* Benchmarks of the k-means baselines (issue 16 item 5), on a
 * flowers102-shaped input: a random FNE of 8,189 x 12,416 (bench/fne_random.h),
 * standardized as the kmeans method does, k = 102, all threads:
 *   kmeans/iteration  one Lloyd iteration (assignment: x.C^T on oneDNN's
 *                     matmul, the minimum; update: the cluster sums), from
 *                     the k-means++ centres of seed 1; the distance product's
 *                     GFLOP/s beside this machine's FMA peak (bench/peak.h)
 *   kmeans/run        a whole run: k-means++ seeding + ITERS Lloyd
 *                     iterations (tol 0, so every run does the same work)
 *   kmeans/sklearn    scikit-learn's KMeans(init=the same centres, n_init=1,
 *                     algorithm="lloyd", max_iter=ITERS, tol=0) on the same
 *                     float32 data with all cores, through
 *                     bench/sklearn_kmeans.py (skipped without
 *                     python3-sklearn): its seconds per iteration and ours,
 *                     and the ratio (target >= 2x)
 * The data and centres go to a temporary folder for the script (~410 MB). */
#include "bench_common.h"
#include "fne_random.h"
#include "peak.h"

#include "fnegraph/graph.h"
#include "fnegraph/kmeans.h"
#include "fnegraph/mem.h"
#include "kmeans/kmeans_i.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { N = 8189, K = 102, ITERS = 10 };

static float *z;          /* the standardized random FNE [N][FG_FNE_DIM] */
static float *init;       /* k-means++ centres of seed 1 [K][FG_FNE_DIM] */
static double ours_per_iter; /* seconds per Lloyd iteration of kmeans/run, for the ratio */

static bool prepare(void)
{
    if (z) return true;
    float *x = bench_fne_random(N, 7);
    fg_fne_stats s;
    memset(&s, 0, sizeof s);
    bool ok = x && fg_fne_stats_compute(x, N, FG_FNE_DIM, NULL, 0, NULL, &s) == FG_OK &&
              fg_kmeans_standardized(x, N, FG_FNE_DIM, &s, &z) == FG_OK;
    fg_fne_stats_destroy(&s);
    fg_free(x);
    init = ok ? fg_alloc((size_t)K * FG_FNE_DIM, sizeof *init) : NULL;
    fg_rng r;
    fg_rng_seed_stream(&r, 1, 0);
    return init && fg_kmeans_seed_pp(z, N, FG_FNE_DIM, K, &r, init, NULL) == FG_OK;
}

static void bm_iteration(bench_state *st, void *ctx)
{
    (void)ctx;
    if (!prepare()) {
        bench_skip(st, "out of memory");
        return;
    }
    fg_kmeans_opts o = fg_kmeans_opts_default(K, 1);
    o.max_iter = 1;
    o.tol = 0;
    double dist = 0, lloyd = 0;
    int64_t n = 0;
    while (bench_keep_running(st)) {
        fg_kmeans_result r;
        if (fg_kmeans_lloyd(z, N, FG_FNE_DIM, init, &o, &r) != FG_OK) {
            bench_skip(st, fg_last_error());
            return;
        }
        /* one iteration assigns twice (the iteration's and the final one) */
        dist += r.seconds_distance / 2;
        lloyd += r.seconds_lloyd;
        n++;
        fg_kmeans_result_destroy(&r);
    }
    const double flops = 2.0 * N * K * FG_FNE_DIM, peak = fg_bench_fma_peak_gflops(0);
    char impl[64];
    fg_i_km_gemm_impl(N, FG_FNE_DIM, K, impl, sizeof impl);
    bench_add_context("kmeans_distance_impl", impl);
    bench_set_counter(st, "distance_GFLOPs", flops / (dist / (double)n) * 1e-9, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "peak_GFLOPs", peak, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "distance_of_peak", flops / (dist / (double)n) * 1e-9 / peak, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "distance_ms", dist / (double)n * 1e3, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "threads", omp_get_max_threads(), BENCH_COUNTER_DEFAULT);
}

static void bm_run(bench_state *st, void *ctx)
{
    (void)ctx;
    if (!prepare()) {
        bench_skip(st, "out of memory");
        return;
    }
    fg_kmeans_opts o = fg_kmeans_opts_default(K, 1);
    o.max_iter = ITERS;
    o.tol = 0;
    double seed = 0, lloyd = 0, dist = 0;
    int iters = 0;
    int64_t n = 0;
    while (bench_keep_running(st)) {
        fg_kmeans_result r;
        if (fg_kmeans_run(z, N, FG_FNE_DIM, &o, &r) != FG_OK) {
            bench_skip(st, fg_last_error());
            return;
        }
        seed += r.seconds_seed;
        lloyd += r.seconds_lloyd;
        dist += r.seconds_distance;
        iters = r.iterations;
        n++;
        fg_kmeans_result_destroy(&r);
    }
    ours_per_iter = lloyd / (double)n / iters;
    bench_set_counter(st, "seed_ms", seed / (double)n * 1e3, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "lloyd_ms", lloyd / (double)n * 1e3, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "iterations", iters, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "ms_per_iteration", ours_per_iter * 1e3, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "distance_GFLOPs", 2.0 * N * K * FG_FNE_DIM * (iters + 1) / (dist / (double)n) * 1e-9,
                      BENCH_COUNTER_DEFAULT);
}

static bool put(const char *path, const void *p, size_t bytes)
{
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(p, 1, bytes, f) == bytes;
    if (f && fclose(f) != 0) ok = false;
    return ok;
}

static void bm_sklearn(bench_state *st, void *ctx)
{
    (void)ctx;
    if (access("/usr/bin/python3", X_OK) != 0 ||
        system("/usr/bin/python3 -c 'import sklearn.cluster' >/dev/null 2>&1") != 0) {
        bench_skip(st, "/usr/bin/python3 cannot import sklearn (python3-sklearn)");
        return;
    }
    if (!prepare()) {
        bench_skip(st, "out of memory");
        return;
    }
    char dir[] = "/tmp/fg_bench_kmeans.XXXXXX", xp[64], ip[64], cmd[512], out[512] = "";
    if (!mkdtemp(dir)) {
        bench_skip(st, "cannot make a temporary folder");
        return;
    }
    snprintf(xp, sizeof xp, "%s/x.f32", dir);
    snprintf(ip, sizeof ip, "%s/init.f32", dir);
    double sec = 0, per = 0;
    int iters = 0;
    if (put(xp, z, (size_t)N * FG_FNE_DIM * sizeof *z) && put(ip, init, (size_t)K * FG_FNE_DIM * sizeof *init)) {
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/sklearn_kmeans.py' '%s' '%s' %d %d %d %d", FG_BENCH_DIR, xp,
                 ip, N, FG_FNE_DIM, K, ITERS);
        while (bench_keep_running(st)) {
            FILE *p = popen(cmd, "r");
            size_t got = p ? fread(out, 1, sizeof out - 1, p) : 0;
            out[got] = '\0';
            if (!p || pclose(p) != 0 || !strstr(out, "\"seconds\"")) {
                bench_skip(st, "bench/sklearn_kmeans.py failed");
                break;
            }
            const char *s = strstr(out, "\"seconds\": "), *it = strstr(out, "\"iterations\": ");
            if (s) sec = atof(s + 11);
            if (it) iters = atoi(it + 14);
        }
        per = iters > 0 ? sec / iters : 0;
    } else {
        bench_skip(st, "cannot write the data for the script");
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)!system(cmd);
    if (per <= 0) return;
    bench_set_counter(st, "sklearn_fit_s", sec, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "sklearn_iterations", iters, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "sklearn_ms_per_iteration", per * 1e3, BENCH_COUNTER_DEFAULT);
    if (ours_per_iter > 0) {
        bench_set_counter(st, "fnegraph_ms_per_iteration", ours_per_iter * 1e3, BENCH_COUNTER_DEFAULT);
        bench_set_counter(st, "speedup_vs_sklearn", per / ours_per_iter, BENCH_COUNTER_DEFAULT);
    }
}

int main(int argc, char **argv)
{
    bench_context_fnegraph();
    bench_case_unit_ms(bench_case_iterations(
        bench_case_real_time(bench_register("kmeans/iteration/8189x12416/k102", bm_iteration, NULL)), 3));
    bench_case_unit_ms(bench_case_iterations(
        bench_case_real_time(bench_register("kmeans/run/8189x12416/k102", bm_run, NULL)), 1));
    bench_case_unit_ms(bench_case_iterations(
        bench_case_real_time(bench_register("kmeans/sklearn/8189x12416/k102", bm_sklearn, NULL)), 1));
    int rc = bench_main(argc, argv);
    fg_free(z);
    fg_free(init);
    return rc;
}
