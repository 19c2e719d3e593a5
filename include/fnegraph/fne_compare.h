/* Fidelity of one full-network embedding against another (issue 8, part 3):
 * two FNE matrices of the same images, e.g. one from the f32 direct path (A,
 * the reference) and one from a faster mode (B), rows matched by path.
 *
 * For every feature layer (the 15 of fg_vgg16_layers) and for all 12416
 * features together:
 *   - relative error of B against A, per value (image i, feature f of layer l):
 *         e = |b - a| / max(|a|, s),   s = mean of |a| over the features of
 *                                          layer l in image i (A's row),
 *     the floor the project's nn tests use (tests/support/ref_nn.h,
 *     fg_ref_fne_err), so that a feature near 0 (a ReLU output just above its
 *     threshold) is judged against its layer's scale. When the whole layer is 0
 *     in that image of A (s = 0 and a = 0) e = |b - a|. Reported: the maximum
 *     (with the image and feature where it occurs) and the median (of the
 *     errors rounded to float32; the mean of the two middle values when the
 *     count is even), both exact.
 *   - code agreement: each matrix standardized with its OWN statistics over
 *     its own rows (fg_fne_stats_compute, as the pipeline does) and ternarized
 *     at (lo, hi) with fg_codes_ternarize; the fraction of (image, feature)
 *     pairs whose codes are equal.
 *   - edge Jaccard: an image-feature edge is a non-zero code, i.e. a triple
 *     (image, feature, sign); |E_A ∩ E_B| / |E_A ∪ E_B| (1 when both are
 *     empty).
 *
 * Cost: O(N * 12416) time, two reads of each matrix plus the standardization
 * passes. Memory besides the two matrices (which the caller holds: 2 x N x
 * 49.7 KB, 814 MB for flowers102's 8189 images): the codes (2 x N x 3.1 KB),
 * N x 15 floors and 40 MB of histograms (the medians come from a two-pass
 * radix selection, without a copy of the errors). */
#ifndef FNEGRAPH_FNE_COMPARE_H
#define FNEGRAPH_FNE_COMPARE_H

#include "fnegraph/export.h"

#include "fnegraph/error.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/vgg16.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The figures of one layer, or of all features. */
typedef struct fg_fne_compare_part {
    int features;            /* features of the layer (12416 for all) */
    uint64_t n_values;       /* (image, feature) pairs compared: N x features */
    double err_max;          /* maximum relative error */
    int64_t err_max_row;     /* row of A where it occurs (first in row, then feature order) */
    int err_max_feature;     /* its FNE feature index (0..12415) */
    double err_median;       /* median relative error */
    uint64_t codes_differ;   /* pairs whose ternary codes differ */
    double code_agreement;   /* 1 - codes_differ / n_values */
    uint64_t edges_a;        /* non-zero codes of A */
    uint64_t edges_b;        /* non-zero codes of B */
    uint64_t edges_both;     /* the same non-zero code in both */
    double jaccard;          /* edges_both / (edges_a + edges_b - edges_both); 1 if both 0 */
} fg_fne_compare_part;

typedef struct fg_fne_compare_result {
    int64_t n;               /* images compared */
    double lo, hi;           /* the thresholds of the codes */
    fg_fne_compare_part layer[FG_VGG16_LAYERS];
    fg_fne_compare_part all;
} fg_fne_compare_result;

/* Compare b against a (uses x, n and path of each; the rest is ignored).
 * name_a / name_b (the file names) appear in the messages. Errors
 * (FG_EINVAL): a file without images; different image counts; a path listed
 * twice in one file or present in one file and not the other (named, with the
 * file); lo > hi; a NaN or infinite value (named by file, image and feature).
 * Parallel (OpenMP); the result does not depend on the thread count. */
FG_API fg_status fg_fne_compare(const fg_fne *a, const char *name_a, const fg_fne *b, const char *name_b,
                         double lo, double hi, fg_fne_compare_result *out);

#ifdef __cplusplus
}
#endif
#endif
