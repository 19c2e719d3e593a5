/* NMI and AMI under the four normalizations, as scikit-learn 1.2's
 * normalized_mutual_info_score and adjusted_mutual_info_score (docs/method.md §7),
 * from one contingency table: MI, EMI and the two entropies are computed
 * once and shared by the eight scores. Cost: the table, O(n), plus the EMI
 * (emi.c).
 *
 * AMI's degenerate cases. AMI = (MI - EMI) / (mean - EMI) is 0/0 when the
 * cluster sizes leave MI no freedom: every labeling with these marginals has
 * MI = EMI = mean. That is so exactly when one side is all singletons and the
 * mean is min (MI = H of the other side, the smaller entropy, whatever the
 * pairing), or both sides are all singletons (any mean). There both
 * differences are rounding residues and their ratio is noise: scikit-learn
 * 1.2 returns 2.0, 1.4, 0.0 or -0.5 on such labelings (scikit-learn#30950),
 * and 1.7's fix (both differences clipped to +-eps, keeping their signs)
 * gives +-1 while the residues stay below eps, and noise again above it
 * (100 singletons against one sample vs the rest: 1.127). We detect the case
 * from the table's shape and return 1.0, the value scikit-learn's own
 * comment gives it ("expectation equals maximum, i.e. a perfect match") and
 * consistent with NMI, which is 1 there. Elsewhere we follow scikit-learn
 * 1.7: one side a single cluster (the other split) gives AMI 0; the
 * denominator and the numerator are each kept at least eps away from 0 with
 * their signs. */
#include "fnegraph/metrics.h"

#include <float.h>
#include <stdbool.h>
#include <string.h>

/* x pushed away from 0 to at least DBL_EPSILON, keeping its sign (0 -> +eps). */
static double away_from_zero(double x)
{
    if (x < 0) return x < -DBL_EPSILON ? x : -DBL_EPSILON;
    return x > DBL_EPSILON ? x : DBL_EPSILON;
}

fg_status fg_scores_compute(const int64_t *truth, const int64_t *pred, uint64_t n, fg_scores *out)
{
    fg_status st = FG_OK;
    fg_contingency c;
    memset(&c, 0, sizeof c);
    if (!out) return FG_FAIL(FG_EINVAL, "fg_scores_compute: null argument");
    memset(out, 0, sizeof *out);
    FG_CHECK_GOTO(st, fg_contingency_build(truth, pred, n, &c));
    out->n = c.n;
    out->n_classes = c.n_rows;
    out->n_clusters = c.n_cols;
    out->h_true = fg_entropy_of_counts(c.row_sum, c.n_rows);
    out->h_pred = fg_entropy_of_counts(c.col_sum, c.n_cols);
    /* both labelings one cluster (or both empty): a perfect match */
    if (c.n_rows == c.n_cols && c.n_rows <= 1) {
        for (int m = 0; m < FG_NORM_COUNT; m++) out->nmi[m] = out->ami[m] = 1.0;
        goto done;
    }
    out->mi = fg_mutual_info(&c);
    FG_CHECK_GOTO(st, fg_expected_mutual_info(&c, &out->emi));
    const bool one_cluster = c.n_rows == 1 || c.n_cols == 1; /* the other side split */
    const bool rows_single = (int64_t)c.n_rows == c.n, cols_single = (int64_t)c.n_cols == c.n;
    for (int m = 0; m < FG_NORM_COUNT; m++) {
        double mean = fg_norm_mean(out->h_true, out->h_pred, (fg_norm)m);
        /* mi = 0 cannot be a perfect match here: NMI is 0 whatever the mean */
        out->nmi[m] = out->mi == 0.0 ? 0.0 : out->mi / mean;
        bool undefined = (rows_single && cols_single) || (m == FG_NORM_MIN && (rows_single || cols_single));
        if (one_cluster) out->ami[m] = 0.0;
        else if (undefined) out->ami[m] = 1.0; /* 0/0: see the top of the file */
        else out->ami[m] = away_from_zero(out->mi - out->emi) / away_from_zero(mean - out->emi);
    }
done:
    fg_contingency_destroy(&c);
    return st;
}
