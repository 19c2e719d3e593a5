/* One k-means baseline run on an embedding, scored against the images'
 * labels: what `fnegraph cluster --method kmeans|kmeans-ternary` and the
 * sweep's k-means runs (sweep_kmeans.c) share. The library has the k-means
 * (fnegraph/kmeans.h) and the scores (fnegraph/metrics.h); this composes
 * them once. */
#ifndef FNEGRAPH_EXPERIMENTS_KMEANS_JOB_H
#define FNEGRAPH_EXPERIMENTS_KMEANS_JOB_H

#include "fnegraph/kmeans.h"
#include "fnegraph/metrics.h"

#include <stdbool.h>

typedef struct fg_km_scored {
    fg_kmeans_result km;
    bool scored;          /* labels were given */
    fg_scores scores;     /* NMI/AMI of the labels against the clusters */
    double seconds_score;
} fg_km_scored;

/* fg_kmeans_run on x [n][d], then the scores of its labels against
 * labels[n] (NULL: not scored). */
fg_status fg_km_run_scored(const float *x, int64_t n, int64_t d, const int32_t *labels, const fg_kmeans_opts *o,
                           fg_km_scored *out);
void fg_km_scored_destroy(fg_km_scored *s);

/* The input of a k-means method: the standardized FNE (kmeans) or its codes
 * at (lo, hi) as floats (kmeans-ternary), fg_alloc'd [n][d] into *out;
 * the seconds of each step (stats may be given, NULL: computed here). */
fg_status fg_km_input(fg_method m, const float *x, int64_t n, int64_t d, const char *const *names,
                      const fg_fne_stats *stats, double lo, double hi, float **out, double *sec_standardize,
                      double *sec_ternarize);

#endif
