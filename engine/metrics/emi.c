/* Expected mutual information of two labelings under the hypergeometric
 * model of randomness with fixed marginals: N. X. Vinh, J. Epps, J. Bailey,
 * "Information theoretic measures for clusterings comparison", JMLR 11
 * (2010), eq. 24a; the same sum as scikit-learn 1.2's
 * _expected_mutual_info_fast.pyx:
 *
 *   EMI = sum_i sum_j sum_{nij = max(1, a_i + b_j - N)}^{min(a_i, b_j)}
 *           nij/N * log(N nij / (a_i b_j)) * P(nij; a_i, b_j, N)
 *   P = a! b! (N-a)! (N-b)! / (N! nij! (a-nij)! (b-nij)! (N-a-b+nij)!)
 *
 * No approximation and no truncation. P at the mode of each cell comes from
 * a log-factorial table (lgamma, as sklearn) and exp; the other terms by the
 * exact ratio P(n+1)/P(n) = (a-n)(b-n) / ((n+1)(N-a-b+n+1)) walking away
 * from the mode, so one exp per cell instead of one per term; a walk stops
 * only once P has underflowed to exactly 0 (every later term is smaller).
 * Rows with equal a_i (columns with equal b_j) give equal inner sums, so
 * the sum runs over distinct (a, b) pairs, each weighted by its
 * multiplicity. Cost: O(N) for the tables plus, per distinct pair,
 * O(min(a, b)). */
#include "fnegraph/mem.h"
#include "fnegraph/metrics.h"

#include <math.h>
#include <stdlib.h>

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Distinct values of v[m] (sorted ascending) and their multiplicities. */
static fg_status distinct(const int64_t *v, uint32_t m, int64_t **val, double **mult, uint32_t *nd)
{
    int64_t *s = fg_alloc(m, sizeof *s);
    *val = fg_alloc(m, sizeof **val);
    *mult = fg_alloc(m, sizeof **mult);
    if (!s || !*val || !*mult) {
        fg_free(s);
        return FG_ENOMEM;
    }
    for (uint32_t i = 0; i < m; i++) s[i] = v[i];
    qsort(s, m, sizeof *s, cmp_i64);
    uint32_t d = 0;
    for (uint32_t i = 0; i < m; i++) {
        if (i > 0 && s[i] == s[i - 1]) {
            (*mult)[d - 1] += 1.0;
            continue;
        }
        (*val)[d] = s[i];
        (*mult)[d] = 1.0;
        d++;
    }
    *nd = d;
    fg_free(s);
    return FG_OK;
}

/* The inner sum over nij for one (a, b). lf[x] = log(x!); t1[x] = x/N;
 * lnn[x] = log(N) + log(x). */
static double cell(int64_t a, int64_t b, int64_t N, const double *lf, const double *t1, const double *lnn)
{
    int64_t lo = a + b - N > 1 ? a + b - N : 1;
    int64_t hi = a < b ? a : b;
    if (lo > hi) return 0.0;
    const double la = log((double)a), lb = log((double)b);
    const double gln_ab = lf[a] + lf[b] + lf[N - a] + lf[N - b] - lf[N];
    int64_t mode = (int64_t)((double)(a + 1) * (double)(b + 1) / (double)(N + 2));
    if (mode < lo) mode = lo;
    if (mode > hi) mode = hi;
    const double p_mode = exp(gln_ab - lf[mode] - lf[a - mode] - lf[b - mode] - lf[N - a - b + mode]);
    double sum = t1[mode] * (lnn[mode] - la - lb) * p_mode;
    const int64_t rest = N - a - b; /* N-a-b+nij >= 0 on [lo, hi] */
    double p = p_mode;
    for (int64_t k = mode; k < hi;) {
        p *= ((double)(a - k) * (double)(b - k)) / ((double)(k + 1) * (double)(rest + k + 1));
        k++;
        if (p == 0.0) break;
        sum += t1[k] * (lnn[k] - la - lb) * p;
    }
    p = p_mode;
    for (int64_t k = mode; k > lo;) {
        p *= ((double)k * (double)(rest + k)) / ((double)(a - k + 1) * (double)(b - k + 1));
        k--;
        if (p == 0.0) break;
        sum += t1[k] * (lnn[k] - la - lb) * p;
    }
    return sum;
}

fg_status fg_expected_mutual_info(const fg_contingency *c, double *emi)
{
    fg_status st = FG_OK;
    int64_t *av = NULL, *bv = NULL;
    double *am = NULL, *bm = NULL, *lf = NULL, *t1 = NULL, *lnn = NULL;
    uint32_t na = 0, nb = 0;
    if (!c || !emi) return FG_FAIL(FG_EINVAL, "fg_expected_mutual_info: null argument");
    *emi = 0.0;
    if (c->n_rows <= 1 || c->n_cols <= 1) return FG_OK; /* zero entropy on one side */
    const int64_t N = c->n;
    FG_CHECK_GOTO(st, distinct(c->row_sum, c->n_rows, &av, &am, &na));
    FG_CHECK_GOTO(st, distinct(c->col_sum, c->n_cols, &bv, &bm, &nb));
    int64_t maxab = av[na - 1] > bv[nb - 1] ? av[na - 1] : bv[nb - 1];
    lf = fg_alloc((size_t)N + 1, sizeof *lf);
    t1 = fg_alloc((size_t)maxab + 1, sizeof *t1);
    lnn = fg_alloc((size_t)maxab + 1, sizeof *lnn);
    if (!lf || !t1 || !lnn) {
        st = FG_ENOMEM;
        goto done;
    }
    for (int64_t x = 0; x <= N; x++) {
        int sign; /* lgamma_r: lgamma without the global signgam */
        lf[x] = lgamma_r((double)x + 1.0, &sign);
    }
    const double dN = (double)N, log_N = log(dN);
    t1[0] = lnn[0] = 0.0; /* nij = 0 is never summed */
    for (int64_t x = 1; x <= maxab; x++) {
        t1[x] = (double)x / dN;
        lnn[x] = log_N + log((double)x);
    }
    double sum = 0.0;
    for (uint32_t i = 0; i < na; i++) {
        double row = 0.0;
        for (uint32_t j = 0; j < nb; j++) row += bm[j] * cell(av[i], bv[j], N, lf, t1, lnn);
        sum += am[i] * row;
    }
    *emi = sum;
done:
    fg_free(av);
    fg_free(bv);
    fg_free(am);
    fg_free(bm);
    fg_free(lf);
    fg_free(t1);
    fg_free(lnn);
    return st;
}
