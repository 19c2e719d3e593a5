/* Standardization and ternarization (docs/method.md §4):
 * - the AVX-512 and scalar kernels agree bit for bit on random data, on values
 *   exactly at the thresholds and one to three floats either side, on zero-std
 *   features and on widths that end inside a word or a vector;
 * - codes match an independent double-precision computation away from the
 *   thresholds, are 0 exactly at them (strict), and the thresholds are exact
 *   for values that are not floats (0.15);
 * - statistics equal a long-double two-pass computation, are exactly 0 for a
 *   constant feature, follow a split, and do not depend on the thread count
 *   or the kernel;
 * - NaN and infinity are refused naming the image and the feature. */
#include "fg_test.h"
#include "fnegraph/graph.h"
#include "fnegraph/mem.h"
#include "fnegraph/rng.h"
#include "graph/graph_internal.h"
#include "simd/ternarize.h"

#include <omp.h>
#include <string.h>

static float *random_fne(fg_rng *r, int64_t n, int64_t d)
{
    float *x = fg_alloc((size_t)(n * d), sizeof *x);
    for (int64_t f = 0; f < d; f++) {
        double scale = 0.1 + 3 * fg_rng_uniform(r), shift = fg_rng_normal(r);
        for (int64_t i = 0; i < n; i++) {
            double v = shift + scale * fg_rng_normal(r);
            x[i * d + f] = (float)(v > 0 ? v : 0); /* ReLU-like: many zeros */
        }
    }
    return x;
}

/* Kernels on hand-made statistics: random values plus planted values at and
 * around z = lo and z = hi; 23 rows, so the AVX-512 kernel's groups of rows
 * end with a partial one; also one row at a time. */
