/* FluidC's dense read-back (fluidc.c, k <= deg(v)): the best score
 *   max over c < k of (c0[c] + c1[c] + c2[c] + c3[c]) * dens[c]
 * over the four counter copies c_j = cnt + j * stride, 0 when every count is
 * 0. A plain-C _ref and AVX2 / AVX-512 bodies (target attributes), chosen
 * once per run from fg_cpu_isa(). Every product is the same IEEE operation
 * on the same exactly converted operands, and max is exact, so all three
 * return the same bits (tests/test_fluidc.c checks it on random input).
 * O(k), 4 (AVX2) or 8 (AVX-512) communities a step. */
#include "fluid_private.h"
#include "simd/target.h"

#include <immintrin.h>

double fg_i_fluid_best_ref(const uint32_t *cnt, uint32_t stride, const double *dens, uint32_t k)
{
    const uint32_t *c1 = cnt + stride, *c2 = cnt + 2 * (size_t)stride, *c3 = cnt + 3 * (size_t)stride;
    double best = 0.0;
    for (uint32_t c = 0; c < k; c++) {
        double sc = (double)(cnt[c] + c1[c] + c2[c] + c3[c]) * dens[c];
        best = sc > best ? sc : best;
    }
    return best;
}

/* Counts are below 2^31 (fluidc.c uses these only then), so the signed
 * conversions are exact. */
FG_TARGET_AVX2 static double best_avx2(const uint32_t *cnt, uint32_t stride, const double *dens,
                                                         uint32_t k)
{
    const uint32_t *c1 = cnt + stride, *c2 = cnt + 2 * (size_t)stride, *c3 = cnt + 3 * (size_t)stride;
    __m256d best = _mm256_setzero_pd();
    uint32_t c = 0;
    for (; c + 4 <= k; c += 4) {
        __m128i s = _mm_add_epi32(_mm_add_epi32(_mm_loadu_si128((const __m128i *)(cnt + c)),
                                                _mm_loadu_si128((const __m128i *)(c1 + c))),
                                  _mm_add_epi32(_mm_loadu_si128((const __m128i *)(c2 + c)),
                                                _mm_loadu_si128((const __m128i *)(c3 + c))));
        best = _mm256_max_pd(best, _mm256_mul_pd(_mm256_cvtepi32_pd(s), _mm256_loadu_pd(dens + c)));
    }
    double lanes[4];
    _mm256_storeu_pd(lanes, best);
    double b = lanes[0];
    for (int i = 1; i < 4; i++) b = lanes[i] > b ? lanes[i] : b;
    for (; c < k; c++) {
        double sc = (double)(cnt[c] + c1[c] + c2[c] + c3[c]) * dens[c];
        b = sc > b ? sc : b;
    }
    return b;
}

FG_TARGET_AVX512 static double best_avx512(const uint32_t *cnt, uint32_t stride,
                                                                               const double *dens, uint32_t k)
{
    const uint32_t *c1 = cnt + stride, *c2 = cnt + 2 * (size_t)stride, *c3 = cnt + 3 * (size_t)stride;
    __m512d best = _mm512_setzero_pd();
    for (uint32_t c = 0; c < k; c += 8) {
        /* the last step loads only the communities left (zeros elsewhere) */
        __mmask8 m = k - c >= 8 ? (__mmask8)0xff : (__mmask8)((1u << (k - c)) - 1);
        __m256i s = _mm256_add_epi32(
            _mm256_add_epi32(_mm256_maskz_loadu_epi32(m, cnt + c), _mm256_maskz_loadu_epi32(m, c1 + c)),
            _mm256_add_epi32(_mm256_maskz_loadu_epi32(m, c2 + c), _mm256_maskz_loadu_epi32(m, c3 + c)));
        best = _mm512_max_pd(best, _mm512_mul_pd(_mm512_cvtepu32_pd(s), _mm512_maskz_loadu_pd(m, dens + c)));
    }
    return _mm512_reduce_max_pd(best);
}

fg_i_fluid_best_fn fg_i_fluid_best_for(fg_isa want)
{
    fg_isa isa = fg_i_isa_cap(want);
    if (isa >= FG_ISA_AVX512) return best_avx512;
    if (isa >= FG_ISA_AVX2) return best_avx2;
    return fg_i_fluid_best_ref;
}

/* The same read-back from one row of 16-bit counts (the incremental mode's
 * table): max over c < k of row[c] * dens[c]. */
double fg_i_fluid_best16_ref(const uint16_t *row, const double *dens, uint32_t k)
{
    double best = 0.0;
    for (uint32_t c = 0; c < k; c++) {
        double sc = (double)row[c] * dens[c];
        best = sc > best ? sc : best;
    }
    return best;
}

FG_TARGET_AVX2 static double best16_avx2(const uint16_t *row, const double *dens, uint32_t k)
{
    __m256d best = _mm256_setzero_pd();
    uint32_t c = 0;
    for (; c + 4 <= k; c += 4) {
        __m128i s = _mm_cvtepu16_epi32(_mm_loadl_epi64((const __m128i *)(row + c)));
        best = _mm256_max_pd(best, _mm256_mul_pd(_mm256_cvtepi32_pd(s), _mm256_loadu_pd(dens + c)));
    }
    double lanes[4];
    _mm256_storeu_pd(lanes, best);
    double b = lanes[0];
    for (int i = 1; i < 4; i++) b = lanes[i] > b ? lanes[i] : b;
    for (; c < k; c++) {
        double sc = (double)row[c] * dens[c];
        b = sc > b ? sc : b;
    }
    return b;
}

FG_TARGET_AVX512 static double best16_avx512(const uint16_t *row,
                                                                                          const double *dens,
                                                                                          uint32_t k)
{
    __m512d best = _mm512_setzero_pd();
    for (uint32_t c = 0; c < k; c += 8) {
        __mmask8 m = k - c >= 8 ? (__mmask8)0xff : (__mmask8)((1u << (k - c)) - 1);
        __m256i s = _mm256_cvtepu16_epi32(_mm_maskz_loadu_epi16(m, row + c));
        best = _mm512_max_pd(best, _mm512_mul_pd(_mm512_cvtepu32_pd(s), _mm512_maskz_loadu_pd(m, dens + c)));
    }
    return _mm512_reduce_max_pd(best);
}

fg_i_fluid_best16_fn fg_i_fluid_best16_for(fg_isa want)
{
    fg_isa isa = fg_i_isa_cap(want);
    if (isa >= FG_ISA_AVX512) return best16_avx512;
    if (isa >= FG_ISA_AVX2) return best16_avx2;
    return fg_i_fluid_best16_ref;
}
