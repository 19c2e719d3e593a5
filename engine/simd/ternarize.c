/* Ternarization of standardized features into bit-planes (SPEC.md §4), and
 * the accumulation kernel of the standardization statistics.
 *
 * Ternarize, per feature f of one image:
 *   z = (x[f] - m[f]) / s[f] in float (0 where s[f] == 0),
 *   +1 (positive plane) when z > hi, -1 (negative plane) when z < lo, strict.
 * Subtraction and division are correctly rounded IEEE operations in both
 * twins, so the AVX-512 kernel (compares straight into mask registers, 16
 * features a compare, 4 masks a 64-bit word) and the scalar _ref give the
 * same bits, including at and around the thresholds. O(d) per image; the
 * driver (engine/graph/standardize.c) runs it over images in parallel, a
 * memory-bound pass over the floats.
 *
 * Statistics: for each feature, in row order, t = x - x0 (double),
 * s1 += t, s2 += t*t: the shifted-data sums (x0 = the first row) whose
 * variance has no catastrophic cancellation for data near x0 and is exactly 0
 * for a constant feature. The AVX-512 kernel handles 8 rows per pass over a
 * block of accumulators (in registers), keeping each lane's order of
 * additions that of the scalar twin. O(rows * features). */
#include "simd/ternarize.h"

#include <immintrin.h>
#include <math.h>

#define FG_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq")))

int64_t fg_i_ternarize_row_ref(const float *x, const float *m, const float *s, int64_t d, float lo,
                               float hi, uint64_t *pos, uint64_t *neg)
{
    int64_t words = (d + 63) / 64, bad = -1;
    for (int64_t w = 0; w < words; w++) {
        uint64_t p = 0, q = 0;
        int64_t f1 = w * 64 + 64 < d ? w * 64 + 64 : d;
        for (int64_t f = w * 64; f < f1; f++) {
            float z = s[f] != 0.0f ? (x[f] - m[f]) / s[f] : 0.0f;
            p |= (uint64_t)(z > hi) << (f & 63);
            q |= (uint64_t)(z < lo) << (f & 63);
            if (bad < 0 && !isfinite(x[f])) bad = f;
        }
        pos[w] = p;
        neg[w] = q;
    }
    return bad;
}

/* fpclass categories: QNaN 0x01, +Inf 0x08, -Inf 0x10, SNaN 0x80 */
enum { NONFINITE = 0x01 | 0x08 | 0x10 | 0x80 };

FG_TARGET_AVX512 int64_t fg_i_ternarize_row_avx512(const float *x, const float *m, const float *s,
                                                   int64_t d, float lo, float hi, uint64_t *pos,
                                                   uint64_t *neg)
{
    const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi), zero = _mm512_setzero_ps();
    int64_t full = d / 64, words = (d + 63) / 64, bad = -1;
    for (int64_t w = 0; w < full; w++) {
        uint64_t p = 0, q = 0, nf = 0;
        for (int k = 0; k < 4; k++) {
            int64_t f = w * 64 + k * 16;
            __m512 vx = _mm512_loadu_ps(x + f), vs = _mm512_loadu_ps(s + f);
            __mmask16 nz = _mm512_cmp_ps_mask(vs, zero, _CMP_NEQ_UQ);
            __m512 z = _mm512_maskz_div_ps(nz, _mm512_sub_ps(vx, _mm512_loadu_ps(m + f)), vs);
            p |= (uint64_t)_mm512_cmp_ps_mask(z, vhi, _CMP_GT_OQ) << (16 * k);
            q |= (uint64_t)_mm512_cmp_ps_mask(z, vlo, _CMP_LT_OQ) << (16 * k);
            nf |= (uint64_t)_mm512_fpclass_ps_mask(vx, NONFINITE) << (16 * k);
        }
        pos[w] = p;
        neg[w] = q;
        if (nf && bad < 0) bad = w * 64 + __builtin_ctzll(nf);
    }
    if (full < words) { /* the last, partial word: masked loads never touch past d */
        uint64_t p = 0, q = 0, nf = 0;
        for (int k = 0; k < 4; k++) {
            int64_t f = full * 64 + k * 16, rem = d - f;
            if (rem <= 0) break;
            __mmask16 lm = rem >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rem) - 1);
            __m512 vx = _mm512_maskz_loadu_ps(lm, x + f), vs = _mm512_maskz_loadu_ps(lm, s + f);
            __mmask16 nz = _mm512_mask_cmp_ps_mask(lm, vs, zero, _CMP_NEQ_UQ);
            __m512 z = _mm512_maskz_div_ps(nz, _mm512_sub_ps(vx, _mm512_maskz_loadu_ps(lm, m + f)), vs);
            p |= (uint64_t)_mm512_mask_cmp_ps_mask(lm, z, vhi, _CMP_GT_OQ) << (16 * k);
            q |= (uint64_t)_mm512_mask_cmp_ps_mask(lm, z, vlo, _CMP_LT_OQ) << (16 * k);
            nf |= (uint64_t)_mm512_mask_fpclass_ps_mask(lm, vx, NONFINITE) << (16 * k);
        }
        pos[full] = p;
        neg[full] = q;
        if (nf && bad < 0) bad = full * 64 + __builtin_ctzll(nf);
    }
    return bad;
}

