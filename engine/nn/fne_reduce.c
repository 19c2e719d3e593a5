/* FNE reduction: the spatial mean of every channel of a post-ReLU layer
 * output (docs/method.md §4), read in the layout oneDNN chose (nhwc, nChw16c, ...)
 * so that no reorder or copy of the full-size activation is needed; f32 or
 * bf16 elements (bf16 nets: the conversion to float is exact).
 *
 * Accumulation is in double (one conversion and one add per element), so the
 * mean of up to 224*224 non-negative floats carries a relative error below
 * 224*224 * 2^-53 ≈ 6e-12 before the final rounding to float (≤ 2^-24): the
 * stored feature is the correctly rounded mean up to one ulp.
 * Cost: one pass over the layer output, O(n*c*h*w) adds, memory bound; each
 * unit of work covers whole rows (≈16 K elements) of one channel group of
 * one image and has its own partial-sum slot, added in a fixed order. */
#include "nn/fne_reduce.h"

#include "fnegraph/cpu.h"
#include "simd/target.h"

#include <immintrin.h>
#include <string.h>

void fg_i_fne_sum_ref(const float *p, int64_t rows, int64_t cols, int64_t s_row, int64_t s_col,
                      int64_t lanes, double *acc)
{
    for (int64_t r = 0; r < rows; r++)
        for (int64_t k = 0; k < cols; k++) {
            const float *q = p + r * s_row + k * s_col;
            for (int64_t j = 0; j < lanes; j++) acc[j] += (double)q[j];
        }
}

/* acc[j] += p[k*s_col + j] for k < np, j < lanes: all lanes of np pixels. */
FG_TARGET_AVX512 static inline void sum_pixels_avx512(const float *p, int64_t np,
                                                                              int64_t s_col, int64_t lanes,
                                                                              double *acc)
{
    int64_t j = 0;
    for (; j + 64 <= lanes; j += 64) { /* 8 independent chains hide the add latency */
        __m512d a[8];
        for (int t = 0; t < 8; t++) a[t] = _mm512_loadu_pd(acc + j + 8 * t);
        for (int64_t k = 0; k < np; k++) {
            const float *q = p + k * s_col + j;
            for (int t = 0; t < 4; t++) {
                __m512 v = _mm512_loadu_ps(q + 16 * t);
                a[2 * t] = _mm512_add_pd(a[2 * t], _mm512_cvtps_pd(_mm512_castps512_ps256(v)));
                a[2 * t + 1] = _mm512_add_pd(
                    a[2 * t + 1], _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))));
            }
        }
        for (int t = 0; t < 8; t++) _mm512_storeu_pd(acc + j + 8 * t, a[t]);
    }
    for (; j + 16 <= lanes; j += 16) {
        __m512d lo = _mm512_loadu_pd(acc + j), hi = _mm512_loadu_pd(acc + j + 8);
        for (int64_t k = 0; k < np; k++) {
            __m512 v = _mm512_loadu_ps(p + k * s_col + j);
            lo = _mm512_add_pd(lo, _mm512_cvtps_pd(_mm512_castps512_ps256(v)));
            hi = _mm512_add_pd(hi, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))));
        }
        _mm512_storeu_pd(acc + j, lo);
        _mm512_storeu_pd(acc + j + 8, hi);
    }
    for (; j < lanes; j += 8) { /* tail of < 16 lanes, 8 at a time under a mask */
        int64_t m = lanes - j < 8 ? lanes - j : 8;
        __mmask8 k8 = (__mmask8)((1u << m) - 1u);
        __m512d a = _mm512_maskz_loadu_pd(k8, acc + j);
        for (int64_t k = 0; k < np; k++)
            a = _mm512_add_pd(a, _mm512_cvtps_pd(_mm256_maskz_loadu_ps(k8, p + k * s_col + j)));
        _mm512_mask_storeu_pd(acc + j, k8, a);
    }
}

