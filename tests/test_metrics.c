/* NMI and AMI (engine/metrics) against scikit-learn 1.2:
 *  - fixed values computed once with Debian's python3-sklearn 1.2.1 and kept
 *    here, so this part runs without Python;
 *  - scikit-learn's edge cases, one by one;
 *  - the EMI against the plain triple loop of tests/support/ref_metrics.c on
 *    random marginals (relative 1e-11);
 *  - the contingency table on sparse and huge label values (both paths);
 *  - when /usr/bin/python3 can import sklearn: NMI and AMI under all four
 *    normalizations on random labelings of many shapes, to 1e-10. */
#include "fg_test.h"
#include "fnegraph/metrics.h"
#include "fnegraph/rng.h"
#include "ref_metrics.h"

#include <float.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static const char *NORMS[4] = {"min", "geometric", "arithmetic", "max"};

static void check_scores(const char *what, const int64_t *t, const int64_t *p, uint64_t n, const double nmi[4],
                         const double ami[4], double tol)
{
    fg_scores s;
    CHECK_OK(fg_scores_compute(t, p, n, &s));
    for (int m = 0; m < 4; m++) {
        CHECK(fabs(s.nmi[m] - nmi[m]) <= tol, "%s NMI %s = %.17g, sklearn %.17g", what, NORMS[m], s.nmi[m], nmi[m]);
        CHECK(fabs(s.ami[m] - ami[m]) <= tol, "%s AMI %s = %.17g, sklearn %.17g", what, NORMS[m], s.ami[m], ami[m]);
    }
}

/* Values printed by sklearn 1.2.1 (normalized_mutual_info_score and
 * adjusted_mutual_info_score, average_method min/geometric/arithmetic/max)
 * for the labelings built below. */
static void fixed_values(void)
{
    static int64_t t[1000], p[1000];
    {
        int64_t a[] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2}, b[] = {0, 0, 1, 1, 1, 2, 2, 2, 0, 0};
        double nmi[4] = {0.39464837163589433, 0.39464837163589433, 0.39464837163589433, 0.39464837163589433};
        double ami[4] = {0.1715242354007287, 0.1715242354007287, 0.1715242354007287, 0.1715242354007287};
        check_scores("A", a, b, 10, nmi, ami, 1e-12);
    }
    {
        int64_t a[] = {-5, -5, 100, 100, 100, 7, 7, 1000000000000LL, -5, 7}, b[] = {3, 3, 3, 1, 1, 1, 2, 2, 2, 2};
        double nmi[4] = {0.47390691116168715, 0.43143639901033637, 0.42954169878661974, 0.39277200227936748};
        double ami[4] = {0.14368512889724538, 0.12384202327683866, 0.12300591114600616, 0.10753013386738614};
        check_scores("B (negative and huge label values)", a, b, 10, nmi, ami, 1e-12);
    }
    {
        for (int i = 0; i < 100; i++) {
            t[i] = i % 7;
            p[i] = (int64_t)i * i % 11;
        }
        double nmi[4] = {0.018446451541861492, 0.017612935369623731, 0.017594123968833329, 0.016817082224760384};
        double ami[4] = {-0.088154540784860458, -0.083760172674505695, -0.083661492559095649, -0.079604235109423951};
        check_scores("C (i%7 vs i*i%11)", t, p, 100, nmi, ami, 1e-12);
    }
    {
        for (int i = 0; i < 1000; i++) {
            t[i] = i / 100;
            p[i] = (int64_t)i * 37 % 1000 / 50;
        }
        double nmi[4] = {0.022745213795407247, 0.019940974063913132, 0.019769593476197972, 0.017482466869489215};
        double ami[4] = {-0.016948612255039904, -0.014784991883115354, -0.014653461549745903, -0.012905783474505555};
        check_scores("D (1000 samples, 10 x 20)", t, p, 1000, nmi, ami, 1e-12);
    }
    {
        /* MI is exactly 0: NMI 0 whatever the mean */
        int64_t a[] = {0, 0, 1, 1}, b[] = {0, 1, 0, 1};
        double nmi[4] = {0, 0, 0, 0};
        double ami[4] = {-0.49999999999999944, -0.49999999999999944, -0.49999999999999944, -0.49999999999999944};
        check_scores("E (MI = 0)", a, b, 4, nmi, ami, 1e-12);
    }
}

