/* Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, "k-means++: the
 * advantages of careful seeding"; the greedy variant with 2 + ln k local
 * trials is scikit-learn's _kmeans_plusplus). The squared distances of all
 * points to a step's candidates are one product x . cand^T on oneDNN
 * (gemm.c): O(k (2 + ln k) n d) flops in all. Deterministic: the draws come
 * from the caller's generator and every sum is taken in a fixed order. */
#include "kmeans/kmeans_i.h"
#include "fnegraph/mem.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

int fg_i_kmeans_trials(int64_t k)
{
    return 2 + (int)floor(log((double)k));
}

void fg_i_kmeans_draw(const double *closest, int64_t n, double pot, fg_rng *rng, int t, int64_t *cand)
{
    double u[64];
    bool found[64];
    for (int j = 0; j < t; j++) {
        u[j] = fg_rng_uniform(rng) * pot;
        cand[j] = n - 1;
        found[j] = false;
    }
    /* one pass over the running sum serves every draw */
    double run = 0;
    int left = t;
    for (int64_t i = 0; i < n - 1 && left; i++) {
        run += closest[i];
        for (int j = 0; j < t; j++)
            if (!found[j] && u[j] <= run) {
                cand[j] = i;
                found[j] = true;
                left--;
            }
    }
}

fg_status fg_kmeans_seed_pp(const float *x, int64_t n, int64_t d, int64_t k, fg_rng *rng, float *centers,
                            int64_t *idx)
{
    const fg_kmeans_opts o = fg_kmeans_opts_default(k, 0);
    fg_status st = fg_i_kmeans_check(x, n, d, k, &o, "k-means++");
    if (st != FG_OK) return st;
    if (!rng || !centers) return FG_FAIL(FG_EINVAL, "k-means++: null argument");
    const int t = fg_i_kmeans_trials(k);
    fg_i_km_gemm g;
    memset(&g, 0, sizeof g);
    double *xn = fg_alloc((size_t)n, sizeof *xn), *closest = fg_alloc((size_t)n, sizeof *closest);
    double *dist = fg_alloc((size_t)n * (size_t)t, sizeof *dist), *tmp = fg_alloc((size_t)n, sizeof *tmp);
    float *cand = fg_alloc((size_t)t * (size_t)d, sizeof *cand), *dots = fg_alloc((size_t)n * (size_t)t, sizeof *dots);
    if (!xn || !closest || !dist || !tmp || !cand || !dots) {
        st = FG_FAIL(FG_ENOMEM, "k-means++ of %lld points x %lld features", (long long)n, (long long)d);
        goto done;
    }
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        double s = 0;
        for (int64_t f = 0; f < d; f++) s += (double)x[i * d + f] * x[i * d + f];
        xn[i] = s;
    }
    const int64_t first = (int64_t)fg_rng_below(rng, (uint64_t)n);
    memcpy(centers, x + first * d, (size_t)d * sizeof *centers);
    if (idx) idx[0] = first;
    const float *c0 = x + first * d;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        double s = 0;
        for (int64_t f = 0; f < d; f++) {
            const double df = (double)x[i * d + f] - c0[f];
            s += df * df;
        }
        closest[i] = s;
    }
    double pot = fg_i_sum_blocked(closest, n);
    if (k > 1) FG_CHECK_GOTO(st, fg_i_km_gemm_create(n, d, t, &g));
    for (int64_t c = 1; c < k; c++) {
        int64_t ci[64];
        fg_i_kmeans_draw(closest, n, pot, rng, t, ci);
        for (int j = 0; j < t; j++) memcpy(cand + (size_t)j * d, x + ci[j] * d, (size_t)d * sizeof *cand);
        FG_CHECK_GOTO(st, fg_i_km_gemm_run(&g, x, cand, dots));
        double best_pot = INFINITY;
        int best = 0;
        for (int j = 0; j < t; j++) {
            const double cn = xn[ci[j]];
            double *dj = dist + (size_t)j * n;
#pragma omp parallel for schedule(static)
            for (int64_t i = 0; i < n; i++) {
                double v = xn[i] - 2.0 * (double)dots[i * t + j] + cn;
                if (v < 0 || i == ci[j]) v = 0; /* rounding; a candidate is at distance 0 of itself */
                dj[i] = v;
                tmp[i] = v < closest[i] ? v : closest[i];
            }
            const double p = fg_i_sum_blocked(tmp, n);
            if (p < best_pot) {
                best_pot = p;
                best = j;
            }
        }
        const double *db = dist + (size_t)best * n;
#pragma omp parallel for schedule(static)
        for (int64_t i = 0; i < n; i++)
            if (db[i] < closest[i]) closest[i] = db[i];
        pot = best_pot;
        memcpy(centers + c * d, x + ci[best] * d, (size_t)d * sizeof *centers);
        if (idx) idx[c] = ci[best];
    }
done:
    fg_i_km_gemm_destroy(&g);
    fg_free(xn);
    fg_free(closest);
    fg_free(dist);
    fg_free(tmp);
    fg_free(cand);
    fg_free(dots);
    return st;
}
