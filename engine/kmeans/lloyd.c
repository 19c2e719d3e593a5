/* Lloyd's k-means (Lloyd 1982) as scikit-learn 1.2's KMeans(algorithm=
 * "lloyd") runs it (include/fnegraph/kmeans.h has the stopping rule and the
 * empty-cluster rule; docs/method.md §9), and the restarts around it.
 *
 * One iteration: the assignment takes x . C^T for all points and centres in
 * one oneDNN matmul (gemm.c, 2 n k d flops, the bulk of the time) and picks,
 * per point and in parallel, the j of least ||c_j||^2 - 2 x.c_j (norms in
 * double; ties: lower j). The update sorts the points by cluster (counting
 * sort, stable) and sums each cluster's members in double, in index order,
 * over blocks of features, the (cluster, block) tasks in parallel: one pass
 * over x, the same sums for any thread count. O(n k d) per iteration. */
#include "kmeans/kmeans_i.h"
#include "fnegraph/mem.h"

#include <math.h>
#include <omp.h>
#include <string.h>

enum { FEAT_BLOCK = 1024 };

typedef struct lloyd_ws {
    fg_i_km_gemm g;
    float *dots;           /* [n][k] */
    double *cn;            /* [k] */
    int32_t *lab, *old;    /* [n] */
    int64_t *cnt, *off;    /* [k], [k + 1] */
    int64_t *members;      /* [n] point indices sorted by cluster */
    double *sum;           /* [k][d] */
    float *cent, *cnew;    /* [k][d] */
    double *dist;          /* [n] */
} lloyd_ws;

static void ws_free(lloyd_ws *w)
{
    fg_i_km_gemm_destroy(&w->g);
    fg_free(w->dots);
    fg_free(w->cn);
    fg_free(w->lab);
    fg_free(w->old);
    fg_free(w->cnt);
    fg_free(w->off);
    fg_free(w->members);
    fg_free(w->sum);
    fg_free(w->cent);
    fg_free(w->cnew);
    fg_free(w->dist);
    memset(w, 0, sizeof *w);
}

static fg_status ws_alloc(lloyd_ws *w, int64_t n, int64_t d, int64_t k)
{
    memset(w, 0, sizeof *w);
    const size_t kd = (size_t)k * (size_t)d;
    w->dots = fg_alloc((size_t)n * (size_t)k, sizeof *w->dots);
    w->cn = fg_alloc((size_t)k, sizeof *w->cn);
    w->lab = fg_alloc((size_t)n, sizeof *w->lab);
    w->old = fg_alloc((size_t)n, sizeof *w->old);
    w->cnt = fg_alloc((size_t)k, sizeof *w->cnt);
    w->off = fg_alloc((size_t)k + 1, sizeof *w->off);
    w->members = fg_alloc((size_t)n, sizeof *w->members);
    w->sum = fg_alloc(kd, sizeof *w->sum);
    w->cent = fg_alloc(kd, sizeof *w->cent);
    w->cnew = fg_alloc(kd, sizeof *w->cnew);
    w->dist = fg_alloc((size_t)n, sizeof *w->dist);
    if (!w->dots || !w->cn || !w->lab || !w->old || !w->cnt || !w->off || !w->members || !w->sum || !w->cent ||
        !w->cnew || !w->dist) {
        ws_free(w);
        return FG_FAIL(FG_ENOMEM, "k-means of %lld points x %lld features into %lld clusters", (long long)n,
                       (long long)d, (long long)k);
    }
    fg_status st = fg_i_km_gemm_create(n, d, k, &w->g);
    if (st != FG_OK) ws_free(w);
    return st;
}

/* lab[i] = the nearest centre of w->cent to x_i. */
static fg_status assign(lloyd_ws *w, const float *x, int64_t n, int64_t d, int64_t k, double *t_dist)
{
    const double t0 = omp_get_wtime();
    fg_status st = fg_i_km_gemm_run(&w->g, x, w->cent, w->dots);
    *t_dist += omp_get_wtime() - t0;
    if (st != FG_OK) return st;
    for (int64_t j = 0; j < k; j++) {
        const float *c = w->cent + j * d;
        double s = 0;
        for (int64_t f = 0; f < d; f++) s += (double)c[f] * c[f];
        w->cn[j] = s;
    }
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        const float *di = w->dots + i * k;
        double best = w->cn[0] - 2.0 * (double)di[0];
        int32_t bj = 0;
        for (int64_t j = 1; j < k; j++) {
            const double v = w->cn[j] - 2.0 * (double)di[j];
            if (v < best) {
                best = v;
                bj = (int32_t)j;
            }
        }
        w->lab[i] = bj;
    }
    return FG_OK;
}

