/* Standardization of the full-network embedding and its ternarization into
 * bit-planes (docs/method.md §4; the paper standardizes each feature over the images
 * of the set, with the population std, and maps z to {-1, 0, +1}).
 *
 * Pass 1 (statistics): shifted-data sums in double (simd/ternarize.c),
 * parallel over feature ranges; each feature is summed in row order by one
 * thread, so the result is the same for any thread count. O(n_rows * d).
 * Pass 2 (codes): z = (x - m) / s compared with the thresholds, straight into
 * bits, parallel over groups of 8 images. O(n * d), one read of the floats.
 * Both passes are memory-bound: about 2 reads of the 407 MB of flowers102. */
#include "graph/graph_internal.h"
#include "fnegraph/mem.h"
#include "simd/ternarize.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

void fg_i_describe_image(char *buf, size_t size, int64_t row, const char *const *names)
{
    if (names && names[row]) snprintf(buf, size, "image %lld (%s)", (long long)row, names[row]);
    else snprintf(buf, size, "image %lld", (long long)row);
}

void fg_i_describe_feature(char *buf, size_t size, int64_t f, int64_t d)
{
    if (d == FG_FNE_DIM) {
        const fg_vgg16_layer *L = &fg_vgg16_layers[fg_vgg16_layer_of_feature((int)f)];
        snprintf(buf, size, "feature %lld (%s unit %lld)", (long long)f, L->name,
                 (long long)(f - L->fne_offset));
    } else {
        snprintf(buf, size, "feature %lld", (long long)f);
    }
}

static fg_status nonfinite_error(const float *x, int64_t d, int64_t row, int64_t f,
                                 const char *const *names)
{
    char img[512], feat[96];
    float v = x[row * d + f];
    fg_i_describe_image(img, sizeof img, row, names);
    fg_i_describe_feature(feat, sizeof feat, f, d);
    return FG_FAIL(FG_EINVAL, "%s, %s: value is %s; the embedding must be finite", img, feat,
                   isnan(v) ? "NaN" : v > 0 ? "+infinity" : "-infinity");
}

void fg_fne_stats_destroy(fg_fne_stats *s)
{
    if (!s) return;
    fg_free(s->mean);
    fg_free(s->std);
    memset(s, 0, sizeof *s);
}

fg_status fg_i_fne_stats_compute(const float *x, int64_t n, int64_t d, const int64_t *rows,
                                 int64_t n_rows, const char *const *names, fg_isa isa,
                                 fg_fne_stats *out)
{
    fg_status st = FG_OK;
    double *s1 = NULL, *s2 = NULL;
    float *x0 = NULL;
    if (!out) return FG_FAIL(FG_EINVAL, "fg_fne_stats_compute: null output");
    memset(out, 0, sizeof *out);
    if (!x) return FG_FAIL(FG_EINVAL, "fg_fne_stats_compute: null input");
    if (n < 1 || d < 1)
        return FG_FAIL(FG_EINVAL, "standardization needs at least one image and one feature (got %lld x %lld)",
                       (long long)n, (long long)d);
    if (!rows) n_rows = n;
    if (n_rows < 1) return FG_FAIL(FG_EINVAL, "standardization: the split selects no image");
    if (rows)
        for (int64_t k = 0; k < n_rows; k++)
            if (rows[k] < 0 || rows[k] >= n)
                return FG_FAIL(FG_EINVAL, "standardization: split entry %lld is row %lld, outside 0..%lld",
                               (long long)k, (long long)rows[k], (long long)n - 1);
    out->d = d;
    out->n_rows = n_rows;
    out->mean = fg_alloc((size_t)d, sizeof *out->mean);
    out->std = fg_alloc((size_t)d, sizeof *out->std);
    s1 = fg_calloc((size_t)d, sizeof *s1);
    s2 = fg_calloc((size_t)d, sizeof *s2);
    x0 = fg_alloc((size_t)d, sizeof *x0);
    if (!out->mean || !out->std || !s1 || !s2 || !x0) {
        st = FG_ENOMEM;
        goto done;
    }
    memcpy(x0, x + (rows ? rows[0] : 0) * d, (size_t)d * sizeof *x0);
    fg_i_stats_fn kern = fg_i_stats_for(isa);
#pragma omp parallel
    {
        /* one contiguous feature range a thread (multiple of 16 floats) */
        int64_t nt = omp_get_num_threads(), t = omp_get_thread_num();
        int64_t chunk = ((d + nt - 1) / nt + 15) / 16 * 16;
        int64_t f0 = t * chunk, f1 = f0 + chunk < d ? f0 + chunk : d;
        if (f0 < f1) kern(x, d, rows, n_rows, f0, f1, x0, s1, s2);
    }
    for (int64_t f = 0; f < d; f++) {
        if (!isfinite(s1[f]) || !isfinite(s2[f])) {
            /* report the first non-finite value in row order */
            for (int64_t k = 0; k < n_rows; k++) {
                int64_t r = rows ? rows[k] : k;
                for (int64_t g = 0; g < d; g++)
                    if (!isfinite(x[r * d + g])) {
                        st = nonfinite_error(x, d, r, g, names);
                        goto done;
                    }
            }
            st = FG_FAIL(FG_EINTERNAL, "standardization: %lld: non-finite sums from finite data", (long long)f);
            goto done;
        }
        double nr = (double)n_rows, m1 = s1[f] / nr;
        double var = (s2[f] - s1[f] * m1) / nr;
        out->mean[f] = (double)x0[f] + m1;
        out->std[f] = var > 0 ? sqrt(var) : 0.0;
    }
done:
    fg_free(s1);
    fg_free(s2);
    fg_free(x0);
    if (st != FG_OK) fg_fne_stats_destroy(out);
    return st;
}