/* Each lane sees its additions in the order (r, k), as in the _ref twin;
 * vectors only run lanes side by side, so the two agree bit for bit. Up to
 * 64 lanes (nhwc with few channels, channel-blocked layouts) a row of pixels
 * is summed in registers. Wider pixels (nhwc with 128..512 channels) are
 * taken 8 pixels at a time, every lane block of those 8 before the next 8:
 * the reads stay within a few KB and move forward, where a whole row per
 * 64-lane block strides 0.5-2 KB between reads and revisits the row once a
 * block; the units' slots are then added lanes side by side instead of unit
 * by unit. Both choices are measured by bench_vgg16's
 * nn/fne_reduce/avx512/8x28x28x512 (results/bench/bench_vgg16.json). */
FG_TARGET_AVX512 void fg_i_fne_sum_avx512(const float *p, int64_t rows,
                                                             int64_t cols, int64_t s_row,
                                                             int64_t s_col, int64_t lanes,
                                                             double *acc)
{
    const int64_t tile = lanes > 64 ? 8 : cols;
    for (int64_t r = 0; r < rows; r++)
        for (int64_t k0 = 0; k0 < cols; k0 += tile)
            sum_pixels_avx512(p + r * s_row + k0 * s_col, cols - k0 < tile ? cols - k0 : tile, s_col, lanes, acc);
}

static inline float bf16_to_float(uint16_t v)
{
    uint32_t u = (uint32_t)v << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

void fg_i_fne_sum_bf16_ref(const uint16_t *p, int64_t rows, int64_t cols, int64_t s_row, int64_t s_col,
                           int64_t lanes, double *acc)
{
    for (int64_t r = 0; r < rows; r++)
        for (int64_t k = 0; k < cols; k++) {
            const uint16_t *q = p + r * s_row + k * s_col;
            for (int64_t j = 0; j < lanes; j++) acc[j] += (double)bf16_to_float(q[j]);
        }
}

/* 16 bf16 lanes -> 16 floats: zero-extend to 32 bits and shift into the high half. */
FG_TARGET_AVX512 static inline __m512 load_bf16(const uint16_t *q)
{
    __m256i h = _mm256_loadu_si256((const __m256i *)(const void *)q);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

/* Same order of additions per lane as the _ref twin: bit-identical results. */
FG_TARGET_AVX512 void fg_i_fne_sum_bf16_avx512(
    const uint16_t *p, int64_t rows, int64_t cols, int64_t s_row, int64_t s_col, int64_t lanes, double *acc)
{
    int64_t j = 0;
    for (; j + 32 <= lanes; j += 32) { /* 4 independent chains */
        __m512d a[4];
        for (int t = 0; t < 4; t++) a[t] = _mm512_loadu_pd(acc + j + 8 * t);
        for (int64_t r = 0; r < rows; r++)
            for (int64_t k = 0; k < cols; k++) {
                const uint16_t *q = p + r * s_row + k * s_col + j;
                for (int t = 0; t < 2; t++) {
                    __m512 v = load_bf16(q + 16 * t);
                    a[2 * t] = _mm512_add_pd(a[2 * t], _mm512_cvtps_pd(_mm512_castps512_ps256(v)));
                    a[2 * t + 1] = _mm512_add_pd(
                        a[2 * t + 1],
                        _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))));
                }
            }
        for (int t = 0; t < 4; t++) _mm512_storeu_pd(acc + j + 8 * t, a[t]);
    }
    for (; j < lanes; j += 8) { /* 8 lanes at a time, masked at the tail */
        int64_t m = lanes - j < 8 ? lanes - j : 8;
        __mmask8 k8 = (__mmask8)((1u << m) - 1u);
        __m512d a = _mm512_maskz_loadu_pd(k8, acc + j);
        for (int64_t r = 0; r < rows; r++)
            for (int64_t k = 0; k < cols; k++) {
                __m128i h = _mm_maskz_loadu_epi16(k8, p + r * s_row + k * s_col + j);
                __m256 v = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
                a = _mm512_add_pd(a, _mm512_cvtps_pd(v));
            }
        _mm512_mask_storeu_pd(acc + j, k8, a);
    }
}

fg_i_fne_sum_bf16_fn fg_i_fne_sum_bf16_for(fg_isa want)
{
    return fg_i_isa_cap(want) >= FG_ISA_AVX512 ? fg_i_fne_sum_bf16_avx512 : fg_i_fne_sum_bf16_ref;
}

