/* fg_fne_compare (include/fnegraph/fne_compare.h) on constructed pairs:
 *  - identical embeddings: agreement 1, Jaccard 1, error 0;
 *  - B = A with S swaps of two values inside a feature (an outlier coded +1
 *    and an ordinary value coded 0): the values are integers, so every sum of
 *    the standardization is exact and B's statistics equal A's; each swap
 *    flips exactly 2 codes and removes one shared edge. The expected codes
 *    are also recomputed here in double (two-pass statistics) to confirm the
 *    construction: codes_differ = 2S per layer, Jaccard (E-S)/(E+S);
 *  - B = 2A: own-statistics standardization gives the same codes
 *    (agreement 1) while the relative error is |a| / max(|a|, s), max 1;
 *  - max and median relative errors equal a brute-force sort of the errors
 *    (defined here independently) on A vs A + noise;
 *  - rows in another order (B permuted, A permuted) give the same result;
 *    1 and 3 threads give the same result;
 *  - errors: a path missing, a duplicate path, different counts, lo > hi, a
 *    NaN: each names the file and the path (or image and feature). */
#include "fg_test.h"
#include "fnegraph/error.h"
#include "fnegraph/fne_compare.h"
#include "fnegraph/mem.h"
#include "fnegraph/rng.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N = 40, D = FG_FNE_DIM, L = FG_VGG16_LAYERS };

typedef struct owned {
    fg_fne f;
    char names[N][64];
    char *ptr[N];
} owned;

static void init(owned *o, int64_t n)
{
    memset(o, 0, sizeof *o);
    o->f.n = n;
    o->f.x = fg_alloc((size_t)n * D, sizeof(float));
    for (int64_t i = 0; i < n; i++) {
        snprintf(o->names[i], sizeof o->names[i], "cls%d/img_%03d.jpg", (int)(i % 3), (int)i);
        o->ptr[i] = o->names[i];
    }
    o->f.path = o->ptr;
}

static void copy(owned *dst, const owned *src)
{
    init(dst, src->f.n);
    memcpy(dst->f.x, src->f.x, (size_t)src->f.n * D * sizeof(float));
}

static void done_(owned *o) { fg_free(o->f.x); }

/* row of the +1 outlier and of the -1 outlier of feature f (-1: none) */
static int high_row(int f) { for (int i = 0; i < N; i++) if ((i * 7 + f) % N == 3) return i; return -1; }
static int low_row(int f)
{
    int h = high_row(f);
    for (int i = 0; i < N; i++)
        if ((i * 11 + f) % N == 17) return i == h ? -1 : i;
    return -1;
}

/* Integer values 0..15, one +60 and (mostly) one -45 a feature. */
static void make_a(owned *a)
{
    fg_rng r;
    fg_rng_seed(&r, 8);
    init(a, N);
    for (int i = 0; i < N; i++)
        for (int f = 0; f < D; f++) a->f.x[(size_t)i * D + f] = (float)(fg_rng_next(&r) % 16);
    for (int f = 0; f < D; f++) {
        a->f.x[(size_t)high_row(f) * D + f] = 60.0f;
        if (low_row(f) >= 0) a->f.x[(size_t)low_row(f) * D + f] = -45.0f;
    }
}

/* Codes in double from two-pass statistics; *margin gets min |z - threshold|. */
static void ref_codes(const float *x, int n, signed char *code, double *margin)
{
    *margin = INFINITY;
    for (int f = 0; f < D; f++) {
        double m = 0, v = 0;
        for (int i = 0; i < n; i++) m += x[(size_t)i * D + f];
        m /= n;
        for (int i = 0; i < n; i++) v += (x[(size_t)i * D + f] - m) * (x[(size_t)i * D + f] - m);
        double s = sqrt(v / n);
        for (int i = 0; i < n; i++) {
            double z = s > 0 ? (x[(size_t)i * D + f] - m) / s : 0;
            code[(size_t)i * D + f] = (signed char)(z > 2 ? 1 : z < -2 ? -1 : 0);
            if (fabs(z - 2) < *margin) *margin = fabs(z - 2);
            if (fabs(z + 2) < *margin) *margin = fabs(z + 2);
        }
    }
}

static int cmp_float(const void *x, const void *y)
{
    float a = *(const float *)x, b = *(const float *)y;
    return (a > b) - (a < b);
}

