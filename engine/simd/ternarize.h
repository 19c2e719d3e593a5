/* Private: the ternarization kernels (scalar _ref twin and AVX-512) and the
 * standardization-statistics kernels, for engine/graph/standardize.c, the
 * twin tests and the benchmarks. */
#ifndef FNEGRAPH_SIMD_TERNARIZE_H
#define FNEGRAPH_SIMD_TERNARIZE_H

#include "simd/target.h"

#include <stdint.h>

/* nr images x[nr][d] against per-feature m[d], s[d] (floats) and float
 * thresholds; writes bits[nr][2][words] (words = (d + 63) / 64; plane 0
 * positive, plane 1 negative; bits past d zero). z = (x - m) / s in float, 0
 * where s == 0; +1: z > hi, -1: z < lo. Returns r * d + f of the first (in
 * row-major order) NaN or infinite x, or -1. */
typedef int64_t (*fg_i_ternarize_fn)(const float *x, int64_t nr, int64_t d, const float *m,
                                     const float *s, float lo, float hi, uint64_t *bits);
int64_t fg_i_ternarize_rows_ref(const float *x, int64_t nr, int64_t d, const float *m,
                                const float *s, float lo, float hi, uint64_t *bits);
int64_t fg_i_ternarize_rows_avx512(const float *x, int64_t nr, int64_t d, const float *m,
                                   const float *s, float lo, float hi, uint64_t *bits);
/* The fastest body up to min(want, the CPU's ISA) (simd/target.h). */
fg_i_ternarize_fn fg_i_ternarize_for(fg_isa want);

/* Statistics accumulation over features [f0, f1) of the rows rows[0..nr)
 * of x (row stride d; rows NULL: rows 0..nr-1): for each such f, in row order,
 *   t = (double)x[r][f] - (double)x0[f];  s1[f] += t;  s2[f] += t * t
 * (no fused multiply-add, so both twins round alike). */
typedef void (*fg_i_stats_fn)(const float *x, int64_t d, const int64_t *rows, int64_t nr,
                              int64_t f0, int64_t f1, const float *x0, double *s1, double *s2);
void fg_i_stats_accumulate_ref(const float *x, int64_t d, const int64_t *rows, int64_t nr,
                               int64_t f0, int64_t f1, const float *x0, double *s1, double *s2);
void fg_i_stats_accumulate_avx512(const float *x, int64_t d, const int64_t *rows, int64_t nr,
                                  int64_t f0, int64_t f1, const float *x0, double *s1, double *s2);
fg_i_stats_fn fg_i_stats_for(fg_isa want);

#endif