fg_status fg_fne_stats_compute(const float *x, int64_t n, int64_t d, const int64_t *rows,
                               int64_t n_rows, const char *const *names, fg_fne_stats *out)
{
    return fg_i_fne_stats_compute(x, n, d, rows, n_rows, names, fg_cpu_isa(), out);
}

void fg_i_float_thresholds(double lo, double hi, float *lo_f, float *hi_f)
{
    /* z > hi for a float z <=> z > (the largest float <= hi); likewise for lo */
    float h = (float)hi, l = (float)lo;
    if ((double)h > hi) h = nextafterf(h, -INFINITY);
    if ((double)l < lo) l = nextafterf(l, INFINITY);
    *lo_f = l;
    *hi_f = h;
}

enum { ROW_GROUP = 8 }; /* images a kernel call (the kernel streams several at once) */

void fg_codes_destroy(fg_codes *c)
{
    if (!c) return;
    fg_free(c->bits);
    memset(c, 0, sizeof *c);
}

fg_status fg_i_codes_ternarize(const float *x, int64_t n, int64_t d, const fg_fne_stats *s,
                               double lo, double hi, const char *const *names, fg_isa isa,
                               fg_codes *out)
{
    fg_status st = FG_OK;
    float *m = NULL, *sd = NULL;
    if (!out) return FG_FAIL(FG_EINVAL, "fg_codes_ternarize: null output");
    memset(out, 0, sizeof *out);
    if (!x || !s || !s->mean || !s->std) return FG_FAIL(FG_EINVAL, "fg_codes_ternarize: null argument");
    if (n < 0 || d < 1) return FG_FAIL(FG_EINVAL, "ternarize: %lld x %lld embedding", (long long)n, (long long)d);
    if (s->d != d)
        return FG_FAIL(FG_EINVAL, "ternarize: statistics of %lld features for an embedding of %lld",
                       (long long)s->d, (long long)d);
    if (isnan(lo) || isnan(hi) || lo > hi)
        return FG_FAIL(FG_EINVAL, "ternarize: thresholds lo = %g, hi = %g: need lo <= hi", lo, hi);
    float lo_f, hi_f;
    fg_i_float_thresholds(lo, hi, &lo_f, &hi_f);
    out->n = n;
    out->d = d;
    out->words = (d + 63) / 64;
    out->lo = lo;
    out->hi = hi;
    out->bits = fg_i_alloc_huge((size_t)n * 2, (size_t)out->words * sizeof(uint64_t));
    m = fg_alloc((size_t)d, sizeof *m);
    sd = fg_alloc((size_t)d, sizeof *sd);
    if (!out->bits || !m || !sd) {
        st = FG_ENOMEM;
        goto done;
    }
    for (int64_t f = 0; f < d; f++) {
        m[f] = (float)s->mean[f];
        sd[f] = (float)s->std[f];
    }
    fg_i_ternarize_fn kern = fg_i_ternarize_for(isa);
    int64_t bad_row = -1, bad_f = -1, words = out->words, groups = (n + ROW_GROUP - 1) / ROW_GROUP;
#pragma omp parallel for schedule(static)
    for (int64_t g = 0; g < groups; g++) {
        int64_t i0 = g * ROW_GROUP, nr = n - i0 < ROW_GROUP ? n - i0 : ROW_GROUP;
        int64_t b = kern(x + i0 * d, nr, d, m, sd, lo_f, hi_f, out->bits + i0 * 2 * words);
        if (b >= 0) {
#pragma omp critical(fg_ternarize_bad)
            if (bad_row < 0 || i0 + b / d < bad_row) {
                bad_row = i0 + b / d;
                bad_f = b % d;
            }
        }
    }
    if (bad_row >= 0) st = nonfinite_error(x, d, bad_row, bad_f, names);
done:
    fg_free(m);
    fg_free(sd);
    if (st != FG_OK) fg_codes_destroy(out);
    return st;
}

fg_status fg_codes_ternarize(const float *x, int64_t n, int64_t d, const fg_fne_stats *s,
                             double lo, double hi, const char *const *names, fg_codes *out)
{
    return fg_i_codes_ternarize(x, n, d, s, lo, hi, names, fg_cpu_isa(), out);
}

void fg_codes_count(const fg_codes *c, uint64_t *n_pos, uint64_t *n_neg)
{
    uint64_t p = 0, q = 0;
    if (c && c->bits) {
        int64_t words = c->words;
#pragma omp parallel for schedule(static) reduction(+ : p, q)
        for (int64_t i = 0; i < c->n; i++) {
            const uint64_t *b = c->bits + i * 2 * words;
            for (int64_t w = 0; w < words; w++) {
                p += (uint64_t)__builtin_popcountll(b[w]);
                q += (uint64_t)__builtin_popcountll(b[words + w]);
            }
        }
    }
    if (n_pos) *n_pos = p;
    if (n_neg) *n_neg = q;
}