/* Brute force: max and median of the relative errors of layer l (l = L: all). */
static void ref_errors(const float *a, const float *b, int n, int l, double *mx, double *med)
{
    int l0 = l == L ? 0 : l, l1 = l == L ? L : l + 1;
    size_t cnt = 0, cap = (size_t)n * D;
    float *e = malloc(cap * sizeof *e);
    *mx = 0;
    for (int k = l0; k < l1; k++) {
        const fg_vgg16_layer *Ly = &fg_vgg16_layers[k];
        for (int i = 0; i < n; i++) {
            double mean = 0;
            for (int f = 0; f < Ly->cout; f++) mean += fabs(a[(size_t)i * D + Ly->fne_offset + f]) / Ly->cout;
            for (int f = 0; f < Ly->cout; f++) {
                double av = a[(size_t)i * D + Ly->fne_offset + f], bv = b[(size_t)i * D + Ly->fne_offset + f];
                double den = fmax(fabs(av), mean), err = den > 0 ? fabs(bv - av) / den : fabs(bv - av);
                if (err > *mx) *mx = err;
                e[cnt++] = (float)err;
            }
        }
    }
    qsort(e, cnt, sizeof *e, cmp_float);
    *med = ((double)e[(cnt - 1) / 2] + (double)e[cnt / 2]) / 2;
    free(e);
}

static fg_fne_compare_part *part(fg_fne_compare_result *r, int l) { return l == L ? &r->all : &r->layer[l]; }

static void check_identical(const owned *a)
{
    fg_fne_compare_result r;
    CHECK_OK(fg_fne_compare(&a->f, "a.h5", &a->f, "a.h5", -2, 2, &r));
    uint64_t edges = 0;
    for (int f = 0; f < D; f++) edges += 1 + (low_row(f) >= 0);
    for (int l = 0; l <= L; l++) {
        fg_fne_compare_part *p = part(&r, l);
        CHECK(p->code_agreement == 1.0 && p->codes_differ == 0 && p->jaccard == 1.0, "identical: layer %d agreement %g jaccard %g", l, p->code_agreement, p->jaccard);
        CHECK(p->err_max == 0 && p->err_median == 0, "identical: layer %d error %g / %g", l, p->err_max, p->err_median);
        CHECK(p->edges_a == p->edges_b && p->edges_a == p->edges_both, "identical: layer %d edges", l);
    }
    CHECK(r.all.edges_a == edges, "identical: %llu edges, expected %llu (one +1 and one -1 a feature)",
          (unsigned long long)r.all.edges_a, (unsigned long long)edges);
    CHECK(r.n == N && r.all.n_values == (uint64_t)N * D && r.layer[0].features == 64 && r.layer[14].features == 4096, "sizes");
}

static void check_swaps(const owned *a)
{
    owned b;
    copy(&b, a);
    int per_layer[L] = {0}, swaps = 0;
    for (int f = 5; f < D; f += 97) { /* features in every layer */
        int p = high_row(f), q = (p + 1) % N;
        if (q == low_row(f)) q = (q + 1) % N;
        float t = b.f.x[(size_t)p * D + f];
        b.f.x[(size_t)p * D + f] = b.f.x[(size_t)q * D + f];
        b.f.x[(size_t)q * D + f] = t;
        per_layer[fg_vgg16_layer_of_feature(f)]++;
        swaps++;
    }
    /* the construction, checked independently: exactly 2 codes a swap differ */
    signed char *ca = malloc((size_t)N * D), *cb = malloc((size_t)N * D);
    double ma, mb;
    ref_codes(a->f.x, N, ca, &ma);
    ref_codes(b.f.x, N, cb, &mb);
    int64_t differ = 0;
    for (size_t k = 0; k < (size_t)N * D; k++) differ += ca[k] != cb[k];
    CHECK(differ == 2 * swaps && ma > 0.1 && mb > 0.1, "reference: %lld codes differ for %d swaps (margins %g %g)",
          (long long)differ, swaps, ma, mb);
    free(ca);
    free(cb);

    fg_fne_compare_result r;
    CHECK_OK(fg_fne_compare(&a->f, "a.h5", &b.f, "b.h5", -2, 2, &r));
    for (int l = 0; l <= L; l++) {
        fg_fne_compare_part *p = part(&r, l);
        uint64_t s = (uint64_t)(l == L ? swaps : per_layer[l]);
        CHECK(per_layer[l == L ? 0 : l] > 0, "layer %d has swaps", l);
        CHECK(p->codes_differ == 2 * s, "swaps: layer %d: %llu codes differ, expected %llu", l,
              (unsigned long long)p->codes_differ, (unsigned long long)(2 * s));
        CHECK(p->code_agreement == 1.0 - (double)(2 * s) / (double)p->n_values, "swaps: layer %d agreement %.12g", l, p->code_agreement);
        CHECK(p->edges_a == p->edges_b && p->edges_both == p->edges_a - s, "swaps: layer %d edges %llu %llu %llu", l,
              (unsigned long long)p->edges_a, (unsigned long long)p->edges_b, (unsigned long long)p->edges_both);
        CHECK_NEAR(p->jaccard, (double)(p->edges_a - s) / (double)(p->edges_a + s), 1e-15);
        double mx, med;
        ref_errors(a->f.x, b.f.x, N, l, &mx, &med);
        CHECK_NEAR(p->err_max, mx, 1e-12 * mx);
        CHECK_NEAR(p->err_median, med, 1e-12 * med);
    }
    printf("swaps: %d swaps, %llu codes differ of %llu, agreement %.9f, Jaccard %.6f, max error %.3g\n", swaps,
           (unsigned long long)r.all.codes_differ, (unsigned long long)r.all.n_values, r.all.code_agreement,
           r.all.jaccard, r.all.err_max);
    done_(&b);
}

