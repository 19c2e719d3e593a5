/* The simple twins of the fast k-means (seed.c, lloyd.c): plain loops, no
 * threads, every distance sum_f (x_f - c_f)^2 in double and the centres kept
 * in double; the same draws, stopping rule and empty-cluster rule
 * (include/fnegraph/kmeans.h). tests/test_kmeans.c compares the fast paths
 * with them on random input. O(n k d) per iteration, as the fast path. */
#include "kmeans/kmeans_i.h"
#include "fnegraph/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double sqdist(const float *x, const double *c, int64_t d)
{
    double s = 0;
    for (int64_t f = 0; f < d; f++) {
        const double t = (double)x[f] - c[f];
        s += t * t;
    }
    return s;
}

static double sqdist_ff(const float *x, const float *c, int64_t d)
{
    double s = 0;
    for (int64_t f = 0; f < d; f++) {
        const double t = (double)x[f] - (double)c[f];
        s += t * t;
    }
    return s;
}

/* Each point to its nearest centre (ties: the lower index). */
static void assign(const float *x, const double *cent, int64_t n, int64_t d, int64_t k, int32_t *lab)
{
    for (int64_t i = 0; i < n; i++) {
        double best = INFINITY;
        for (int64_t j = 0; j < k; j++) {
            const double v = sqdist(x + i * d, cent + j * d, d);
            if (v < best) {
                best = v;
                lab[i] = (int32_t)j;
            }
        }
    }
}

fg_status fg_i_kmeans_seed_pp_ref(const float *x, int64_t n, int64_t d, int64_t k, fg_rng *rng, float *centers,
                                  int64_t *idx)
{
    const fg_kmeans_opts o = fg_kmeans_opts_default(k, 0);
    fg_status st = fg_i_kmeans_check(x, n, d, k, &o, "k-means++ (twin)");
    if (st != FG_OK) return st;
    const int t = fg_i_kmeans_trials(k);
    double *closest = malloc((size_t)n * sizeof *closest), *tmp = malloc((size_t)n * sizeof *tmp);
    double *best_d = malloc((size_t)n * sizeof *best_d);
    if (!closest || !tmp || !best_d) {
        st = FG_FAIL(FG_ENOMEM, "k-means++ (twin)");
        goto done;
    }
    const int64_t first = (int64_t)fg_rng_below(rng, (uint64_t)n);
    memcpy(centers, x + first * d, (size_t)d * sizeof *centers);
    if (idx) idx[0] = first;
    for (int64_t i = 0; i < n; i++) closest[i] = sqdist_ff(x + i * d, x + first * d, d);
    double pot = fg_i_sum_blocked(closest, n);
    for (int64_t c = 1; c < k; c++) {
        int64_t ci[64];
        fg_i_kmeans_draw(closest, n, pot, rng, t, ci);
        double best_pot = INFINITY;
        int best = 0;
        for (int j = 0; j < t; j++) {
            for (int64_t i = 0; i < n; i++) {
                const double v = sqdist_ff(x + i * d, x + ci[j] * d, d);
                tmp[i] = v < closest[i] ? v : closest[i];
            }
            const double p = fg_i_sum_blocked(tmp, n);
            if (p < best_pot) {
                best_pot = p;
                best = j;
                memcpy(best_d, tmp, (size_t)n * sizeof *tmp);
            }
        }
        memcpy(closest, best_d, (size_t)n * sizeof *closest);
        pot = best_pot;
        memcpy(centers + c * d, x + ci[best] * d, (size_t)d * sizeof *centers);
        if (idx) idx[c] = ci[best];
    }
done:
    free(closest);
    free(tmp);
    free(best_d);
    return st;
}

