/* What the fast k-means and its twins share: argument checks, scikit-learn's
 * tolerance, deterministic sums, the empty-cluster pick, the result object,
 * and the baselines' inputs made from the FNE (docs/method.md §9).
 * All O(n d) or less. */
#include "kmeans/kmeans_i.h"
#include "fnegraph/mem.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

enum { SUM_BLOCK = 4096 };

static const char *const method_names[FG_METHOD_COUNT] = {"fluidc", "kmeans", "kmeans-ternary"};

const char *fg_method_name(fg_method m)
{
    return m >= 0 && m < FG_METHOD_COUNT ? method_names[m] : "?";
}

fg_status fg_method_parse(const char *s, fg_method *out)
{
    for (int m = 0; s && m < FG_METHOD_COUNT; m++)
        if (!strcmp(s, method_names[m])) {
            *out = (fg_method)m;
            return FG_OK;
        }
    return FG_FAIL(FG_EINVAL, "method '%s': expected fluidc, kmeans or kmeans-ternary", s ? s : "");
}

fg_kmeans_opts fg_kmeans_opts_default(int64_t k, uint64_t seed)
{
    fg_kmeans_opts o = {.k = k, .seed = seed, .restarts = 1, .max_iter = FG_KMEANS_DEFAULT_MAX_ITER,
                        .tol = FG_KMEANS_DEFAULT_TOL, .what = NULL};
    return o;
}

fg_status fg_i_kmeans_check(const float *x, int64_t n, int64_t d, int64_t k, const fg_kmeans_opts *o,
                            const char *caller)
{
    const char *what = o && o->what ? o->what : "data";
    if (!x || !o) return FG_FAIL(FG_EINVAL, "%s: null argument", caller);
    if (n < 1 || d < 1) return FG_FAIL(FG_EINVAL, "%s: %s has %lld points of %lld features: nothing to cluster",
                                       caller, what, (long long)n, (long long)d);
    if (k < 1) return FG_FAIL(FG_EINVAL, "%s: %s: %lld clusters: need at least 1", caller, what, (long long)k);
    if (k > n)
        return FG_FAIL(FG_EINVAL, "%s: %s: %lld clusters, but only %lld images to cluster; ask for at most %lld",
                       caller, what, (long long)k, (long long)n, (long long)n);
    if (k > INT32_MAX) return FG_FAIL(FG_EINVAL, "%s: %s: %lld clusters is too many", caller, what, (long long)k);
    if (o->restarts < 0 || o->max_iter < 0)
        return FG_FAIL(FG_EINVAL, "%s: restarts %d and max_iter %d must be >= 0", caller, o->restarts, o->max_iter);
    if (!(o->tol >= 0) || !isfinite(o->tol)) return FG_FAIL(FG_EINVAL, "%s: tol %g must be finite and >= 0", caller, o->tol);
    return FG_OK;
}

double fg_i_sum_blocked(const double *v, int64_t n)
{
    const int64_t nb = (n + SUM_BLOCK - 1) / SUM_BLOCK;
    double *part = malloc((size_t)(nb > 0 ? nb : 1) * sizeof *part);
    double s = 0;
    if (!part) { /* sequential: the same blocks, the same order */
        for (int64_t b = 0; b < nb; b++) {
            double p = 0;
            for (int64_t i = b * SUM_BLOCK; i < n && i < (b + 1) * SUM_BLOCK; i++) p += v[i];
            s += p;
        }
        return s;
    }
#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < nb; b++) {
        double p = 0;
        const int64_t e = (b + 1) * SUM_BLOCK < n ? (b + 1) * SUM_BLOCK : n;
        for (int64_t i = b * SUM_BLOCK; i < e; i++) p += v[i];
        part[b] = p;
    }
    for (int64_t b = 0; b < nb; b++) s += part[b];
    free(part);
    return s;
}

