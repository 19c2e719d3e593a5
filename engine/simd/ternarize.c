/* Ternarization of standardized features into bit-planes (docs/method.md §4), and
 * the accumulation kernel of the standardization statistics.
 *
 * Ternarize, per feature f of one image:
 *   z = (x[f] - m[f]) / s[f] in float (0 where s[f] == 0),
 *   +1 (positive plane) when z > hi, -1 (negative plane) when z < lo, strict.
 * Subtraction and division are correctly rounded IEEE operations in both
 * twins, so the AVX-512 kernel (compares straight into mask registers, 16
 * features a compare, 4 masks a 64-bit word) and the scalar _ref give the
 * same bits, including at and around the thresholds. The AVX-512 kernel
 * walks 8 images side by side (8 streams in flight: one sequential stream a
 * core reached ~75 % of the memory read bandwidth here, 8 reach ~90 %).
 * O(d) per image; the driver (engine/graph/standardize.c) runs it over
 * groups of images in parallel, a memory-bound pass over the floats.
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


static int64_t row_ref(const float *x, const float *m, const float *s, int64_t d, float lo, float hi,
                       uint64_t *pos, uint64_t *neg)
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

int64_t fg_i_ternarize_rows_ref(const float *x, int64_t nr, int64_t d, const float *m,
                                const float *s, float lo, float hi, uint64_t *bits)
{
    const int64_t words = (d + 63) / 64;
    for (int64_t r = 0; r < nr; r++) {
        uint64_t *pos = bits + r * 2 * words;
        int64_t b = row_ref(x + r * d, m, s, d, lo, hi, pos, pos + words);
        if (b >= 0) return r * d + b;
    }
    return -1;
}

enum { TERNARIZE_GROUP = 8 }; /* rows a pass of the AVX-512 kernel */

/* fpclass categories: QNaN 0x01, +Inf 0x08, -Inf 0x10, SNaN 0x80 */
enum { NONFINITE = 0x01 | 0x08 | 0x10 | 0x80 };

/* One 64-feature word w of `rows` rows (several streams in flight: a single
 * sequential stream does not reach the memory bandwidth on one core). Lanes
 * past d are masked off: masked loads never touch them and their bits are 0.
 * Inlined with constant rows and a full word for the main loop. */
FG_TARGET_AVX512 static inline __attribute__((always_inline)) void
word_avx512(const float *x, int rows, int64_t d, int64_t w, int full, const float *m, const float *s,
            __m512 vlo, __m512 vhi, uint64_t *p, uint64_t *q, uint64_t *nf)
{
    for (int k = 0; k < 4; k++) {
        int64_t f = w * 64 + k * 16, rem = d - f;
        __mmask16 lm = full || rem >= 16 ? (__mmask16)0xffff : rem <= 0 ? 0 : (__mmask16)((1u << rem) - 1);
        __m512 vs = _mm512_maskz_loadu_ps(lm, s + f), vm = _mm512_maskz_loadu_ps(lm, m + f);
        __mmask16 nz = _mm512_mask_cmp_ps_mask(lm, vs, _mm512_setzero_ps(), _CMP_NEQ_UQ);
        for (int r = 0; r < rows; r++) {
            __m512 vx = _mm512_maskz_loadu_ps(lm, x + r * d + f);
            __m512 z = _mm512_maskz_div_ps(nz, _mm512_sub_ps(vx, vm), vs);
            p[r] |= (uint64_t)_mm512_mask_cmp_ps_mask(lm, z, vhi, _CMP_GT_OQ) << (16 * k);
            q[r] |= (uint64_t)_mm512_mask_cmp_ps_mask(lm, z, vlo, _CMP_LT_OQ) << (16 * k);
            nf[r] |= (uint64_t)_mm512_mask_fpclass_ps_mask(lm, vx, NONFINITE) << (16 * k);
        }
    }
}

/* up to TERNARIZE_GROUP rows; returns r * d + f of the first non-finite value or -1 */
FG_TARGET_AVX512 static int64_t rows_avx512(const float *x, int rows, int64_t d, const float *m,
                                            const float *s, float lo, float hi, uint64_t *bits)
{
    const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
    const int64_t full = d / 64, words = (d + 63) / 64;
    int64_t bad = -1;
    for (int64_t w = 0; w < words; w++) {
        uint64_t p[TERNARIZE_GROUP] = {0}, q[TERNARIZE_GROUP] = {0}, nf[TERNARIZE_GROUP] = {0};
        if (w < full && rows == TERNARIZE_GROUP)
            word_avx512(x, TERNARIZE_GROUP, d, w, 1, m, s, vlo, vhi, p, q, nf);
        else
            word_avx512(x, rows, d, w, 0, m, s, vlo, vhi, p, q, nf);
        for (int r = 0; r < rows; r++) {
            bits[r * 2 * words + w] = p[r];
            bits[r * 2 * words + words + w] = q[r];
            int64_t at = nf[r] ? r * d + w * 64 + __builtin_ctzll(nf[r]) : -1;
            if (at >= 0 && (bad < 0 || at < bad)) bad = at;
        }
    }
    return bad;
}

FG_TARGET_AVX512 int64_t fg_i_ternarize_rows_avx512(const float *x, int64_t nr, int64_t d,
                                                    const float *m, const float *s, float lo,
                                                    float hi, uint64_t *bits)
{
    const int64_t words = (d + 63) / 64;
    for (int64_t r0 = 0; r0 < nr; r0 += TERNARIZE_GROUP) {
        int g = nr - r0 < TERNARIZE_GROUP ? (int)(nr - r0) : TERNARIZE_GROUP;
        int64_t b = rows_avx512(x + r0 * d, g, d, m, s, lo, hi, bits + r0 * 2 * words);
        if (b >= 0) return r0 * d + b;
    }
    return -1;
}

fg_i_ternarize_fn fg_i_ternarize_for(fg_isa want)
{
    if (fg_i_isa_cap(want) >= FG_ISA_AVX512) return fg_i_ternarize_rows_avx512;
    return fg_i_ternarize_rows_ref;
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

fg_i_stats_fn fg_i_stats_for(fg_isa want)
{
    if (fg_i_isa_cap(want) >= FG_ISA_AVX512) return fg_i_stats_accumulate_avx512;
    return fg_i_stats_accumulate_ref;
}
