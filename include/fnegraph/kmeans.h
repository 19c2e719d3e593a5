/* k-means on image vectors: the vector-space baselines beside the graph
 * (issue 16, docs/method.md §9).
 *
 *   x [n][d] floats ──fg_kmeans_seed_pp──▶ k initial centres (greedy k-means++)
 *                   ──fg_kmeans_lloyd────▶ Lloyd from given centres
 *                   ──fg_kmeans_run──────▶ restarts × (seeding + Lloyd), the
 *                                          lowest inertia kept
 *   the inputs of the two baselines:
 *     kmeans          fg_kmeans_standardized: the standardized FNE, z per feature
 *     kmeans-ternary  fg_kmeans_ternary: the ternary codes of the graph stage
 *                     as floats in {-1, 0, 1}
 *
 * Lloyd as scikit-learn's KMeans(algorithm="lloyd") does it: each iteration
 * assigns every point to its nearest centre and moves each centre to the mean
 * of its points; it stops when the labels did not change (strict convergence)
 * or when the total squared centre shift is <= tol x (mean variance of the
 * features), or after max_iter iterations; when it did not stop on unchanged
 * labels the points are assigned once more to the final centres. The inertia
 * is the sum over points of the squared distance to the centre of its label.
 *
 * An empty cluster during Lloyd is re-seeded (scikit-learn's rule): the
 * points farthest from the centre they were assigned to (ties: lower index
 * first) become the centres of the empty clusters, one each, the largest
 * distance to the first empty cluster (lowest id); each such point leaves its
 * old cluster's mean. The result counts the re-seedings.
 *
 * The distances are ||x||^2 - 2 x.c + ||c||^2 with x.c for all points and
 * centres as one matrix product on oneDNN's matmul primitive (f32); norms,
 * sums and the inertia in double. Assignment and update are parallel
 * (OpenMP) and give the same result for any thread count. */
#ifndef FNEGRAPH_KMEANS_H
#define FNEGRAPH_KMEANS_H

#include "fnegraph/export.h"

#include "fnegraph/error.h"
#include "fnegraph/graph.h"
#include "fnegraph/rng.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The clustering method of a run (the sweep's `methods`, `cluster
 * --method`, the results file's `method` field). */
typedef enum fg_method {
    FG_METHOD_FLUIDC = 0,       /* Fluid Communities on the graph (community.h) */
    FG_METHOD_KMEANS,           /* k-means on the standardized FNE */
    FG_METHOD_KMEANS_TERNARY,   /* k-means on the ternary codes in {-1, 0, 1} */
    FG_METHOD_COUNT
} fg_method;

/* "fluidc", "kmeans", "kmeans-ternary" */
FG_API const char *fg_method_name(fg_method m);
/* The method of that name; FG_EINVAL naming the choices otherwise. */
FG_API fg_status fg_method_parse(const char *s, fg_method *out);

enum { FG_KMEANS_DEFAULT_MAX_ITER = 300 }; /* scikit-learn's default */
#define FG_KMEANS_DEFAULT_TOL 1e-4          /* relative to the mean feature variance, as scikit-learn */

typedef struct fg_kmeans_opts {
    int64_t k;          /* clusters, 1 <= k <= n */
    uint64_t seed;      /* of the seeding's generator; restart r uses stream r of it */
    int restarts;       /* seedings + Lloyd runs, the lowest inertia kept; 0: 1 */
    int max_iter;       /* Lloyd iterations at most; 0: FG_KMEANS_DEFAULT_MAX_ITER */
    double tol;         /* < 0: 0 (labels must stop changing); 0 as given means
                           FG_KMEANS_DEFAULT_TOL only through fg_kmeans_opts_default */
    const char *what;   /* names the data in messages (a file); NULL: "data" */
} fg_kmeans_opts;

/* k clusters, seed 1, one restart, the default max_iter and tol. */
FG_API fg_kmeans_opts fg_kmeans_opts_default(int64_t k, uint64_t seed);

typedef struct fg_kmeans_result {
    int64_t n, d, k;
    int32_t *labels;    /* [n] cluster of each point, 0..k-1 */
    float *centers;     /* [k][d] */
    double inertia;     /* sum of squared distances to the assigned centres (double) */
    int iterations;     /* Lloyd iterations of the kept restart (scikit-learn's n_iter_) */
    bool converged;     /* stopped before max_iter (labels unchanged or shift <= tol) */
    int restart;        /* which restart was kept (0-based) */
    int64_t n_reseeded; /* empty clusters re-seeded during the kept restart */
    double seconds_seed, seconds_lloyd; /* over all restarts */
    double seconds_distance;            /* of which in the matrix products */
} fg_kmeans_result;

/* Greedy k-means++ (Arthur & Vassilvitskii 2007; scikit-learn's variant):
 * the first centre is a uniformly drawn point; each next one is the best, by
 * the potential it leaves, of 2 + floor(ln k) candidates drawn with
 * probability proportional to the squared distance to the nearest centre so
 * far. Writes centers[k][d] (copies of points) and, when idx is not NULL,
 * the points chosen idx[k]. Deterministic for a given generator state. */
FG_API fg_status fg_kmeans_seed_pp(const float *x, int64_t n, int64_t d, int64_t k, fg_rng *rng, float *centers,
                                   int64_t *idx);

/* Lloyd from init[k][d] (o->k clusters; o->seed and o->restarts unused).
 * out is filled (free with fg_kmeans_result_destroy). */
FG_API fg_status fg_kmeans_lloyd(const float *x, int64_t n, int64_t d, const float *init, const fg_kmeans_opts *o,
                                 fg_kmeans_result *out);

/* o->restarts times: seeding (fg_kmeans_seed_pp with the generator
 * fg_rng_seed_stream(seed, r)) then Lloyd; the run of lowest inertia is
 * kept (the first on ties). k > n is FG_EINVAL naming o->what. */
FG_API fg_status fg_kmeans_run(const float *x, int64_t n, int64_t d, const fg_kmeans_opts *o, fg_kmeans_result *out);

/* Free; accepts a zeroed object and leaves it zeroed. */
FG_API void fg_kmeans_result_destroy(fg_kmeans_result *r);

/* The inputs of the baselines, fg_alloc'd [n][d] (free with fg_free):
 * the standardized embedding z = (x - m) / s per feature, in float with
 * m = (float)mean, s = (float)std, z = 0 where s == 0 (the same z the
 * ternarization compares, docs/method.md §4)... */
FG_API fg_status fg_kmeans_standardized(const float *x, int64_t n, int64_t d, const fg_fne_stats *s, float **out);
/* ...and the ternary codes as floats: +1, -1 or 0. */
FG_API fg_status fg_kmeans_ternary(const fg_codes *c, float **out);

#ifdef __cplusplus
}
#endif
#endif