static void edge_cases(void)
{
    const double one[4] = {1, 1, 1, 1}, zero[4] = {0, 0, 0, 0};
    fg_scores s;
    check_scores("no samples", NULL, NULL, 0, one, one, 0);
    int64_t a5[] = {5, 5, 5}, b3[] = {-3, -3, -3};
    check_scores("both labelings one cluster (different values)", a5, b3, 3, one, one, 0);
    int64_t single[] = {42}, other[] = {7};
    check_scores("one sample", single, other, 1, one, one, 0);
    int64_t spread[] = {0, 1, 2, 3}, flat[] = {0, 0, 0, 0};
    check_scores("truth split, prediction one cluster", spread, flat, 4, zero, zero, 0);
    check_scores("truth one cluster, prediction split", flat, spread, 4, zero, zero, 0);
    CHECK_OK(fg_scores_compute(spread, flat, 4, &s));
    CHECK(s.mi == 0 && s.emi == 0 && s.h_pred == 0, "one cluster: MI %g EMI %g H %g", s.mi, s.emi, s.h_pred);

    /* renaming the labels changes nothing; a perfect match is 1 */
    int64_t t[12] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3}, p[12];
    for (int i = 0; i < 12; i++) p[i] = 1000 - 7 * t[i];
    CHECK_OK(fg_scores_compute(t, p, 12, &s));
    for (int m = 0; m < 4; m++) {
        CHECK_NEAR(s.nmi[m], 1.0, 1e-15);
        CHECK_NEAR(s.ami[m], 1.0, 1e-12);
    }
    /* NMI is symmetric */
    int64_t q[12] = {0, 1, 1, 1, 2, 2, 0, 0, 2, 3, 3, 1};
    fg_scores s1, s2;
    CHECK_OK(fg_scores_compute(t, q, 12, &s1));
    CHECK_OK(fg_scores_compute(q, t, 12, &s2));
    for (int m = 0; m < 4; m++) CHECK_NEAR(s1.nmi[m], s2.nmi[m], 1e-15);

    /* the AMI denominator: all singletons on both sides make mean - EMI a
     * rounding residue, never divided by: AMI is 1 there (identical
     * labelings), which is also what the clamped ratio gives on this case */
    int64_t id[6] = {0, 1, 2, 3, 4, 5};
    CHECK_OK(fg_scores_compute(id, id, 6, &s));
    for (int m = 0; m < 4; m++) {
        double mean = fg_norm_mean(s.h_true, s.h_pred, (fg_norm)m), den = mean - s.emi;
        den = den < 0 ? fmin(den, -DBL_EPSILON) : fmax(den, DBL_EPSILON);
        CHECK(isfinite(s.ami[m]) && s.ami[m] == (s.mi - s.emi) / den, "clamped AMI %s = %g", NORMS[m], s.ami[m]);
        CHECK(s.ami[m] == 1.0, "AMI %s of identical singletons = %.17g, expected 1", NORMS[m], s.ami[m]);
        CHECK_NEAR(s.nmi[m], 1.0, 1e-15);
    }
    CHECK(fg_norm_name(FG_NORM_GEOMETRIC) && !strcmp(fg_norm_name(FG_NORM_GEOMETRIC), "geometric"), "norm name");
    CHECK_NEAR(fg_norm_mean(1.0, 4.0, FG_NORM_GEOMETRIC), 2.0, 0);
    CHECK_NEAR(fg_norm_mean(1.0, 4.0, FG_NORM_ARITHMETIC), 2.5, 0);
    CHECK_NEAR(fg_entropy_of_counts(NULL, 0), 1.0, 0);
    int64_t c2[] = {0, 5, 0, 5};
    CHECK_NEAR(fg_entropy_of_counts(c2, 4), log(2.0), 1e-15);
}

