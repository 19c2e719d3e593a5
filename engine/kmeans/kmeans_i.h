/* Private to engine/kmeans: the matrix product of the distance step on
 * oneDNN, the simple twins the tests compare the fast paths with, and the
 * helpers both share (include/fnegraph/kmeans.h has the method). */
#ifndef FNEGRAPH_KMEANS_KMEANS_I_H
#define FNEGRAPH_KMEANS_KMEANS_I_H

#include "fnegraph/kmeans.h"

#include <oneapi/dnnl/dnnl.h>

/* out[n][m] = x[n][d] . c[m][d]^T, f32, on one matmul primitive made once
 * for the shape (the buffers are bound at each call). */
typedef struct fg_i_km_gemm {
    int64_t n, d, m;
    dnnl_engine_t eng;
    dnnl_stream_t strm;
    dnnl_primitive_t prim;
    dnnl_memory_t src, wei, dst;
    char impl[64];             /* the implementation oneDNN chose ("brg:avx512_core") */
} fg_i_km_gemm;

fg_status fg_i_km_gemm_create(int64_t n, int64_t d, int64_t m, fg_i_km_gemm *g);
fg_status fg_i_km_gemm_run(fg_i_km_gemm *g, const float *x, const float *c, float *out);
/* Accepts a zeroed or half-built object and leaves it zeroed. */
void fg_i_km_gemm_destroy(fg_i_km_gemm *g);

/* The implementation oneDNN picks for an (n, d, m) product, "?" when none
 * (for benchmark JSON and `fnegraph info`-style reports): copied into buf. */
void fg_i_km_gemm_impl(int64_t n, int64_t d, int64_t m, char *buf, size_t size);

/* Arguments every entry point checks (n, d >= 1, 1 <= k <= n, finite
 * options); the message names what. */
fg_status fg_i_kmeans_check(const float *x, int64_t n, int64_t d, int64_t k, const fg_kmeans_opts *o,
                            const char *caller);
/* tol x mean over features of the population variance of x (scikit-learn's
 * _tolerance), in double; deterministic for any thread count. */
double fg_i_kmeans_abs_tol(const float *x, int64_t n, int64_t d, double tol);
/* v[0..n) summed in fixed blocks of 4096, the blocks in order: the same
 * double for any thread count. */
double fg_i_sum_blocked(const double *v, int64_t n);
/* The sklearn tie-break of the empty-cluster rule: indices of the n_empty
 * largest dist[] (decreasing, ties by lower index) into far[n_empty]. */
fg_status fg_i_kmeans_farthest(const double *dist, int64_t n, int64_t n_empty, int64_t *far);

/* The k-means++ candidates of one step (scikit-learn's draw): t uniform
 * values u in [0, 1), each u x pot looked up in the running sum of
 * closest[0..n) (the first index whose running sum reaches it, at most
 * n - 1), into cand[t]. */
void fg_i_kmeans_draw(const double *closest, int64_t n, double pot, fg_rng *rng, int t, int64_t *cand);
/* Candidates per k-means++ step: 2 + floor(ln k). */
int fg_i_kmeans_trials(int64_t k);

/* Twins: plain loops, distances as sum (x - c)^2 in double, centres kept in
 * double; the same seeding draws, stopping rule and empty-cluster rule. */
fg_status fg_i_kmeans_seed_pp_ref(const float *x, int64_t n, int64_t d, int64_t k, fg_rng *rng, float *centers,
                                  int64_t *idx);
fg_status fg_i_kmeans_lloyd_ref(const float *x, int64_t n, int64_t d, const float *init, const fg_kmeans_opts *o,
                                fg_kmeans_result *out);

#endif