fg_i_fne_sum_fn fg_i_fne_sum_for(fg_isa want)
{
    return fg_i_isa_cap(want) >= FG_ISA_AVX512 ? fg_i_fne_sum_avx512 : fg_i_fne_sum_ref;
}

/* Rows per unit: about 16 K elements, at least one row. */
static int64_t rows_per_unit(const fg_i_fne_layout *lay)
{
    int64_t per_row = lay->w * lay->lanes;
    int64_t r = per_row > 0 ? 16384 / per_row : 1;
    if (r < 1) r = 1;
    return r < lay->h ? r : lay->h;
}

static int64_t units_per_group(const fg_i_fne_layout *lay)
{
    int64_t r = rows_per_unit(lay);
    return (lay->h + r - 1) / r;
}

size_t fg_i_fne_part_size(const fg_i_fne_layout *lay)
{
    return (size_t)(lay->n * lay->groups * units_per_group(lay) * lay->lanes);
}

/* The reduction over elements of `esize` bytes; exactly one of the sums is set. */
static void means(const fg_i_fne_layout *lay, const char *base, size_t esize, int64_t n_img, double *part,
                  float *out, int64_t out_stride, int threads, fg_i_fne_sum_fn sum,
                  fg_i_fne_sum_bf16_fn sum_bf16)
{
    const int64_t rpu = rows_per_unit(lay), upg = units_per_group(lay);
    const int64_t n_units = n_img * lay->groups * upg, n_pairs = n_img * lay->groups;
    const int64_t L = lay->lanes;
    const double area = (double)(lay->h * lay->w);
#pragma omp parallel num_threads(threads)
    {
#pragma omp for schedule(dynamic, 1)
        for (int64_t u = 0; u < n_units; u++) {
            int64_t pair = u / upg, k = u % upg, i = pair / lay->groups, g = pair % lay->groups;
            int64_t r0 = k * rpu, rows = lay->h - r0 < rpu ? lay->h - r0 : rpu;
            double *acc = part + u * L;
            memset(acc, 0, (size_t)L * sizeof *acc);
            const char *p = base + (size_t)(lay->off0 + i * lay->s_n + g * lay->s_g + r0 * lay->s_h) * esize;
            if (sum) sum((const float *)(const void *)p, rows, lay->w, lay->s_h, lay->s_w, L, acc);
            else sum_bf16((const uint16_t *)(const void *)p, rows, lay->w, lay->s_h, lay->s_w, L, acc);
        }
#pragma omp for schedule(static)
        for (int64_t pair = 0; pair < n_pairs; pair++) {
            int64_t i = pair / lay->groups, g = pair % lay->groups;
            int64_t c0 = g * L, nl = lay->c - c0 < L ? lay->c - c0 : L;
            /* the units' slots added in unit order into the first slot, lanes side by side
             * (0 + s0 + s1 + ... per lane, the order of a scalar loop over the units) */
            double *slot = part + pair * upg * L;
            for (int64_t j = 0; j < nl; j++) slot[j] = 0.0 + slot[j];
            for (int64_t k = 1; k < upg; k++) {
                const double *u = slot + k * L;
                for (int64_t j = 0; j < nl; j++) slot[j] += u[j];
            }
            for (int64_t j = 0; j < nl; j++) out[i * out_stride + c0 + j] = (float)(slot[j] / area);
        }
    }
}

void fg_i_fne_means(const fg_i_fne_layout *lay, const float *base, int64_t n_img, double *part,
                    float *out, int64_t out_stride, int threads, fg_i_fne_sum_fn sum)
{
    means(lay, (const char *)base, sizeof *base, n_img, part, out, out_stride, threads, sum, NULL);
}

void fg_i_fne_means_bf16(const fg_i_fne_layout *lay, const uint16_t *base, int64_t n_img, double *part,
                         float *out, int64_t out_stride, int threads, fg_i_fne_sum_bf16_fn sum)
{
    means(lay, (const char *)base, sizeof *base, n_img, part, out, out_stride, threads, NULL, sum);
}