static void contingency_paths(void)
{
    enum { N = 3000 };
    static int64_t t[N], p[N], t2[N], p2[N];
    fg_rng r;
    fg_rng_seed(&r, 5);
    for (int i = 0; i < N; i++) {
        t[i] = (int64_t)fg_rng_below(&r, 40);
        p[i] = (int64_t)fg_rng_below(&r, 2000); /* 40 x ~1500 cells: past the dense limit */
        /* the same labelings, order kept, values spread over the int64 range */
        t2[i] = t[i] * 230584300921369395LL - 4611686018427387903LL;
        p2[i] = -p[i] * 4611686018427387LL;
    }
    fg_contingency a, b;
    CHECK_OK(fg_contingency_build(t, p, N, &a));
    CHECK_OK(fg_contingency_build(t2, p2, N, &b));
    CHECK(a.n_rows == b.n_rows && a.n_cols == b.n_cols, "shape %ux%u vs %ux%u", a.n_rows, a.n_cols, b.n_rows,
          b.n_cols);
    int64_t total = 0;
    for (uint64_t i = 0; i < a.n_nonzero; i++) total += a.nz_count[i];
    CHECK(total == N, "cells sum to n: %lld", (long long)total);
    fg_scores s1, s2;
    CHECK_OK(fg_scores_compute(t, p, N, &s1));
    CHECK_OK(fg_scores_compute(t2, p2, N, &s2));
    /* p2 reverses the column order: a relabeling; scores must not move */
    for (int m = 0; m < 4; m++) {
        CHECK_NEAR(s1.nmi[m], s2.nmi[m], 1e-13);
        CHECK_NEAR(s1.ami[m], s2.ami[m], 1e-12);
    }
    /* a dense-path table of the same data (few columns) agrees with the plain count */
    for (uint64_t i = 0; i < a.n_nonzero; i++)
        if (i > 0) {
            uint64_t prev = (uint64_t)a.nz_row[i - 1] * a.n_cols + a.nz_col[i - 1];
            uint64_t cur = (uint64_t)a.nz_row[i] * a.n_cols + a.nz_col[i];
            if (cur <= prev) {
                CHECK(0, "nonzero cells not in row-major order at %llu", (unsigned long long)i);
                break;
            }
        }
    fg_contingency_destroy(&a);
    fg_contingency_destroy(&b);
    CHECK(a.nz_row == NULL && a.n_rows == 0, "destroy zeroes");
}

static void emi_against_reference(void)
{
    fg_rng r;
    fg_rng_seed(&r, 99);
    for (int trial = 0; trial < 40; trial++) {
        uint32_t R = 2 + (uint32_t)fg_rng_below(&r, trial < 20 ? 6 : 30);
        uint32_t C = 2 + (uint32_t)fg_rng_below(&r, trial < 20 ? 6 : 30);
        uint64_t n = R + C + fg_rng_below(&r, trial % 3 == 0 ? 40 : 2000);
        static int64_t t[4000], p[4000];
        for (uint64_t i = 0; i < n; i++) {
            /* skewed: some rows and columns much larger than others */
            double u = fg_rng_uniform(&r), v = fg_rng_uniform(&r);
            t[i] = i < R ? (int64_t)i : (int64_t)(R * u * u);
            p[i] = i < C ? (int64_t)i : (int64_t)(C * v * v * v);
        }
        fg_contingency c;
        CHECK_OK(fg_contingency_build(t, p, n, &c));
        double emi = 0, ref = ref_emi(c.row_sum, c.n_rows, c.col_sum, c.n_cols, c.n);
        CHECK_OK(fg_expected_mutual_info(&c, &emi));
        CHECK(fabs(emi - ref) <= 1e-11 * fabs(ref) + 1e-14, "trial %d (%ux%u, n=%llu): EMI %.17g, reference %.17g",
              trial, c.n_rows, c.n_cols, (unsigned long long)n, emi, ref);
        fg_contingency_destroy(&c);
    }
}

/* Random labelings of many shapes scored here and by sklearn in one Python
 * process. */