/* Exact squared distance of every point to the centre cent[lab[i]], in double. */
static void exact_dist(const float *x, int64_t n, int64_t d, const float *cent, const int32_t *lab, double *dist)
{
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        const float *xi = x + i * d, *c = cent + (int64_t)lab[i] * d;
        double s = 0;
        for (int64_t f = 0; f < d; f++) {
            const double t = (double)xi[f] - c[f];
            s += t * t;
        }
        dist[i] = s;
    }
}

/* cnew = the means of the clusters of lab (empty ones re-seeded from the
 * points farthest from their centre in cent); returns the squared shift. */
static fg_status update(lloyd_ws *w, const float *x, int64_t n, int64_t d, int64_t k, int64_t *n_reseeded,
                        double *shift)
{
    memset(w->cnt, 0, (size_t)k * sizeof *w->cnt);
    for (int64_t i = 0; i < n; i++) w->cnt[w->lab[i]]++;
    w->off[0] = 0;
    for (int64_t j = 0; j < k; j++) w->off[j + 1] = w->off[j] + w->cnt[j];
    memset(w->cnt, 0, (size_t)k * sizeof *w->cnt); /* again, as the cursor of each cluster */
    for (int64_t i = 0; i < n; i++) {
        const int32_t j = w->lab[i];
        w->members[w->off[j] + w->cnt[j]++] = i;
    }
    const int64_t nb = (d + FEAT_BLOCK - 1) / FEAT_BLOCK;
#pragma omp parallel for schedule(dynamic, 4)
    for (int64_t t = 0; t < k * nb; t++) {
        const int64_t j = t / nb, f0 = (t % nb) * FEAT_BLOCK;
        const int64_t f1 = f0 + FEAT_BLOCK < d ? f0 + FEAT_BLOCK : d, len = f1 - f0;
        double acc[FEAT_BLOCK];
        for (int64_t f = 0; f < len; f++) acc[f] = 0;
        for (int64_t m = w->off[j]; m < w->off[j + 1]; m++) {
            const float *xi = x + w->members[m] * d + f0;
            for (int64_t f = 0; f < len; f++) acc[f] += (double)xi[f];
        }
        memcpy(w->sum + j * d + f0, acc, (size_t)len * sizeof *acc);
    }
    int64_t n_empty = 0;
    for (int64_t j = 0; j < k; j++) n_empty += w->cnt[j] == 0;
    if (n_empty) {
        int64_t *far = fg_alloc(2 * (size_t)n_empty, sizeof *far), *empty = far + n_empty;
        if (!far) return FG_FAIL(FG_ENOMEM, "k-means: %lld empty clusters", (long long)n_empty);
        exact_dist(x, n, d, w->cent, w->lab, w->dist);
        fg_status st = fg_i_kmeans_farthest(w->dist, n, n_empty, far);
        if (st != FG_OK) {
            fg_free(far);
            return st;
        }
        /* the empty clusters listed before any move (a move can empty another) */
        int64_t e = 0;
        for (int64_t j = 0; j < k && e < n_empty; j++)
            if (w->cnt[j] == 0) empty[e++] = j;
        for (e = 0; e < n_empty; e++) {
            const int64_t j = empty[e], p = far[e];
            const int32_t from = w->lab[p];
            const float *xp = x + p * d;
            for (int64_t f = 0; f < d; f++) {
                w->sum[from * d + f] -= xp[f];
                w->sum[j * d + f] = xp[f];
            }
            w->cnt[j] = 1;
            w->cnt[from]--;
        }
        fg_free(far);
        *n_reseeded += n_empty;
    }
    /* per-cluster shifts (in cn, recomputed at the next assignment), summed in order */
#pragma omp parallel for schedule(static)
    for (int64_t j = 0; j < k; j++) {
        /* a cluster emptied by a re-seeding keeps its (zero) sum, as scikit-learn */
        const double cnt = w->cnt[j] > 0 ? (double)w->cnt[j] : 1.0;
        double s = 0;
        for (int64_t f = 0; f < d; f++) {
            const float c = (float)(w->sum[j * d + f] / cnt);
            const double t = (double)c - w->cent[j * d + f];
            s += t * t;
            w->cnew[j * d + f] = c;
        }
        w->cn[j] = s;
    }
    double sh = 0;
    for (int64_t j = 0; j < k; j++) sh += w->cn[j];
    *shift = sh;
    return FG_OK;
}

