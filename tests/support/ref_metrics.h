/* Reference for the metrics tests: scikit-learn 1.2's expected mutual
 * information written the plain way (its triple loop, one lgamma per factor
 * and one exp per term), independent of engine/metrics/emi.c's mode-and-ratio
 * walk and its grouping of equal marginals. */
#ifndef FNEGRAPH_REF_METRICS_H
#define FNEGRAPH_REF_METRICS_H

#include <stdint.h>

/* EMI of a table with row sums a[R] and column sums b[C] over n samples. */
double ref_emi(const int64_t *a, uint32_t R, const int64_t *b, uint32_t C, int64_t n);

#endif