static void twin_kernels(fg_rng *r, int64_t d)
{
    enum { ROWS = 23 };
    float *x = fg_alloc((size_t)(ROWS * d), sizeof *x), *m = fg_alloc((size_t)d, sizeof *m),
          *s = fg_alloc((size_t)d, sizeof *s);
    int64_t words = (d + 63) / 64;
    uint64_t *a = fg_alloc((size_t)(ROWS * 2 * words), sizeof *a);
    uint64_t *b = fg_alloc((size_t)(ROWS * 2 * words), sizeof *b);
    uint64_t *c = fg_alloc((size_t)(ROWS * 2 * words), sizeof *c);
    const float lo = -0.75f, hi = 1.5f;
    for (int64_t f = 0; f < d; f++) {
        /* half the means are multiples of 1/8, so that m + t*s is exact and z hits t exactly */
        m[f] = f % 2 ? (float)fg_rng_normal(r) : (float)((int)fg_rng_below(r, 33) - 16) / 8;
        s[f] = f % 17 == 3 ? 0.0f : (float)(0.25 * (1 + (int)fg_rng_below(r, 8))); /* powers-of-two-ish */
    }
    for (int64_t i = 0; i < ROWS; i++) {
        float *row = x + i * d;
        for (int64_t f = 0; f < d; f++) {
            int kind = (int)fg_rng_below(r, 4);
            if (kind == 0) row[f] = (float)(m[f] + 2 * s[f] * fg_rng_normal(r));
            else {
                /* exactly at a threshold (z = hi or lo exactly: s a small multiple of 1/4) */
                float t = kind == 1 ? hi : lo;
                float v = m[f] + t * s[f];
                int steps = (int)fg_rng_below(r, 7) - 3;
                for (; steps > 0; steps--) v = nextafterf(v, INFINITY);
                for (; steps < 0; steps++) v = nextafterf(v, -INFINITY);
                row[f] = v;
            }
        }
    }
    /* the AVX-512 kernel when the CPU (and FNEGRAPH_ISA) allows it, else the scalar one again */
    fg_i_ternarize_fn fast = fg_i_ternarize_for(FG_ISA_AVX512);
    int64_t ba = fg_i_ternarize_rows_ref(x, ROWS, d, m, s, lo, hi, a);
    int64_t bb = fast(x, ROWS, d, m, s, lo, hi, b);
    int64_t bc = -1;
    for (int64_t i = 0; i < ROWS; i++)
        bc &= fast(x + i * d, 1, d, m, s, lo, hi, c + i * 2 * words);
    size_t bytes = (size_t)(ROWS * 2 * words) * sizeof *a;
    CHECK(ba == -1 && bb == -1 && bc == -1, "d = %lld: finite data reported non-finite", (long long)d);
    CHECK(!memcmp(a, b, bytes) && !memcmp(a, c, bytes), "d = %lld: AVX-512 kernel (rows grouped and single) differs from the scalar one",
          (long long)d);
    int mismatches = 0, at_threshold = 0;
    for (int64_t i = 0; i < ROWS; i++) {
        const float *row = x + i * d;
        const uint64_t *pa = a + i * 2 * words;
        for (int64_t f = 0; f < d; f++) {
            float z = s[f] != 0 ? (row[f] - m[f]) / s[f] : 0.0f;
            at_threshold += z == hi || z == lo;
            int want = z > hi ? 1 : z < lo ? -1 : 0;
            int got = (pa[f / 64] >> (f % 64) & 1) ? 1 : (pa[words + f / 64] >> (f % 64) & 1) ? -1 : 0;
            mismatches += want != got;
        }
        if (d % 64) mismatches += ((pa[words - 1] | pa[2 * words - 1]) >> (d % 64)) != 0;
    }
    CHECK(mismatches == 0, "d = %lld: %d features differ from z's definition or bits past d set",
          (long long)d, mismatches);
    CHECK(d < 8 || at_threshold > 0, "d = %lld: the test planted no value exactly at a threshold", (long long)d);
    /* the first non-finite value in row-major order, from both kernels */
    x[7 * d + d / 2] = NAN;
    x[9 * d] = INFINITY;
    x[7 * d + d - 1] = -INFINITY;
    ba = fg_i_ternarize_rows_ref(x, ROWS, d, m, s, lo, hi, a);
    bb = fast(x, ROWS, d, m, s, lo, hi, b);
    CHECK(ba == 7 * d + d / 2 && bb == ba, "d = %lld: first non-finite at %lld, kernels say %lld, %lld",
          (long long)d, (long long)(7 * d + d / 2), (long long)ba, (long long)bb);
    fg_free(x);
    fg_free(m);
    fg_free(s);
    fg_free(a);
    fg_free(b);
    fg_free(c);
}

static void stats_vs_long_double(const float *x, int64_t n, int64_t d, const fg_fne_stats *st)
{
    double worst = 0;
    for (int64_t f = 0; f < d; f++) {
        long double mean = 0, var = 0;
        for (int64_t i = 0; i < n; i++) mean += x[i * d + f];
        mean /= n;
        for (int64_t i = 0; i < n; i++) var += (x[i * d + f] - mean) * (x[i * d + f] - mean);
        long double sd = sqrtl(var / n);
        double em = fabs((double)(st->mean[f] - mean)) / (fabs((double)mean) + (double)sd + 1e-30);
        double es = fabs((double)(st->std[f] - sd)) / ((double)sd + 1e-30);
        if (sd == 0) es = st->std[f] == 0 ? 0 : 1;
        if (em > worst) worst = em;
        if (es > worst) worst = es;
    }
    CHECK(worst < 1e-12, "mean/std vs long double: worst relative error %.3g", worst);
}

