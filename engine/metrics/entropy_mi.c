/* Entropy and mutual information of labelings, natural logarithms, written
 * to follow scikit-learn 1.2 (sklearn/metrics/cluster/_supervised.py:
 * entropy, mutual_info_score, _generalized_average) operation for operation,
 * so that results agree to rounding. O(m) and O(non-zero cells). */
#include "fnegraph/metrics.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

const char *fg_norm_name(fg_norm m)
{
    switch (m) {
    case FG_NORM_MIN: return "min";
    case FG_NORM_GEOMETRIC: return "geometric";
    case FG_NORM_ARITHMETIC: return "arithmetic";
    case FG_NORM_MAX: return "max";
    }
    return NULL;
}

double fg_norm_mean(double u, double v, fg_norm m)
{
    switch (m) {
    case FG_NORM_MIN: return u < v ? u : v;
    case FG_NORM_GEOMETRIC: return sqrt(u * v);
    case FG_NORM_ARITHMETIC: return (u + v) / 2.0;
    case FG_NORM_MAX: return u > v ? u : v;
    }
    return NAN;
}

double fg_entropy_of_counts(const int64_t *counts, uint32_t m)
{
    int64_t total = 0;
    uint32_t nonzero = 0;
    for (uint32_t i = 0; i < m; i++) {
        total += counts[i];
        nonzero += counts[i] > 0;
    }
    if (total == 0) return 1.0; /* sklearn: len(labels) == 0 */
    if (nonzero == 1) return 0.0;
    const double sum = (double)total, log_sum = log(sum);
    double h = 0.0;
    for (uint32_t i = 0; i < m; i++) {
        if (counts[i] <= 0) continue;
        double p = (double)counts[i];
        h += (p / sum) * (log(p) - log_sum);
    }
    return -h;
}

double fg_mutual_info(const fg_contingency *c)
{
    if (!c || c->n_rows <= 1 || c->n_cols <= 1) return 0.0; /* zero entropy on one side */
    const double n = (double)c->n, log_n = log(n);
    double mi = 0.0;
    for (uint64_t t = 0; t < c->n_nonzero; t++) {
        double nij = (double)c->nz_count[t];
        double c_nm = nij / n;
        int64_t outer = c->row_sum[c->nz_row[t]] * c->col_sum[c->nz_col[t]];
        double log_outer = -log((double)outer) + log_n + log_n;
        double term = c_nm * (log(nij) - log_n) + c_nm * log_outer;
        if (fabs(term) < DBL_EPSILON) term = 0.0;
        mi += term;
    }
    return mi < 0.0 ? 0.0 : mi;
}