static void against_sklearn(void)
{
    if (access("/usr/bin/python3", X_OK) != 0 ||
        system("/usr/bin/python3 -c 'import sklearn.metrics' >/dev/null 2>&1") != 0) {
        printf("sklearn part skipped: /usr/bin/python3 cannot import sklearn (apt-get install python3-sklearn)\n");
        return;
    }
    char dir[] = "/tmp/fg_test_metrics_XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp failed");
        return;
    }
    char cases[256], script[256], out[256], cmd[1024];
    snprintf(cases, sizeof cases, "%s/cases.txt", dir);
    snprintf(script, sizeof script, "%s/ref.py", dir);
    snprintf(out, sizeof out, "%s/out.txt", dir);
    FILE *py = fopen(script, "w");
    fputs("import sys\n"
          "from sklearn.metrics import normalized_mutual_info_score as nmi, adjusted_mutual_info_score as ami\n"
          "lines = open(sys.argv[1]).read().split('\\n')\n"
          "out = open(sys.argv[2], 'w')\n"
          "i = 0\n"
          "while i + 2 < len(lines) and lines[i]:\n"
          "    t = [int(x) for x in lines[i + 1].split()]\n"
          "    p = [int(x) for x in lines[i + 2].split()]\n"
          "    i += 3\n"
          "    ms = ['min', 'geometric', 'arithmetic', 'max']\n"
          "    v = [nmi(t, p, average_method=m) for m in ms] + [ami(t, p, average_method=m) for m in ms]\n"
          "    out.write(' '.join('%.17g' % x for x in v) + '\\n')\n",
          py);
    fclose(py);

    enum { NCASE = 48, NMAX = 8189 };
    static int64_t t[NCASE][NMAX], p[NCASE][NMAX];
    static uint64_t n[NCASE];
    static const uint64_t sizes[] = {5, 17, 100, 1000, 3000, 8189};
    fg_rng r;
    fg_rng_seed(&r, 2017);
    FILE *cf = fopen(cases, "w");
    for (int c = 0; c < NCASE; c++) {
        n[c] = sizes[c % 6];
        uint64_t kt = 1 + fg_rng_below(&r, c % 4 == 0 ? 3 : n[c] < 200 ? n[c] / 2 : 120);
        /* at most n/3 clusters: all-singleton labelings make AMI's 0/0 a
         * rounding residue on both sides (edge_cases covers that) */
        uint64_t kp = 1 + fg_rng_below(&r, c % 5 == 0 || n[c] < 330 ? n[c] / 3 + 1 : 110);
        int shape = c % 3; /* uniform, skewed, correlated */
        int64_t offset = c % 2 ? -1000000007LL : 0, scale = c % 7 == 3 ? 1000003 : 1;
        for (uint64_t i = 0; i < n[c]; i++) {
            double u = fg_rng_uniform(&r);
            int64_t a = shape == 1 ? (int64_t)(kt * u * u * u) : (int64_t)fg_rng_below(&r, kt);
            int64_t b = shape == 2 && fg_rng_uniform(&r) < 0.6 ? a % (int64_t)kp : (int64_t)fg_rng_below(&r, kp);
            t[c][i] = a * scale + offset;
            p[c][i] = b - 3;
        }
        fprintf(cf, "%llu\n", (unsigned long long)n[c]);
        for (uint64_t i = 0; i < n[c]; i++) fprintf(cf, "%lld ", (long long)t[c][i]);
        fputc('\n', cf);
        for (uint64_t i = 0; i < n[c]; i++) fprintf(cf, "%lld ", (long long)p[c][i]);
        fputc('\n', cf);
    }
    fclose(cf);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s %s", script, cases, out);
    CHECK(system(cmd) == 0, "sklearn script failed: %s", cmd);
    FILE *of = fopen(out, "r");
    CHECK(of != NULL, "no sklearn output");
    int compared = 0;
    double worst = 0;
    for (int c = 0; of && c < NCASE; c++) {
        double ref[8];
        int got = 0;
        for (int j = 0; j < 8; j++) got += fscanf(of, "%lf", &ref[j]);
        CHECK(got == 8, "case %d: sklearn output short", c);
        if (got != 8) break;
        char what[64];
        snprintf(what, sizeof what, "random case %d (n=%llu)", c, (unsigned long long)n[c]);
        fg_scores s;
        CHECK_OK(fg_scores_compute(t[c], p[c], n[c], &s));
        for (int m = 0; m < 4; m++) {
            worst = fmax(worst, fmax(fabs(s.nmi[m] - ref[m]), fabs(s.ami[m] - ref[4 + m])));
        }
        check_scores(what, t[c], p[c], n[c], ref, ref + 4, 1e-10);
        compared++;
    }
    if (of) fclose(of);
    printf("sklearn: %d random labelings compared, largest difference %.3g\n", compared, worst);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("could not remove %s\n", dir);
}

int main(void)
{
    fixed_values();
    edge_cases();
    contingency_paths();
    emi_against_reference();
    against_sklearn();
    return fg_test_done("test_metrics");
}