int main(void)
{
    fg_rng r;
    fg_rng_seed(&r, 2024);
    int have512 = fg_cpu_isa() == FG_ISA_AVX512;
    if (!have512) printf("note: no AVX-512 here (or FNEGRAPH_ISA caps it): the twin checks compare scalar with itself\n");

    /* 1. kernels, many widths (tails inside a vector and inside a word) */
    static const int64_t widths[] = {1, 5, 15, 16, 17, 63, 64, 65, 100, 1000, FG_FNE_DIM};
    for (size_t k = 0; k < sizeof widths / sizeof widths[0]; k++) twin_kernels(&r, widths[k]);

    /* 2. statistics: long double reference, constant feature, twins, threads, split */
    const int64_t n = 61, d = 1000;
    float *x = random_fne(&r, n, d);
    for (int64_t i = 0; i < n; i++) x[i * d + 7] = 0.1f;  /* constant (not a binary fraction) */
    for (int64_t i = 0; i < n; i++) x[i * d + 8] = 0.0f;  /* all-zero after ReLU */
    fg_fne_stats s_ref, s_512, s_1t, s_3t;
    CHECK_OK(fg_i_fne_stats_compute(x, n, d, NULL, 0, NULL, FG_ISA_SCALAR, &s_ref));
    CHECK_OK(fg_i_fne_stats_compute(x, n, d, NULL, 0, NULL, FG_ISA_AVX512, &s_512));
    stats_vs_long_double(x, n, d, &s_ref);
    CHECK(s_ref.std[7] == 0 && s_ref.mean[7] == (double)0.1f, "constant feature: std %g, mean %.17g",
          s_ref.std[7], s_ref.mean[7]);
    CHECK(s_ref.std[8] == 0 && s_ref.mean[8] == 0, "all-zero feature");
    CHECK(!memcmp(s_ref.mean, s_512.mean, (size_t)d * 8) && !memcmp(s_ref.std, s_512.std, (size_t)d * 8),
          "statistics: scalar and AVX-512 kernels identical");
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    CHECK_OK(fg_fne_stats_compute(x, n, d, NULL, 0, NULL, &s_1t));
    omp_set_num_threads(3);
    CHECK_OK(fg_fne_stats_compute(x, n, d, NULL, 0, NULL, &s_3t));
    omp_set_num_threads(threads);
    CHECK(!memcmp(s_1t.mean, s_3t.mean, (size_t)d * 8) && !memcmp(s_1t.std, s_3t.std, (size_t)d * 8) &&
              !memcmp(s_1t.mean, s_ref.mean, (size_t)d * 8),
          "statistics identical with 1 and 3 threads");
    {
        int64_t rows[] = {2, 3, 5, 11, 12, 13, 40, 60, 59};
        int64_t nr = sizeof rows / sizeof rows[0];
        float *sub = fg_alloc((size_t)(nr * d), sizeof *sub);
        for (int64_t k = 0; k < nr; k++) memcpy(sub + k * d, x + rows[k] * d, (size_t)d * sizeof *sub);
        fg_fne_stats s_split, s_sub;
        CHECK_OK(fg_fne_stats_compute(x, n, d, rows, nr, NULL, &s_split));
        CHECK_OK(fg_fne_stats_compute(sub, nr, d, NULL, 0, NULL, &s_sub));
        CHECK(s_split.n_rows == nr && !memcmp(s_split.mean, s_sub.mean, (size_t)d * 8) &&
                  !memcmp(s_split.std, s_sub.std, (size_t)d * 8),
              "split statistics equal those of the split's rows alone");
        stats_vs_long_double(sub, nr, d, &s_split);
        /* applied to all rows: codes of a row outside the split follow its z */
        fg_codes c;
        CHECK_OK(fg_codes_ternarize(x, n, d, &s_split, -1, 1, NULL, &c));
        int bad = 0;
        for (int64_t f = 0; f < d; f++) {
            double z = s_split.std[f] > 0 ? ((double)x[f] - s_split.mean[f]) / s_split.std[f] : 0;
            int want = z > 1 + 1e-5 ? 1 : z < -1 - 1e-5 ? -1 : fg_codes_get(&c, 0, f);
            bad += fg_codes_get(&c, 0, f) != want;
        }
        CHECK(bad == 0, "row 0 (outside the split) coded with the split's statistics: %d wrong", bad);
        fg_codes_destroy(&c);
        int64_t outside[] = {0, 61};
        fg_fne_stats_destroy(&s_sub);
        CHECK_FAILS(fg_fne_stats_compute(x, n, d, outside, 2, NULL, &s_sub), FG_EINVAL, "row 61");
        fg_fne_stats_destroy(&s_split);
        fg_fne_stats_destroy(&s_sub);
        fg_free(sub);
    }

    /* 3. codes: twin drivers, double-precision expectation, constant features */
    {
        fg_codes c1, c2;
        CHECK_OK(fg_i_codes_ternarize(x, n, d, &s_ref, -2, 2, NULL, FG_ISA_SCALAR, &c1));
        CHECK_OK(fg_i_codes_ternarize(x, n, d, &s_ref, -2, 2, NULL, FG_ISA_AVX512, &c2));
        CHECK(c1.words == 16 && !memcmp(c1.bits, c2.bits, (size_t)(n * 2 * c1.words) * 8),
              "codes: scalar and AVX-512 drivers identical");
        int64_t bad = 0, nonzero = 0, near = 0;
        for (int64_t i = 0; i < n; i++)
            for (int64_t f = 0; f < d; f++) {
                double z = s_ref.std[f] > 0 ? ((double)x[i * d + f] - s_ref.mean[f]) / s_ref.std[f] : 0;
                int got = fg_codes_get(&c1, i, f);
                nonzero += got != 0;
                if (fabs(fabs(z) - 2) < 1e-5) {
                    near++;
                    continue;
                }
                bad += got != (z > 2 ? 1 : z < -2 ? -1 : 0);
            }
        CHECK(bad == 0, "codes vs double-precision z: %lld differ", (long long)bad);
        CHECK(nonzero > 0 && near < 10, "%lld non-zero codes, %lld within 1e-5 of a threshold",
              (long long)nonzero, (long long)near);
        uint64_t np, nn;
        fg_codes_count(&c1, &np, &nn);
        CHECK(np + nn == (uint64_t)nonzero, "fg_codes_count %llu + %llu vs %lld", (unsigned long long)np,
              (unsigned long long)nn, (long long)nonzero);
        fg_codes_destroy(&c1);
        fg_codes_destroy(&c2);
        /* a constant feature has z = 0 everywhere: +1 when 0 > hi */
        CHECK_OK(fg_i_codes_ternarize(x, n, d, &s_ref, -0.5, -0.25, NULL, FG_ISA_SCALAR, &c1));
        CHECK_OK(fg_i_codes_ternarize(x, n, d, &s_ref, -0.5, -0.25, NULL, FG_ISA_AVX512, &c2));
        CHECK(fg_codes_get(&c1, 0, 7) == 1 && fg_codes_get(&c1, n - 1, 8) == 1 &&
                  !memcmp(c1.bits, c2.bits, (size_t)(n * 2 * c1.words) * 8),
              "std = 0 gives z = 0 in both kernels");
        fg_codes_destroy(&c1);
        fg_codes_destroy(&c2);
        CHECK_OK(fg_codes_ternarize(x, n, d, &s_ref, -2, 2, NULL, &c1));
        CHECK(fg_codes_get(&c1, 3, 7) == 0, "constant feature coded 0 at (-2, 2)");
        fg_codes_destroy(&c1);
    }

    /* 4. exact thresholds that are not floats: z = 0.15f > 0.15, z = nextafter below is not */
    {
        float row[3] = {0.15f, nextafterf(0.15f, 0), -0.25f};
        double mean[3] = {0, 0, 0}, sd[3] = {1, 1, 1};
        fg_fne_stats s = {3, 1, mean, sd};
        fg_codes c1, c2;
        CHECK_OK(fg_i_codes_ternarize(row, 1, 3, &s, -0.25, 0.15, NULL, FG_ISA_SCALAR, &c1));
        CHECK_OK(fg_i_codes_ternarize(row, 1, 3, &s, -0.25, 0.15, NULL, FG_ISA_AVX512, &c2));
        CHECK((double)0.15f > 0.15 && fg_codes_get(&c1, 0, 0) == 1, "0.15f > 0.15: code +1");
        CHECK(fg_codes_get(&c1, 0, 1) == 0, "the float below 0.15: code 0");
        CHECK(fg_codes_get(&c1, 0, 2) == 0, "z = lo exactly: code 0 (strict)");
        CHECK(c1.bits[0] == c2.bits[0] && c1.bits[1] == c2.bits[1], "both kernels");
        fg_codes_destroy(&c1);
        fg_codes_destroy(&c2);
        float lo_f, hi_f;
        fg_i_float_thresholds(-2, 2, &lo_f, &hi_f);
        CHECK(lo_f == -2.0f && hi_f == 2.0f, "float thresholds keep -2 and 2");
        fg_i_float_thresholds(-1e300, 1e300, &lo_f, &hi_f);
        CHECK(hi_f == 3.40282347e38f && lo_f == -3.40282347e38f, "thresholds beyond the float range");
        CHECK_FAILS(fg_codes_ternarize(row, 1, 3, &s, 1, -1, NULL, &c1), FG_EINVAL, "need lo <= hi");
        CHECK_FAILS(fg_codes_ternarize(row, 1, 2, &s, -1, 1, NULL, &c1), FG_EINVAL, "statistics of 3 features");
    }
    fg_fne_stats_destroy(&s_ref);
    fg_fne_stats_destroy(&s_512);
    fg_fne_stats_destroy(&s_1t);
    fg_fne_stats_destroy(&s_3t);
    fg_free(x);

    /* 5. NaN and infinity, named by image and feature (the FNE width names the layer) */
    {
        const int64_t nf = 12, D = FG_FNE_DIM;
        float *y = random_fne(&r, nf, D);
        const char *names[12] = {"a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg", "f.jpg",
                                 "g.jpg", "h.jpg", "i.jpg", "j.jpg", "k.jpg", "l.jpg"};
        fg_fne_stats s;
        fg_codes c;
        CHECK_OK(fg_fne_stats_compute(y, nf, D, NULL, 0, NULL, &s));
        y[9 * D + 100] = INFINITY;
        y[5 * D + 4300] = NAN;
        for (int isa = 0; isa <= 2; isa += 2) {
            CHECK_FAILS(fg_i_codes_ternarize(y, nf, D, &s, -2, 2, names, (fg_isa)isa, &c), FG_EINVAL,
                        "image 5 (f.jpg), feature 4300 (fc6 unit 76): value is NaN");
            CHECK(c.bits == NULL, "no codes after a failure");
        }
        fg_fne_stats s2;
        CHECK_FAILS(fg_fne_stats_compute(y, nf, D, NULL, 0, NULL, &s2), FG_EINVAL,
                    "image 5, feature 4300 (fc6 unit 76): value is NaN");
        int64_t split[] = {0, 1, 9};
        CHECK_FAILS(fg_fne_stats_compute(y, nf, D, split, 3, names, &s2), FG_EINVAL,
                    "image 9 (j.jpg), feature 100 (conv1_2 unit 36): value is +infinity");
        y[5 * D + 4300] = 1;
        y[9 * D + 100] = 1;
        y[11 * D + FG_FNE_DIM - 1] = -INFINITY;
        CHECK_FAILS(fg_codes_ternarize(y, nf, D, &s, -2, 2, NULL, &c), FG_EINVAL,
                    "image 11, feature 12415 (fc7 unit 4095): value is -infinity");
        fg_fne_stats_destroy(&s);
        fg_free(y);
    }
    return fg_test_done("test_ternarize");
}
