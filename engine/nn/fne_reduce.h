/* Spatial means of a layer output in any dense activation layout (private to
 * engine/nn): the FNE reduction of docs/method.md §4, read straight from the buffer
 * oneDNN wrote, without a reorder or a copy. */
#ifndef FNEGRAPH_NN_FNE_REDUCE_H
#define FNEGRAPH_NN_FNE_REDUCE_H

#include "fnegraph/cpu.h"

#include <stddef.h>
#include <stdint.h>

/* Where element (i, c, y, x) of an activation lives, for the layouts oneDNN
 * uses for activations: nchw, nhwc and the channel-blocked nChw8c/nChw16c.
 * Channels are split into `groups` groups of `lanes` channels that are
 * contiguous in memory (nhwc: one group of C lanes; nChw16c: C/16 groups of
 * 16; nchw: C groups of 1); channels >= c in the last group are padding:
 *   offset = off0 + i*s_n + (c / lanes)*s_g + (c % lanes) + y*s_h + x*s_w.
 * A dense layer output is the case h = w = 1. */
typedef struct fg_i_fne_layout {
    int64_t n, c, h, w;     /* logical dims (images, channels, rows, columns) */
    int64_t groups, lanes;  /* groups * lanes >= c */
    int64_t off0, s_n, s_g, s_h, s_w;
} fg_i_fne_layout;

/* acc[j] += p[r*s_row + k*s_col + j] for r < rows, k < cols, j < lanes, each
 * lane accumulated in double in the order (r, k): the result is the same bit
 * for bit whatever the vector width. */
typedef void (*fg_i_fne_sum_fn)(const float *p, int64_t rows, int64_t cols, int64_t s_row,
                                int64_t s_col, int64_t lanes, double *acc);
void fg_i_fne_sum_ref(const float *p, int64_t rows, int64_t cols, int64_t s_row, int64_t s_col,
                      int64_t lanes, double *acc);
/* AVX-512 body of the same; call only when fg_cpu_isa() >= FG_ISA_AVX512. */
void fg_i_fne_sum_avx512(const float *p, int64_t rows, int64_t cols, int64_t s_row, int64_t s_col,
                         int64_t lanes, double *acc);
/* The fastest body up to min(want, the CPU's ISA) (simd/target.h): pass
 * fg_cpu_isa(), so FNEGRAPH_ISA=scalar forces the twin. */
fg_i_fne_sum_fn fg_i_fne_sum_for(fg_isa want);

/* The same over bf16 elements (the upper 16 bits of an f32: the conversion
 * is exact), for the outputs of a bf16 net. */
typedef void (*fg_i_fne_sum_bf16_fn)(const uint16_t *p, int64_t rows, int64_t cols, int64_t s_row,
                                     int64_t s_col, int64_t lanes, double *acc);
void fg_i_fne_sum_bf16_ref(const uint16_t *p, int64_t rows, int64_t cols, int64_t s_row,
                           int64_t s_col, int64_t lanes, double *acc);
void fg_i_fne_sum_bf16_avx512(const uint16_t *p, int64_t rows, int64_t cols, int64_t s_row,
                              int64_t s_col, int64_t lanes, double *acc);
fg_i_fne_sum_bf16_fn fg_i_fne_sum_bf16_for(fg_isa want);

/* Doubles of scratch fg_i_fne_means needs for this layout. */
size_t fg_i_fne_part_size(const fg_i_fne_layout *lay);

/* out[i*out_stride + c] = mean over (y, x) of element (i, c, y, x), for
 * images i < n_img (<= lay->n) and channels c < lay->c. Work is cut into
 * units of whole rows that do not depend on the thread count, each summed in
 * double into its own slot of `part`, and the slots are added in a fixed
 * order: the result is the same for any number of threads. */
void fg_i_fne_means(const fg_i_fne_layout *lay, const float *base, int64_t n_img, double *part,
                    float *out, int64_t out_stride, int threads, fg_i_fne_sum_fn sum);
/* The same for a bf16 activation (strides and offsets in elements). */
void fg_i_fne_means_bf16(const fg_i_fne_layout *lay, const uint16_t *base, int64_t n_img, double *part,
                         float *out, int64_t out_stride, int threads, fg_i_fne_sum_bf16_fn sum);

#endif
