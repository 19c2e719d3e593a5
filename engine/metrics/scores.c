/* NMI and AMI under the four normalizations, as scikit-learn 1.2's
 * normalized_mutual_info_score and adjusted_mutual_info_score (SPEC.md §7),
 * from one contingency table: MI, EMI and the two entropies are computed
 * once and shared by the eight scores. Cost: the table, O(n), plus the EMI
 * (emi.c). */
#include "fnegraph/metrics.h"

#include <float.h>
#include <string.h>

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
    for (int m = 0; m < FG_NORM_COUNT; m++) {
        double mean = fg_norm_mean(out->h_true, out->h_pred, (fg_norm)m);
        /* mi = 0 cannot be a perfect match here: NMI is 0 whatever the mean */
        out->nmi[m] = out->mi == 0.0 ? 0.0 : out->mi / mean;
        /* the mean should be >= EMI, but rounding can make it slightly
         * smaller: keep the sign and stay away from 0 / 0 */
        double den = mean - out->emi;
        if (den < 0) den = den < -DBL_EPSILON ? den : -DBL_EPSILON;
        else den = den > DBL_EPSILON ? den : DBL_EPSILON;
        out->ami[m] = (out->mi - out->emi) / den;
    }
done:
    fg_contingency_destroy(&c);
    return st;
}