double fg_i_kmeans_abs_tol(const float *x, int64_t n, int64_t d, double tol)
{
    if (tol == 0) return 0;
    double *var = malloc((size_t)d * sizeof *var);
    if (!var) return 0; /* out of memory: stop on unchanged labels only */
    /* per feature: two passes in double (mean, then squared deviations), in row order */
#pragma omp parallel for schedule(static)
    for (int64_t f = 0; f < d; f++) {
        double m = 0, v = 0;
        for (int64_t i = 0; i < n; i++) m += x[i * d + f];
        m /= (double)n;
        for (int64_t i = 0; i < n; i++) {
            const double t = x[i * d + f] - m;
            v += t * t;
        }
        var[f] = v / (double)n;
    }
    double total = 0;
    for (int64_t f = 0; f < d; f++) total += var[f];
    free(var);
    return tol * total / (double)d;
}

typedef struct far_item {
    double dist;
    int64_t i;
} far_item;

static int far_cmp(const void *a, const void *b)
{
    const far_item *p = a, *q = b;
    if (p->dist != q->dist) return p->dist > q->dist ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

fg_status fg_i_kmeans_farthest(const double *dist, int64_t n, int64_t n_empty, int64_t *far)
{
    far_item *it = malloc((size_t)n * sizeof *it);
    if (!it) return FG_FAIL(FG_ENOMEM, "k-means: re-seeding %lld empty clusters among %lld points",
                            (long long)n_empty, (long long)n);
    for (int64_t i = 0; i < n; i++) it[i] = (far_item){dist[i], i};
    qsort(it, (size_t)n, sizeof *it, far_cmp);
    for (int64_t e = 0; e < n_empty; e++) far[e] = it[e].i;
    free(it);
    return FG_OK;
}

void fg_kmeans_result_destroy(fg_kmeans_result *r)
{
    if (!r) return;
    fg_free(r->labels);
    fg_free(r->centers);
    memset(r, 0, sizeof *r);
}

fg_status fg_kmeans_standardized(const float *x, int64_t n, int64_t d, const fg_fne_stats *s, float **out)
{
    *out = NULL;
    if (!x || !s || !s->mean || !s->std) return FG_FAIL(FG_EINVAL, "fg_kmeans_standardized: null argument");
    if (s->d != d)
        return FG_FAIL(FG_EINVAL, "fg_kmeans_standardized: statistics of %lld features for data of %lld",
                       (long long)s->d, (long long)d);
    float *z = fg_alloc((size_t)n * (size_t)d, sizeof *z);
    float *m = fg_alloc((size_t)d, sizeof *m), *sd = fg_alloc((size_t)d, sizeof *sd);
    if (!z || !m || !sd) {
        fg_free(z);
        fg_free(m);
        fg_free(sd);
        return FG_FAIL(FG_ENOMEM, "the standardized embedding, %lld x %lld floats", (long long)n, (long long)d);
    }
    for (int64_t f = 0; f < d; f++) {
        m[f] = (float)s->mean[f];
        sd[f] = (float)s->std[f];
    }
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        const float *xi = x + i * d;
        float *zi = z + i * d;
        for (int64_t f = 0; f < d; f++) zi[f] = sd[f] != 0.0f ? (xi[f] - m[f]) / sd[f] : 0.0f;
    }
    fg_free(m);
    fg_free(sd);
    *out = z;
    return FG_OK;
}

fg_status fg_kmeans_ternary(const fg_codes *c, float **out)
{
    *out = NULL;
    if (!c || !c->bits) return FG_FAIL(FG_EINVAL, "fg_kmeans_ternary: null argument");
    const int64_t n = c->n, d = c->d;
    float *t = fg_alloc((size_t)n * (size_t)d, sizeof *t);
    if (!t) return FG_FAIL(FG_ENOMEM, "the ternary embedding, %lld x %lld floats", (long long)n, (long long)d);
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        const uint64_t *p = fg_codes_pos(c, i), *q = fg_codes_neg(c, i);
        float *ti = t + i * d;
        for (int64_t f = 0; f < d; f++) {
            const uint64_t b = 1ull << (f & 63);
            ti[f] = (p[f >> 6] & b) ? 1.0f : (q[f >> 6] & b) ? -1.0f : 0.0f;
        }
    }
    *out = t;
    return FG_OK;
}
