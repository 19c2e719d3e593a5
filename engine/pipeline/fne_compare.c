/* Fidelity of one FNE against another (issue 8 part 3; definitions in
 * include/fnegraph/fne_compare.h): rows matched by path, per layer and
 * overall the max and median relative error, the agreement of the ternary
 * codes (docs/method.md §4, each matrix standardized with its own statistics) and
 * the Jaccard similarity of the image-feature edge sets (docs/method.md §5).
 *
 * Matching: both path lists sorted, O(N log N). Errors: per-(image, layer)
 * floors, then two passes over the N x 12416 values per layer (in parallel
 * over layers; each layer in row order, so the result does not depend on
 * the thread count): pass 1 keeps the maximum and a histogram of the top 16
 * bits of each error as a float32 (non-negative floats order like their bit
 * patterns); pass 2 histograms the low 16 bits of the errors whose top bits
 * fall in the bins of the middle ranks: an exact median without storing the
 * errors. Codes: fg_fne_stats_compute + fg_codes_ternarize on each matrix,
 * then XOR/AND/popcount of the bit-planes per layer word range, O(N * 194). */
#include "fnegraph/fne_compare.h"

#include "fnegraph/graph.h"
#include "fnegraph/mem.h"
#include "graph/graph_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BINS = 1 << 16, L = FG_VGG16_LAYERS, MID = 2 /* the two middle ranks */ };

/* ---- matching rows by path ------------------------------------------- */

typedef struct keyed {
    const char *path;
    int64_t row;
} keyed;

static int keyed_cmp(const void *x, const void *y)
{
    const keyed *a = x, *b = y;
    int c = strcmp(a->path, b->path);
    return c ? c : (a->row > b->row) - (a->row < b->row);
}

static fg_status sorted_paths(const fg_fne *f, const char *name, keyed **out)
{
    keyed *k = fg_alloc((size_t)f->n, sizeof *k);
    *out = NULL;
    if (!k) return FG_ENOMEM;
    for (int64_t i = 0; i < f->n; i++) {
        if (!f->path[i]) {
            fg_free(k);
            return FG_FAIL(FG_EINVAL, "%s: image %lld has no path", name, (long long)i);
        }
        k[i] = (keyed){f->path[i], i};
    }
    qsort(k, (size_t)f->n, sizeof *k, keyed_cmp);
    for (int64_t i = 1; i < f->n; i++)
        if (!strcmp(k[i - 1].path, k[i].path)) {
            fg_status st = FG_FAIL(FG_EINVAL, "%s: path '%s' is listed twice (rows %lld and %lld): "
                                              "rows cannot be matched by path",
                                   name, k[i].path, (long long)k[i - 1].row, (long long)k[i].row);
            fg_free(k);
            return st;
        }
    *out = k;
    return FG_OK;
}

/* b_row[i] = the row of b with the path of row i of a. */
static fg_status match_rows(const fg_fne *a, const char *name_a, const fg_fne *b, const char *name_b,
                            int64_t *b_row)
{
    fg_status st = FG_OK;
    keyed *ka = NULL, *kb = NULL;
    FG_CHECK_GOTO(st, sorted_paths(a, name_a, &ka));
    FG_CHECK_GOTO(st, sorted_paths(b, name_b, &kb));
    int64_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(ka[i].path, kb[j].path);
        if (c != 0) {
            const char *p = c < 0 ? ka[i].path : kb[j].path;
            const char *in = c < 0 ? name_a : name_b, *not_in = c < 0 ? name_b : name_a;
            if (a->n != b->n)
                st = FG_FAIL(FG_EINVAL, "%s has %lld images, %s has %lld: path '%s' is in %s, not in %s",
                             name_a, (long long)a->n, name_b, (long long)b->n, p, in, not_in);
            else
                st = FG_FAIL(FG_EINVAL, "the files hold different images: path '%s' is in %s, not in %s",
                             p, in, not_in);
            goto done;
        }
        b_row[ka[i].row] = kb[j].row;
        i++;
        j++;
    }
done:
    fg_free(ka);
    fg_free(kb);
    return st;
}

/* ---- relative errors -------------------------------------------------- */