fg_status fg_kmeans_lloyd(const float *x, int64_t n, int64_t d, const float *init, const fg_kmeans_opts *o,
                          fg_kmeans_result *out)
{
    if (out) memset(out, 0, sizeof *out);
    fg_status st = fg_i_kmeans_check(x, n, d, o ? o->k : 0, o, "k-means");
    if (st != FG_OK) return st;
    if (!init || !out) return FG_FAIL(FG_EINVAL, "k-means: null argument");
    const int64_t k = o->k;
    const int max_iter = o->max_iter > 0 ? o->max_iter : FG_KMEANS_DEFAULT_MAX_ITER;
    const double t0 = omp_get_wtime();
    lloyd_ws w;
    FG_CHECK_GOTO(st, ws_alloc(&w, n, d, k));
    memcpy(w.cent, init, (size_t)k * (size_t)d * sizeof *w.cent);
    for (int64_t i = 0; i < n; i++) w.old[i] = -1;
    const double tol = fg_i_kmeans_abs_tol(x, n, d, o->tol);
    bool strict = false;
    for (int it = 0; it < max_iter; it++) {
        double shift = 0;
        FG_CHECK_GOTO(st, assign(&w, x, n, d, k, &out->seconds_distance));
        FG_CHECK_GOTO(st, update(&w, x, n, d, k, &out->n_reseeded, &shift));
        float *tmp = w.cent;
        w.cent = w.cnew;
        w.cnew = tmp;
        out->iterations = it + 1;
        if (memcmp(w.lab, w.old, (size_t)n * sizeof *w.lab) == 0) {
            strict = true;
            out->converged = true;
            break;
        }
        if (shift <= tol) {
            out->converged = true;
            break;
        }
        memcpy(w.old, w.lab, (size_t)n * sizeof *w.lab);
    }
    if (!strict) FG_CHECK_GOTO(st, assign(&w, x, n, d, k, &out->seconds_distance));
    exact_dist(x, n, d, w.cent, w.lab, w.dist);
    out->inertia = fg_i_sum_blocked(w.dist, n);
    out->n = n;
    out->d = d;
    out->k = k;
    /* hand the buffers over */
    out->labels = w.lab;
    w.lab = NULL;
    out->centers = w.cent;
    w.cent = NULL;
done:
    ws_free(&w);
    out->seconds_lloyd = omp_get_wtime() - t0;
    if (st != FG_OK) fg_kmeans_result_destroy(out);
    return st;
}

fg_status fg_kmeans_run(const float *x, int64_t n, int64_t d, const fg_kmeans_opts *o, fg_kmeans_result *out)
{
    if (out) memset(out, 0, sizeof *out);
    fg_status st = fg_i_kmeans_check(x, n, d, o ? o->k : 0, o, "k-means");
    if (st != FG_OK) return st;
    if (!out) return FG_FAIL(FG_EINVAL, "k-means: null argument");
    const int restarts = o->restarts > 0 ? o->restarts : 1;
    float *init = fg_alloc((size_t)o->k * (size_t)d, sizeof *init);
    if (!init) return FG_FAIL(FG_ENOMEM, "k-means: %lld initial centres", (long long)o->k);
    double t_seed = 0, t_lloyd = 0, t_dist = 0;
    for (int r = 0; r < restarts; r++) {
        fg_rng rng;
        fg_rng_seed_stream(&rng, o->seed, (uint64_t)r);
        const double t0 = omp_get_wtime();
        FG_CHECK_GOTO(st, fg_kmeans_seed_pp(x, n, d, o->k, &rng, init, NULL));
        t_seed += omp_get_wtime() - t0;
        fg_kmeans_result cur;
        FG_CHECK_GOTO(st, fg_kmeans_lloyd(x, n, d, init, o, &cur));
        t_lloyd += cur.seconds_lloyd;
        t_dist += cur.seconds_distance;
        if (r == 0 || cur.inertia < out->inertia) {
            fg_kmeans_result_destroy(out);
            *out = cur;
            out->restart = r;
        } else {
            fg_kmeans_result_destroy(&cur);
        }
    }
    out->seconds_seed = t_seed;
    out->seconds_lloyd = t_lloyd;
    out->seconds_distance = t_dist;
done:
    fg_free(init);
    if (st != FG_OK) fg_kmeans_result_destroy(out);
    return st;
}
