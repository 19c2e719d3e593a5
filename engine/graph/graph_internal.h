/* Private: the pieces of engine/graph/ that tests and benchmarks drive
 * directly (explicit kernel choice, small shapes for hand-computed cases). */
#ifndef FNEGRAPH_GRAPH_INTERNAL_H
#define FNEGRAPH_GRAPH_INTERNAL_H

#include "fnegraph/cpu.h"
#include "fnegraph/csr.h"
#include "fnegraph/graph.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* fg_alloc for buffers of several MB, asking for transparent huge pages
 * (madvise); free with fg_free. */
void *fg_i_alloc_huge(size_t n, size_t size);

/* "image 17" or "image 17 (jpg/image_00018.jpg)" when names is not NULL. */
void fg_i_describe_image(char *buf, size_t size, int64_t row, const char *const *names);
/* "feature 4300" or, when d == FG_FNE_DIM, "feature 4300 (fc6 unit 76)". */
void fg_i_describe_feature(char *buf, size_t size, int64_t f, int64_t d);

/* fg_fne_stats_compute / fg_codes_ternarize with an explicit kernel
 * (FG_ISA_AVX512 falls back to scalar when the CPU lacks it). */
fg_status fg_i_fne_stats_compute(const float *x, int64_t n, int64_t d, const int64_t *rows,
                                 int64_t n_rows, const char *const *names, fg_isa isa,
                                 fg_fne_stats *out);
fg_status fg_i_codes_ternarize(const float *x, int64_t n, int64_t d, const fg_fne_stats *s,
                               double lo, double hi, const char *const *names, fg_isa isa,
                               fg_codes *out);
/* The float thresholds that make float comparisons exact against doubles:
 * for a float z, z > *hi_f <=> z > hi and z < *lo_f <=> z < lo. */
void fg_i_float_thresholds(double lo, double hi, float *lo_f, float *hi_f);

/* Sum over npos positions of a [npos][cin][cout] float tensor, in double, in
 * ascending position order: W[i*cout + j] = sum_q D[(q*cin + i)*cout + j].
 * A conv kernel [3][3][cin][cout] has npos = 9; fc1 as [49][512][4096]
 * (rows (h*7+w)*512 + c) has npos = 49. Parallel over i. Both kernels give
 * identical sums. */
void fg_i_ff_aggregate(const float *D, int npos, int cin, int cout, fg_isa isa, double *W);
/* Per column j of W [n_in][n_out] (exactly one of W64, W32 non-NULL): mean
 * and population std over the rows, from the sums of t = W[i][j] - W[0][j]
 * and t*t in row order (a constant column gets std exactly 0 and mean exactly
 * its value). copy (W32 only; may be NULL) receives a copy of W32 made in the
 * same pass. Parallel over columns; both kernels give identical results. */
void fg_i_ff_column_stats(const double *W64, const float *W32, int n_in, int n_out, fg_isa isa,
                          double *mean, double *std, float *copy);
/* Sign bitmaps of one layer pair: bit j of row i (words = (n_out + 63) / 64
 * per row) in pos when W[i][j] > hi[j], in neg when W[i][j] < lo[j]. */
void fg_i_ff_signs(const double *W64, const float *W32, int n_in, int n_out, const double *lo,
                   const double *hi, fg_isa isa, uint64_t *pos, uint64_t *neg);

/* The simple twin of fg_csr_from_edge_list (one thread, qsort): the same
 * graph, or the same error and message, for any input. */
fg_status fg_i_csr_from_edge_list_ref(uint32_t n_vertices, uint32_t n_images, const uint32_t *edges, uint64_t m,
                                      const char *what, fg_csr *out);

/* The parallel builder's later steps (csr_edges.c), for a reader that checks
 * and counts the edges as it reads them (io/edges_file.c) and gives them
 * again, piece by piece, rather than keep them in memory. The list is cut
 * into `shares` contiguous shares, share s = rows [m s / shares, m (s + 1) /
 * shares); counts[s * n_vertices + v] = how many times v appears in share s.
 * rows(ctx, r, n, buf) gives rows [r, r + n) (a pointer to them, into the
 * source's memory or buf[2n] filled; NULL when they cannot be had), from
 * several threads at once. A row that disagrees with the counts (a vertex out
 * of range, a self-loop, a vertex more often than counted: the source changed)
 * or cannot be had again is FG_EIO naming it; a repeated edge is the error of
 * fg_csr_from_edge_list; lists of rows in strictly ascending (u, v) order
 * with u < v come out sorted and are not sorted again. fg_i_csr_counts_fit:
 * whether such counts are within the builder's memory bound (else
 * fg_csr_from_edge_list). */
typedef const uint32_t *(*fg_i_edge_rows)(void *ctx, uint64_t r, uint64_t n, uint32_t *buf);
bool fg_i_csr_counts_fit(uint32_t n_vertices, uint64_t m, int shares);
fg_status fg_i_csr_from_counted_rows(uint32_t n_vertices, uint32_t n_images, uint64_t m, int shares,
                                     const uint32_t *counts, fg_i_edge_rows rows, void *ctx, const char *what,
                                     fg_csr *out);

fg_status fg_i_ff_weights_aggregate(const fg_weights *w, fg_isa isa, fg_ff_weights *out);
fg_status fg_i_ff_edges_compute(const fg_ff_weights *a, double k, fg_isa isa, fg_ff_edges *out);

#endif