typedef struct err_ctx {
    const float *xa, *xb;
    const int64_t *b_row;
    int64_t n;
    const double *floor;   /* [n][L] mean |a| over the layer */
    uint64_t *hi;          /* [L][BINS] counts of the top 16 bits */
    uint64_t *lo;          /* [L][2 * MID][BINS]: layer's middle ranks, then the overall ones */
    uint32_t want[L][2 * MID]; /* top-16 bin each low histogram collects */
} err_ctx;

static inline double rel_err(double a, double b, double s)
{
    double den = fabs(a) > s ? fabs(a) : s, d = fabs(b - a);
    return den > 0 ? d / den : d;
}

static inline uint32_t err_bits(double e)
{
    float f = (float)e;
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* Pass 1 (max, top-bit histogram) or pass 2 (low-bit histograms) of layer l. */
static void err_pass(err_ctx *c, int l, int pass, fg_fne_compare_part *p)
{
    const fg_vgg16_layer *Ly = &fg_vgg16_layers[l];
    uint64_t *hi = c->hi + (size_t)l * BINS, *lo = c->lo + (size_t)l * 2 * MID * BINS;
    double worst = -1;
    for (int64_t i = 0; i < c->n; i++) {
        const float *pa = c->xa + i * FG_FNE_DIM + Ly->fne_offset;
        const float *pb = c->xb + c->b_row[i] * FG_FNE_DIM + Ly->fne_offset;
        double s = c->floor[i * L + l];
        for (int f = 0; f < Ly->cout; f++) {
            double e = rel_err(pa[f], pb[f], s);
            uint32_t u = err_bits(e);
            if (pass == 1) {
                hi[u >> 16]++;
                if (e > worst) {
                    worst = e;
                    p->err_max_row = i;
                    p->err_max_feature = Ly->fne_offset + f;
                }
            } else {
                for (int q = 0; q < 2 * MID; q++)
                    if (c->want[l][q] == u >> 16) lo[(size_t)q * BINS + (u & 0xffff)]++;
            }
        }
    }
    if (pass == 1) p->err_max = worst;
}

/* The bin holding the element of rank r (0-based) of a histogram; *rest
 * receives r minus the elements of the bins below. */
static uint32_t rank_bin(const uint64_t *h, uint64_t r, uint64_t *rest)
{
    uint32_t k = 0;
    while (k < BINS - 1 && r >= h[k]) r -= h[k++];
    *rest = r;
    return k;
}

static double bits_value(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static fg_status errors(err_ctx *c, const fg_fne *a, fg_fne_compare_result *out)
{
    fg_status st = FG_OK;
    double *floor = NULL;
    uint64_t *sum = NULL;
    floor = fg_alloc((size_t)c->n * L, sizeof *floor);
    c->hi = fg_calloc((size_t)L * BINS, sizeof *c->hi);
    c->lo = fg_calloc((size_t)L * 2 * MID * BINS, sizeof *c->lo);
    sum = fg_calloc(BINS, sizeof *sum);
    if (!floor || !c->hi || !c->lo || !sum) {
        st = FG_ENOMEM;
        goto done;
    }
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < c->n; i++)
        for (int l = 0; l < L; l++) {
            const fg_vgg16_layer *Ly = &fg_vgg16_layers[l];
            const float *pa = a->x + i * FG_FNE_DIM + Ly->fne_offset;
            double s = 0;
            for (int f = 0; f < Ly->cout; f++) s += fabs((double)pa[f]);
            floor[i * L + l] = s / Ly->cout;
        }
    c->floor = floor;
#pragma omp parallel for schedule(dynamic, 1)
    for (int l = L - 1; l >= 0; l--) err_pass(c, l, 1, &out->layer[l]);

    /* the bins of the middle ranks: of each layer, and of all values */
    uint64_t rest[L + 1][MID] = {{0}};
    uint32_t bin_all[MID] = {0, 0};
    for (int l = 0; l < L; l++)
        for (int k = 0; k < BINS; k++) sum[k] += c->hi[(size_t)l * BINS + k];
    for (int l = 0; l <= L; l++) {
        uint64_t nv = l < L ? out->layer[l].n_values : out->all.n_values;
        const uint64_t *h = l < L ? c->hi + (size_t)l * BINS : sum;
        for (int m = 0; m < MID; m++) {
            uint32_t b = rank_bin(h, m ? nv / 2 : (nv - 1) / 2, &rest[l][m]);
            if (l < L) c->want[l][m] = b;
            else bin_all[m] = b;
        }
    }
    for (int l = 0; l < L; l++)
        for (int m = 0; m < MID; m++) c->want[l][MID + m] = bin_all[m];
#pragma omp parallel for schedule(dynamic, 1)
    for (int l = L - 1; l >= 0; l--) err_pass(c, l, 2, &out->layer[l]);

    for (int l = 0; l <= L; l++) {
        double v[MID];
        for (int m = 0; m < MID; m++) {
            uint64_t *h = sum;
            if (l < L) {
                h = c->lo + ((size_t)l * 2 * MID + m) * BINS;
            } else { /* the overall low histogram: the layers' contributions */
                memset(sum, 0, BINS * sizeof *sum);
                for (int k = 0; k < L; k++)
                    for (int q = 0; q < BINS; q++) sum[q] += c->lo[((size_t)k * 2 * MID + MID + m) * BINS + q];
            }
            uint64_t r;
            uint32_t low = rank_bin(h, rest[l][m], &r);
            v[m] = bits_value(((l < L ? c->want[l][m] : bin_all[m]) << 16) | low);
        }
        (l < L ? &out->layer[l] : &out->all)->err_median = (v[0] + v[1]) / 2;
    }
    /* overall maximum: the largest, first in row then feature order */
    fg_fne_compare_part *all = &out->all;
    all->err_max = -1;
    for (int l = 0; l < L; l++) {
        const fg_fne_compare_part *p = &out->layer[l];
        if (p->err_max > all->err_max ||
            (p->err_max == all->err_max && p->err_max_row < all->err_max_row)) {
            all->err_max = p->err_max;
            all->err_max_row = p->err_max_row;
            all->err_max_feature = p->err_max_feature;
        }
    }
done:
    fg_free(floor);
    fg_free(c->hi);
    fg_free(c->lo);
    fg_free(sum);
    c->floor = NULL;
    c->hi = c->lo = NULL;
    return st;
}

/* ---- codes ------------------------------------------------------------ */

static fg_status codes_of(const fg_fne *f, const char *name, double lo, double hi, fg_codes *out)
{
    fg_fne_stats s;
    const char *const *names = (const char *const *)f->path;
    fg_status st = fg_fne_stats_compute(f->x, f->n, FG_FNE_DIM, NULL, 0, names, &s);
    if (st == FG_OK) st = fg_codes_ternarize(f->x, f->n, FG_FNE_DIM, &s, lo, hi, names, out);
    fg_fne_stats_destroy(&s);
    if (st != FG_OK) { /* the library names the image and feature; add the file */
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", fg_last_error());
        st = FG_FAIL(st, "%s: %s", name, msg);
    }
    return st;
}

static inline uint64_t range_mask(int64_t w, int64_t f0, int64_t f1)
{
    /* bits of word w that lie in features [f0, f1) */
    int64_t b0 = w * 64 > f0 ? 0 : f0 - w * 64, b1 = (w + 1) * 64 < f1 ? 64 : f1 - w * 64;
    uint64_t hi = b1 == 64 ? ~0ull : (1ull << b1) - 1;
    return hi & ~((1ull << b0) - 1);
}

static void compare_codes(const fg_codes *ca, const fg_codes *cb, const int64_t *b_row,
                          fg_fne_compare_result *out)
{
    uint64_t differ[L] = {0}, ea[L] = {0}, eb[L] = {0}, both[L] = {0};
#pragma omp parallel for schedule(static) reduction(+ : differ[:L], ea[:L], eb[:L], both[:L])
    for (int64_t i = 0; i < ca->n; i++) {
        const uint64_t *pa = fg_codes_pos(ca, i), *na = fg_codes_neg(ca, i);
        const uint64_t *pb = fg_codes_pos(cb, b_row[i]), *nb = fg_codes_neg(cb, b_row[i]);
        for (int l = 0; l < L; l++) {
            int64_t f0 = fg_vgg16_layers[l].fne_offset, f1 = f0 + fg_vgg16_layers[l].cout;
            for (int64_t w = f0 / 64; w * 64 < f1; w++) {
                uint64_t m = range_mask(w, f0, f1);
                differ[l] += (uint64_t)__builtin_popcountll(((pa[w] ^ pb[w]) | (na[w] ^ nb[w])) & m);
                ea[l] += (uint64_t)__builtin_popcountll(pa[w] & m) + (uint64_t)__builtin_popcountll(na[w] & m);
                eb[l] += (uint64_t)__builtin_popcountll(pb[w] & m) + (uint64_t)__builtin_popcountll(nb[w] & m);
                both[l] += (uint64_t)__builtin_popcountll(((pa[w] & pb[w]) | (na[w] & nb[w])) & m);
            }
        }
    }
    for (int l = 0; l <= L; l++) {
        fg_fne_compare_part *p = l < L ? &out->layer[l] : &out->all;
        if (l < L) {
            p->codes_differ = differ[l];
            p->edges_a = ea[l];
            p->edges_b = eb[l];
            p->edges_both = both[l];
            out->all.codes_differ += differ[l];
            out->all.edges_a += ea[l];
            out->all.edges_b += eb[l];
            out->all.edges_both += both[l];
        }
        p->code_agreement = 1.0 - (double)p->codes_differ / (double)p->n_values;
        uint64_t uni = p->edges_a + p->edges_b - p->edges_both;
        p->jaccard = uni ? (double)p->edges_both / (double)uni : 1.0;
    }
}

/* ---- the whole comparison -------------------------------------------- */

fg_status fg_fne_compare(const fg_fne *a, const char *name_a, const fg_fne *b, const char *name_b,
                         double lo, double hi, fg_fne_compare_result *out)
{
    fg_status st = FG_OK;
    int64_t *b_row = NULL;
    fg_codes ca, cb;
    err_ctx c;
    memset(&ca, 0, sizeof ca);
    memset(&cb, 0, sizeof cb);
    memset(&c, 0, sizeof c);
    if (!out) return FG_FAIL(FG_EINVAL, "fg_fne_compare: null output");
    memset(out, 0, sizeof *out);
    if (!a || !b || !a->x || !b->x || !a->path || !b->path)
        return FG_FAIL(FG_EINVAL, "fg_fne_compare: an embedding without its matrix or paths");
    if (!name_a) name_a = "A";
    if (!name_b) name_b = "B";
    if (a->n < 1 || b->n < 1)
        return FG_FAIL(FG_EINVAL, "%s: the embedding has no image", a->n < 1 ? name_a : name_b);
    if (isnan(lo) || isnan(hi) || lo > hi)
        return FG_FAIL(FG_EINVAL, "thresholds lo = %g, hi = %g: need lo <= hi", lo, hi);
    b_row = fg_alloc((size_t)a->n, sizeof *b_row);
    if (!b_row) return FG_ENOMEM;
    FG_CHECK_GOTO(st, match_rows(a, name_a, b, name_b, b_row));
    /* the codes first: they reject non-finite values with file, image and feature */
    FG_CHECK_GOTO(st, codes_of(a, name_a, lo, hi, &ca));
    FG_CHECK_GOTO(st, codes_of(b, name_b, lo, hi, &cb));

    out->n = a->n;
    out->lo = lo;
    out->hi = hi;
    out->all.features = FG_FNE_DIM;
    out->all.n_values = (uint64_t)a->n * FG_FNE_DIM;
    for (int l = 0; l < L; l++) {
        out->layer[l].features = fg_vgg16_layers[l].cout;
        out->layer[l].n_values = (uint64_t)a->n * (uint64_t)fg_vgg16_layers[l].cout;
    }
    c.xa = a->x;
    c.xb = b->x;
    c.b_row = b_row;
    c.n = a->n;
    FG_CHECK_GOTO(st, errors(&c, a, out));
    compare_codes(&ca, &cb, b_row, out);
done:
    fg_codes_destroy(&ca);
    fg_codes_destroy(&cb);
    fg_free(b_row);
    if (st != FG_OK) memset(out, 0, sizeof *out);
    return st;
}