static void check_double(const owned *a)
{
    owned b;
    copy(&b, a);
    for (size_t k = 0; k < (size_t)N * D; k++) b.f.x[k] *= 2;
    fg_fne_compare_result r;
    CHECK_OK(fg_fne_compare(&a->f, "a.h5", &b.f, "b.h5", -2, 2, &r));
    for (int l = 0; l <= L; l++) {
        fg_fne_compare_part *p = part(&r, l);
        CHECK(p->code_agreement == 1.0 && p->jaccard == 1.0, "2A: layer %d agreement %g (own statistics)", l, p->code_agreement);
        double mx, med;
        ref_errors(a->f.x, b.f.x, N, l, &mx, &med);
        CHECK(p->err_max == 1.0 && mx == 1.0, "2A: layer %d max error %g, expected 1", l, p->err_max);
        CHECK_NEAR(p->err_median, med, 1e-12);
    }
    done_(&b);
}

static bool same_part(const fg_fne_compare_part *x, const fg_fne_compare_part *y)
{
    return x->n_values == y->n_values && x->err_max == y->err_max && x->err_median == y->err_median &&
           x->err_max_feature == y->err_max_feature && x->codes_differ == y->codes_differ &&
           x->edges_a == y->edges_a && x->edges_b == y->edges_b && x->edges_both == y->edges_both &&
           x->jaccard == y->jaccard && x->code_agreement == y->code_agreement;
}

/* out = rows of src in the order perm, with their paths */
static void permuted(owned *out, const owned *src, const int *perm)
{
    init(out, src->f.n);
    for (int i = 0; i < src->f.n; i++) {
        memcpy(out->f.x + (size_t)i * D, src->f.x + (size_t)perm[i] * D, D * sizeof(float));
        memcpy(out->names[i], src->names[perm[i]], sizeof out->names[i]);
    }
}

