/* Scores of a clustering against the truth (docs/method.md §7): the contingency
 * table of two integer labelings, entropies, mutual information (MI), the
 * expected mutual information of the hypergeometric model (EMI, Vinh et al.
 * 2010), and NMI and AMI under the four normalizations, all as
 * scikit-learn 1.2 computes them (natural logarithms, its edge cases), but
 * for AMI where it is 0/0 (fg_scores_compute). */
#ifndef FNEGRAPH_METRICS_H
#define FNEGRAPH_METRICS_H

#include "fnegraph/export.h"

#include "fnegraph/error.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The generalized means of the two entropies that normalize NMI and AMI
 * (scikit-learn's average_method). The paper used NMI geometric and AMI max;
 * scikit-learn's default today is arithmetic for both. */
typedef enum fg_norm { FG_NORM_MIN = 0, FG_NORM_GEOMETRIC, FG_NORM_ARITHMETIC, FG_NORM_MAX } fg_norm;
#define FG_NORM_COUNT 4

/* "min", "geometric", "arithmetic", "max"; NULL for another value. */
FG_API const char *fg_norm_name(fg_norm m);
/* min(u, v), sqrt(u v), (u + v) / 2 or max(u, v). */
FG_API double fg_norm_mean(double u, double v, fg_norm m);

/* The contingency table of two labelings of n samples, sparse: the label
 * values (any int64, negative or sparse) are renumbered 0.. in increasing
 * order of value, rows for the first labeling ("true", the classes), columns
 * for the second ("pred", the clusters). */
typedef struct fg_contingency {
    int64_t n;             /* samples */
    uint32_t n_rows;       /* distinct values of the first labeling */
    uint32_t n_cols;       /* distinct values of the second */
    int64_t *row_sum;      /* [n_rows] class sizes */
    int64_t *col_sum;      /* [n_cols] cluster sizes */
    uint64_t n_nonzero;    /* non-empty cells, in row-major order: */
    uint32_t *nz_row;      /* [n_nonzero] */
    uint32_t *nz_col;      /* [n_nonzero] */
    int64_t *nz_count;     /* [n_nonzero] > 0 */
} fg_contingency;

/* Build the table of truth[n] and pred[n] (n may be 0). O(n) when the values
 * span a range of at most a few times n, else O(n log n). */
FG_API fg_status fg_contingency_build(const int64_t *truth, const int64_t *pred, uint64_t n, fg_contingency *out);
/* Free; accepts a zeroed or half-built table and leaves it zeroed. */
FG_API void fg_contingency_destroy(fg_contingency *c);

/* Entropy (nats) of a labeling given its m cluster sizes (zeros ignored), as
 * scikit-learn's entropy(): 1.0 for no samples, 0.0 for one cluster. */
FG_API double fg_entropy_of_counts(const int64_t *counts, uint32_t m);
/* Mutual information (nats), as sklearn's mutual_info_score: terms smaller
 * than DBL_EPSILON in magnitude are dropped and the sum is clipped at 0; 0.0
 * when either side has one cluster. */
FG_API double fg_mutual_info(const fg_contingency *c);
/* Expected mutual information under the hypergeometric model, exactly the
 * sum of scikit-learn's expected_mutual_information (its nij bounds
 * max(1, a_i + b_j - n) .. min(a_i, b_j)), 0.0 when either side has one
 * cluster. Each hypergeometric probability comes from a log-gamma table at
 * the mode of its (a_i, b_j) cell and the exact term ratio away from it;
 * cells with equal (a_i, b_j) are summed once and weighted. */
FG_API fg_status fg_expected_mutual_info(const fg_contingency *c, double *emi);

/* The labels of a text file of `fnegraph score`: one integer a line (any
 * int64 value), spaces and tabs around it ignored, CRLF tolerated; empty
 * lines and lines whose first non-space character is '#' skipped. *labels
 * gets a fg_alloc'd array of *n values (NULL when 0). The path must be a
 * regular file (a FIFO would block). Anything else (a non-integer, a value
 * outside int64, a NUL byte) is FG_EFORMAT naming file:line. */
FG_API fg_status fg_labels_read_text(const char *path, int64_t **labels, uint64_t *n);

/* Everything `fnegraph score` and `fnegraph cluster` report. */
typedef struct fg_scores {
    int64_t n;
    uint32_t n_classes, n_clusters;
    double h_true, h_pred;        /* entropies (nats) */
    double mi, emi;               /* nats */
    double nmi[FG_NORM_COUNT];    /* indexed by fg_norm */
    double ami[FG_NORM_COUNT];
} fg_scores;

/* NMI and AMI of pred against truth under every normalization, with
 * scikit-learn's edge cases: both labelings a single cluster, or both empty
 * (n = 0) -> 1.0; MI = 0 -> NMI 0.0; one labeling a single cluster and the
 * other split -> AMI 0.0; the AMI numerator (MI - EMI) and denominator
 * (mean - EMI) each pushed away from 0 to +-DBL_EPSILON keeping its sign
 * (scikit-learn 1.7). Where AMI is 0/0 exactly (every labeling with these
 * cluster sizes scores MI = EMI = mean: both labelings all singletons, or one
 * of them under the min mean) it is 1.0, not a ratio of rounding residues
 * (scores.c explains). */
FG_API fg_status fg_scores_compute(const int64_t *truth, const int64_t *pred, uint64_t n, fg_scores *out);

#ifdef __cplusplus
}
#endif
#endif