fg_status fg_i_kmeans_lloyd_ref(const float *x, int64_t n, int64_t d, const float *init, const fg_kmeans_opts *o,
                                fg_kmeans_result *out)
{
    memset(out, 0, sizeof *out);
    fg_status st = fg_i_kmeans_check(x, n, d, o->k, o, "k-means (twin)");
    if (st != FG_OK) return st;
    const int64_t k = o->k;
    const int max_iter = o->max_iter > 0 ? o->max_iter : FG_KMEANS_DEFAULT_MAX_ITER;
    const size_t kd = (size_t)k * (size_t)d;
    double *cent = malloc(kd * sizeof *cent), *sum = malloc(kd * sizeof *sum), *dist = malloc((size_t)n * sizeof *dist);
    int32_t *lab = malloc((size_t)n * sizeof *lab), *old = malloc((size_t)n * sizeof *old);
    int64_t *cnt = malloc((size_t)k * sizeof *cnt), *far = malloc(2 * (size_t)k * sizeof *far);
    if (!cent || !sum || !dist || !lab || !old || !cnt || !far) {
        st = FG_FAIL(FG_ENOMEM, "k-means (twin)");
        goto done;
    }
    for (size_t i = 0; i < kd; i++) cent[i] = init[i];
    for (int64_t i = 0; i < n; i++) old[i] = -1;
    const double tol = fg_i_kmeans_abs_tol(x, n, d, o->tol);
    bool strict = false, conv = false;
    for (int it = 0; it < max_iter && !strict; it++) {
        assign(x, cent, n, d, k, lab);
        memset(sum, 0, kd * sizeof *sum); /* update */
        memset(cnt, 0, (size_t)k * sizeof *cnt);
        for (int64_t i = 0; i < n; i++) {
            cnt[lab[i]]++;
            for (int64_t f = 0; f < d; f++) sum[lab[i] * d + f] += x[i * d + f];
        }
        int64_t n_empty = 0, *empty = far + k;
        for (int64_t j = 0; j < k; j++)
            if (cnt[j] == 0) empty[n_empty++] = j;
        if (n_empty) {
            for (int64_t i = 0; i < n; i++) dist[i] = sqdist(x + i * d, cent + (int64_t)lab[i] * d, d);
            FG_CHECK_GOTO(st, fg_i_kmeans_farthest(dist, n, n_empty, far));
            for (int64_t e = 0; e < n_empty; e++) {
                const int64_t j = empty[e], p = far[e], from = lab[p];
                for (int64_t f = 0; f < d; f++) {
                    sum[from * d + f] -= x[p * d + f];
                    sum[j * d + f] = x[p * d + f];
                }
                cnt[j] = 1;
                cnt[from]--;
            }
            out->n_reseeded += n_empty;
        }
        double shift = 0;
        for (int64_t j = 0; j < k; j++)
            for (int64_t f = 0; f < d; f++) {
                const double c = sum[j * d + f] / (double)(cnt[j] > 0 ? cnt[j] : 1);
                shift += (c - cent[j * d + f]) * (c - cent[j * d + f]);
                cent[j * d + f] = c;
            }
        out->iterations = it + 1;
        if (memcmp(lab, old, (size_t)n * sizeof *lab) == 0) strict = true;
        else if (shift <= tol) {
            conv = true;
            break;
        }
        memcpy(old, lab, (size_t)n * sizeof *lab);
    }
    out->converged = strict || conv;
    if (!strict) assign(x, cent, n, d, k, lab);
    for (int64_t i = 0; i < n; i++) dist[i] = sqdist(x + i * d, cent + (int64_t)lab[i] * d, d);
    out->inertia = fg_i_sum_blocked(dist, n);
    out->labels = fg_alloc((size_t)n, sizeof *out->labels);
    out->centers = fg_alloc(kd, sizeof *out->centers);
    if (!out->labels || !out->centers) {
        st = FG_FAIL(FG_ENOMEM, "k-means (twin) result");
        goto done;
    }
    memcpy(out->labels, lab, (size_t)n * sizeof *lab);
    for (size_t i = 0; i < kd; i++) out->centers[i] = (float)cent[i];
    out->n = n;
    out->d = d;
    out->k = k;
done:
    free(cent);
    free(sum);
    free(dist);
    free(lab);
    free(old);
    free(cnt);
    free(far);
    if (st != FG_OK) fg_kmeans_result_destroy(out);
    return st;
}