static void check_noise_and_order(const owned *a)
{
    owned b, bp, ap;
    fg_rng r;
    fg_rng_seed(&r, 21);
    copy(&b, a);
    for (size_t k = 0; k < (size_t)N * D; k++) b.f.x[k] += (float)(0.05 * fg_rng_normal(&r));
    int perm[N];
    for (int i = 0; i < N; i++) perm[i] = (i * 17 + 5) % N;
    permuted(&bp, &b, perm);
    permuted(&ap, a, perm);

    fg_fne_compare_result r0, r1, r2, r3;
    CHECK_OK(fg_fne_compare(&a->f, "a.h5", &b.f, "b.h5", -2, 2, &r0));
    for (int l = 0; l <= L; l++) {
        double mx, med;
        ref_errors(a->f.x, b.f.x, N, l, &mx, &med);
        CHECK_NEAR(part(&r0, l)->err_max, mx, 1e-12 * mx);
        CHECK_NEAR(part(&r0, l)->err_median, med, 1e-12 * med);
    }
    /* the codes' margins are >= 0.1 standard deviations (>= 1.2 in value): noise of 0.05 flips none */
    CHECK(r0.all.codes_differ == 0 && r0.all.jaccard == 1.0, "noise flipped %llu codes",
          (unsigned long long)r0.all.codes_differ);
    printf("noise 0.05: agreement %.6f, Jaccard %.6f, max error %.3g, median %.3g\n", r0.all.code_agreement,
           r0.all.jaccard, r0.all.err_max, r0.all.err_median);

    CHECK_OK(fg_fne_compare(&a->f, "a.h5", &bp.f, "b.h5", -2, 2, &r1));
    CHECK(memcmp(&r0, &r1, sizeof r0) == 0, "B in another row order: a different result");
    CHECK_OK(fg_fne_compare(&ap.f, "a.h5", &bp.f, "b.h5", -2, 2, &r2));
    for (int l = 0; l <= L; l++) CHECK(same_part(part(&r0, l), part(&r2, l)), "A and B permuted: layer %d differs", l);
    CHECK(!strcmp(a->f.path[r0.all.err_max_row], ap.f.path[r2.all.err_max_row]), "the worst image, by path");

    int nt = omp_get_max_threads();
    omp_set_num_threads(1);
    CHECK_OK(fg_fne_compare(&a->f, "a.h5", &b.f, "b.h5", -2, 2, &r3));
    omp_set_num_threads(3);
    CHECK_OK(fg_fne_compare(&a->f, "a.h5", &b.f, "b.h5", -2, 2, &r1));
    omp_set_num_threads(nt);
    CHECK(memcmp(&r0, &r3, sizeof r0) == 0 && memcmp(&r0, &r1, sizeof r0) == 0, "1, 3 threads: another result");
    done_(&b);
    done_(&bp);
    done_(&ap);
}

static void expect_error(const fg_fne *a, const fg_fne *b, double lo, double hi, const char *m1, const char *m2)
{
    fg_fne_compare_result r;
    CHECK_FAILS(fg_fne_compare(a, "a.h5", b, "b.h5", lo, hi, &r), FG_EINVAL, m1);
    const char *msg = fg_last_error();
    CHECK(!m2 || strstr(msg, m2), "message '%s' should name '%s'", msg, m2 ? m2 : "");
    printf("  error as expected: %s\n", msg);
}

static void check_errors(const owned *a)
{
    owned b;
    copy(&b, a);
    snprintf(b.names[7], sizeof b.names[7], "renamed.jpg");
    /* the first unmatched path in sorted order */
    expect_error(&a->f, &b.f, -2, 2, "the files hold different images: path 'cls1/img_007.jpg' is in a.h5, not in b.h5", NULL);
    snprintf(b.names[7], sizeof b.names[7], "a_renamed.jpg");
    expect_error(&a->f, &b.f, -2, 2, "path 'a_renamed.jpg' is in b.h5, not in a.h5", NULL);
    snprintf(b.names[7], sizeof b.names[7], "%s", b.names[9]);
    expect_error(&a->f, &b.f, -2, 2, "b.h5: path 'cls0/img_009.jpg' is listed twice", NULL);
    expect_error(&b.f, &a->f, -2, 2, "a.h5: path 'cls0/img_009.jpg' is listed twice", NULL);
    memcpy(b.names[7], a->names[7], sizeof b.names[7]);
    b.f.n = N - 1;
    expect_error(&a->f, &b.f, -2, 2, "a.h5 has 40 images, b.h5 has 39", "'cls0/img_039.jpg' is in a.h5, not in b.h5");
    b.f.n = N;
    expect_error(&a->f, &b.f, 1, -1, "lo = 1, hi = -1", NULL);
    b.f.x[(size_t)12 * D + 4300] = NAN;
    expect_error(&a->f, &b.f, -2, 2, "b.h5: ", "cls0/img_012.jpg");
    CHECK(strstr(fg_last_error(), "fc6 unit 76") != NULL, "the NaN's feature is named: %s", fg_last_error());
    b.f.n = 0;
    expect_error(&a->f, &b.f, -2, 2, "b.h5: the embedding has no image", NULL);
    done_(&b);
}

int main(void)
{
    owned a;
    make_a(&a);
    check_identical(&a);
    check_swaps(&a);
    check_double(&a);
    check_noise_and_order(&a);
    check_errors(&a);
    done_(&a);
    return fg_test_done("fne_compare");
}