fg_i_ternarize_fn fg_i_ternarize_kernel(fg_isa isa)
{
    if (isa == FG_ISA_AVX512 && fg_cpu_isa() == FG_ISA_AVX512) return fg_i_ternarize_row_avx512;
    return fg_i_ternarize_row_ref;
}

void fg_i_stats_accumulate_ref(const float *x, int64_t d, const int64_t *rows, int64_t nr,
                               int64_t f0, int64_t f1, const float *x0, double *s1, double *s2)
{
    for (int64_t k = 0; k < nr; k++) {
        const float *r = x + (rows ? rows[k] : k) * d;
        for (int64_t f = f0; f < f1; f++) {
            double t = (double)r[f] - (double)x0[f];
            s1[f] += t;
            s2[f] += t * t;
        }
    }
}

enum { STATS_GROUP = 8 }; /* rows folded into the accumulators per load/store of them */

FG_TARGET_AVX512 void fg_i_stats_accumulate_avx512(const float *x, int64_t d, const int64_t *rows,
                                                   int64_t nr, int64_t f0, int64_t f1,
                                                   const float *x0, double *s1, double *s2)
{
    for (int64_t k0 = 0; k0 < nr; k0 += STATS_GROUP) {
        int g = nr - k0 < STATS_GROUP ? (int)(nr - k0) : STATS_GROUP;
        const float *r[STATS_GROUP];
        for (int j = 0; j < g; j++) r[j] = x + (rows ? rows[k0 + j] : k0 + j) * d;
        int64_t f = f0;
        for (; f + 16 <= f1; f += 16) {
            __m512d a1 = _mm512_loadu_pd(s1 + f), b1 = _mm512_loadu_pd(s1 + f + 8);
            __m512d a2 = _mm512_loadu_pd(s2 + f), b2 = _mm512_loadu_pd(s2 + f + 8);
            __m512d ca = _mm512_cvtps_pd(_mm256_loadu_ps(x0 + f));
            __m512d cb = _mm512_cvtps_pd(_mm256_loadu_ps(x0 + f + 8));
            for (int j = 0; j < g; j++) {
                __m512d ta = _mm512_sub_pd(_mm512_cvtps_pd(_mm256_loadu_ps(r[j] + f)), ca);
                __m512d tb = _mm512_sub_pd(_mm512_cvtps_pd(_mm256_loadu_ps(r[j] + f + 8)), cb);
                a1 = _mm512_add_pd(a1, ta);
                b1 = _mm512_add_pd(b1, tb);
                a2 = _mm512_add_pd(a2, _mm512_mul_pd(ta, ta));
                b2 = _mm512_add_pd(b2, _mm512_mul_pd(tb, tb));
            }
            _mm512_storeu_pd(s1 + f, a1);
            _mm512_storeu_pd(s1 + f + 8, b1);
            _mm512_storeu_pd(s2 + f, a2);
            _mm512_storeu_pd(s2 + f + 8, b2);
        }
        for (; f < f1; f += 8) {
            int rem = f1 - f < 8 ? (int)(f1 - f) : 8;
            __mmask8 lm = (__mmask8)((1u << rem) - 1);
            __m512d a1 = _mm512_maskz_loadu_pd(lm, s1 + f), a2 = _mm512_maskz_loadu_pd(lm, s2 + f);
            __m512d ca = _mm512_cvtps_pd(_mm256_maskz_loadu_ps(lm, x0 + f));
            for (int j = 0; j < g; j++) {
                __m512d ta = _mm512_sub_pd(_mm512_cvtps_pd(_mm256_maskz_loadu_ps(lm, r[j] + f)), ca);
                a1 = _mm512_add_pd(a1, ta);
                a2 = _mm512_add_pd(a2, _mm512_mul_pd(ta, ta));
            }
            _mm512_mask_storeu_pd(s1 + f, lm, a1);
            _mm512_mask_storeu_pd(s2 + f, lm, a2);
        }
    }
}

fg_i_stats_fn fg_i_stats_kernel(fg_isa isa)
{
    if (isa == FG_ISA_AVX512 && fg_cpu_isa() == FG_ISA_AVX512) return fg_i_stats_accumulate_avx512;
    return fg_i_stats_accumulate_ref;
}
