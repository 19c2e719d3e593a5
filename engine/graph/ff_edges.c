/* Feature-feature edges from the VGG16 weights (docs/method.md §5; the paper links
 * features of consecutive layers whose aggregated weight is an outlier of the
 * output's weight distribution).
 *
 * Aggregation (once per weight set, fg_ff_weights_aggregate): for each of the
 * 14 layer pairs, W(j, i) = sum over the 3x3 kernel (conv), over the 49 pool5
 * positions in Keras HWC order (fc6), or the weight itself (fc7); then the
 * mean and population std of W(j, .) per output j, from sums of the data
 * shifted by row 0 (one pass; a constant output gets std exactly 0). One pass
 * over the 553 MB of kernels, the 411 MB fc1 pass bandwidth-bound and
 * parallel over inputs; AVX-512 kernels with scalar _ref twins, sums in
 * double in a fixed order, so kernels and thread counts agree bit for bit.
 *
 * Edges (once per k, fg_ff_edges_compute): per pair, sign bitmaps of
 * W > mean + k std (positive) and W < mean - k std (negative), strict, rows
 * by input and transposed rows by output; then the feature graph on 2F
 * vertices (positive f, negative F + f) by a degree pass and a fill pass
 * (set bits emitted by AVX-512 compress, or a scalar ctz loop, its twin).
 * For feature x of layer l the sorted neighbour list is four runs:
 * lower layer positive ids, upper layer positive ids, lower negative, upper
 * negative. O(sum of n_in * n_out) = 20.5 M comparisons; the result does not
 * depend on the thread count. */
#include "graph/graph_internal.h"
#include "fnegraph/mem.h"
#include "simd/target.h"

#include <immintrin.h>
#include <math.h>
#include <omp.h>
#include <string.h>


/* ---- aggregation -------------------------------------------------------- */

static void aggregate_row_ref(const float *D, int npos, int cin, int cout, int i, double *Wi)
{
    for (int j = 0; j < cout; j++) Wi[j] = 0.0;
    for (int q = 0; q < npos; q++) {
        const float *r = D + ((size_t)q * (size_t)cin + (size_t)i) * (size_t)cout;
        for (int j = 0; j < cout; j++) Wi[j] += (double)r[j];
    }
}

enum { AGG_GROUP = 8 }; /* position rows folded in per load/store of the sums */

FG_TARGET_AVX512 static void aggregate_row_avx512(const float *D, int npos, int cin, int cout, int i,
                                                  double *Wi)
{
    for (int q0 = 0; q0 < npos; q0 += AGG_GROUP) {
        int g = npos - q0 < AGG_GROUP ? npos - q0 : AGG_GROUP;
        const float *r[AGG_GROUP];
        for (int k = 0; k < g; k++)
            r[k] = D + ((size_t)(q0 + k) * (size_t)cin + (size_t)i) * (size_t)cout;
        int j = 0;
        for (; j + 16 <= cout; j += 16) {
            __m512d a = q0 ? _mm512_loadu_pd(Wi + j) : _mm512_setzero_pd();
            __m512d b = q0 ? _mm512_loadu_pd(Wi + j + 8) : _mm512_setzero_pd();
            for (int k = 0; k < g; k++) {
                a = _mm512_add_pd(a, _mm512_cvtps_pd(_mm256_loadu_ps(r[k] + j)));
                b = _mm512_add_pd(b, _mm512_cvtps_pd(_mm256_loadu_ps(r[k] + j + 8)));
            }
            _mm512_storeu_pd(Wi + j, a);
            _mm512_storeu_pd(Wi + j + 8, b);
        }
        for (; j < cout; j++) {
            double a = q0 ? Wi[j] : 0.0;
            for (int k = 0; k < g; k++) a += (double)r[k][j];
            Wi[j] = a;
        }
    }
}

typedef void (*aggregate_row_fn)(const float *D, int npos, int cin, int cout, int i, double *Wi);
static aggregate_row_fn aggregate_row_for(fg_isa want)
{
    return fg_i_isa_cap(want) >= FG_ISA_AVX512 ? aggregate_row_avx512 : aggregate_row_ref;
}

void fg_i_ff_aggregate(const float *D, int npos, int cin, int cout, fg_isa isa, double *W)
{
    const aggregate_row_fn row = aggregate_row_for(isa);
#pragma omp parallel for schedule(static)
    for (int i = 0; i < cin; i++) row(D, npos, cin, cout, i, W + (size_t)i * (size_t)cout);
}

/* ---- per-output statistics ---------------------------------------------- */

/* Shifted sums over rows [0, n_in) for columns [j0, j1): t = W[i][j] - W[0][j],
 * s1 += t, s2 += t*t in row order; copy (with W32) gets the rows as read. */
static void colsums_ref(const double *W64, const float *W32, int n_in, int n_out, int j0, int j1,
                        double *s1, double *s2, float *copy)
{
    for (int i = 0; i < n_in; i++)
        for (int j = j0; j < j1; j++) {
            size_t at = (size_t)i * (size_t)n_out + (size_t)j;
            double t = W64 ? W64[at] - W64[j] : (double)W32[at] - (double)W32[j];
            s1[j] += t;
            s2[j] += t * t;
            if (copy) copy[at] = W32[at];
        }
}

enum { COLSUM_GROUP = 4 }; /* rows folded into the sums per load/store of them */

FG_TARGET_AVX512 static void colsums_avx512(const double *W64, const float *W32, int n_in, int n_out,
                                            int j0, int j1, double *s1, double *s2, float *copy)
{
    for (int i0 = 0; i0 < n_in; i0 += COLSUM_GROUP) {
        int g = n_in - i0 < COLSUM_GROUP ? n_in - i0 : COLSUM_GROUP;
        for (int j = j0; j < j1; j += 8) {
            __mmask8 lm = j1 - j >= 8 ? (__mmask8)0xff : (__mmask8)((1u << (j1 - j)) - 1);
            __m512d a1 = _mm512_maskz_loadu_pd(lm, s1 + j), a2 = _mm512_maskz_loadu_pd(lm, s2 + j);
            __m512d base = W64 ? _mm512_maskz_loadu_pd(lm, W64 + j)
                               : _mm512_cvtps_pd(_mm256_maskz_loadu_ps(lm, W32 + j));
            for (int r = 0; r < g; r++) {
                size_t at = (size_t)(i0 + r) * (size_t)n_out + (size_t)j;
                __m512d v;
                if (W64) {
                    v = _mm512_maskz_loadu_pd(lm, W64 + at);
                } else {
                    __m256 f = _mm256_maskz_loadu_ps(lm, W32 + at);
                    if (copy) _mm256_mask_storeu_ps(copy + at, lm, f);
                    v = _mm512_cvtps_pd(f);
                }
                __m512d t = _mm512_sub_pd(v, base);
                a1 = _mm512_add_pd(a1, t);
                a2 = _mm512_add_pd(a2, _mm512_mul_pd(t, t));
            }
            _mm512_mask_storeu_pd(s1 + j, lm, a1);
            _mm512_mask_storeu_pd(s2 + j, lm, a2);
        }
    }
}

typedef void (*colsums_fn)(const double *W64, const float *W32, int n_in, int n_out, int j0, int j1,
                           double *s1, double *s2, float *copy);
static colsums_fn colsums_for(fg_isa want)
{
    return fg_i_isa_cap(want) >= FG_ISA_AVX512 ? colsums_avx512 : colsums_ref;
}

void fg_i_ff_column_stats(const double *W64, const float *W32, int n_in, int n_out, fg_isa isa,
                          double *mean, double *std, float *copy)
{
    const colsums_fn colsums = colsums_for(isa);
#pragma omp parallel
    {
        /* a contiguous range of columns a thread: each column summed in row order */
        int nt = omp_get_num_threads(), tid = omp_get_thread_num();
        int chunk = ((n_out + nt - 1) / nt + 15) / 16 * 16;
        int j0 = tid * chunk, j1 = j0 + chunk < n_out ? j0 + chunk : n_out;
        for (int j = j0; j < j1; j++) mean[j] = std[j] = 0.0;
        if (j0 < j1) {
            colsums(W64, W32, n_in, n_out, j0, j1, mean, std, copy);
        }
        for (int j = j0; j < j1; j++) {
            double s1 = mean[j], m1 = s1 / n_in, var = (std[j] - s1 * m1) / n_in;
            mean[j] = (W64 ? W64[j] : (double)W32[j]) + m1;
            std[j] = var > 0 ? sqrt(var) : 0.0;
        }
    }
}

/* ---- sign bitmaps ------------------------------------------------------- */

static void signs_row_ref(const double *w64, const float *w32, int n_out, const double *lo,
                          const double *hi, uint64_t *pos, uint64_t *neg)
{
    for (int w = 0; w * 64 < n_out; w++) {
        uint64_t p = 0, q = 0;
        int j1 = w * 64 + 64 < n_out ? w * 64 + 64 : n_out;
        for (int j = w * 64; j < j1; j++) {
            double v = w64 ? w64[j] : (double)w32[j];
            p |= (uint64_t)(v > hi[j]) << (j & 63);
            q |= (uint64_t)(v < lo[j]) << (j & 63);
        }
        pos[w] = p;
        neg[w] = q;
    }
}

FG_TARGET_AVX512 static void signs_row_avx512(const double *w64, const float *w32, int n_out,
                                              const double *lo, const double *hi, uint64_t *pos,
                                              uint64_t *neg)
{
    for (int w = 0; w * 64 < n_out; w++) {
        uint64_t p = 0, q = 0;
        for (int k = 0; k < 8; k++) {
            int j = w * 64 + k * 8, rem = n_out - j;
            if (rem <= 0) break;
            __mmask8 lm = rem >= 8 ? (__mmask8)0xff : (__mmask8)((1u << rem) - 1);
            __m512d v = w64 ? _mm512_maskz_loadu_pd(lm, w64 + j)
                            : _mm512_cvtps_pd(_mm256_maskz_loadu_ps(lm, w32 + j));
            p |= (uint64_t)_mm512_mask_cmp_pd_mask(lm, v, _mm512_maskz_loadu_pd(lm, hi + j), _CMP_GT_OQ)
                 << (8 * k);
            q |= (uint64_t)_mm512_mask_cmp_pd_mask(lm, v, _mm512_maskz_loadu_pd(lm, lo + j), _CMP_LT_OQ)
                 << (8 * k);
        }
        pos[w] = p;
        neg[w] = q;
    }
}

typedef void (*signs_row_fn)(const double *w64, const float *w32, int n_out, const double *lo,
                             const double *hi, uint64_t *pos, uint64_t *neg);
static signs_row_fn signs_row_for(fg_isa want)
{
    return fg_i_isa_cap(want) >= FG_ISA_AVX512 ? signs_row_avx512 : signs_row_ref;
}

void fg_i_ff_signs(const double *W64, const float *W32, int n_in, int n_out, const double *lo,
                   const double *hi, fg_isa isa, uint64_t *pos, uint64_t *neg)
{
    const signs_row_fn signs_row = signs_row_for(isa);
    size_t words = ((size_t)n_out + 63) / 64;
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n_in; i++) {
        const double *r64 = W64 ? W64 + (size_t)i * n_out : NULL;
        const float *r32 = W64 ? NULL : W32 + (size_t)i * n_out;
        signs_row(r64, r32, n_out, lo, hi, pos + i * words, neg + i * words);
    }
}

/* ---- fg_ff_weights ------------------------------------------------------ */

void fg_ff_weights_destroy(fg_ff_weights *a)
{
    if (!a) return;
    for (int p = 0; p < FG_FF_PAIRS; p++) {
        fg_free(a->w64[p]);
        fg_free(a->w32[p]);
        fg_free(a->mean[p]);
        fg_free(a->std[p]);
    }
    memset(a, 0, sizeof *a);
}

fg_status fg_i_ff_weights_aggregate(const fg_weights *w, fg_isa isa, fg_ff_weights *out)
{
    fg_status st = FG_OK;
    if (!out) return FG_FAIL(FG_EINVAL, "fg_ff_weights_aggregate: null output");
    memset(out, 0, sizeof *out);
    if (!w) return FG_FAIL(FG_EINVAL, "fg_ff_weights_aggregate: null weights");
    for (int l = 1; l < FG_VGG16_LAYERS; l++)
        if (!w->kernel[l])
            return FG_FAIL(FG_EINVAL, "feature-feature edges: the weights have no kernel for %s (%s)",
                           fg_vgg16_layers[l].name, fg_vgg16_layers[l].keras);
    for (int p = 0; p < FG_FF_PAIRS; p++) {
        const fg_vgg16_layer *in = &fg_vgg16_layers[p], *L = &fg_vgg16_layers[p + 1];
        int npos = L->conv ? 9 : L->cin / in->cout; /* fc6: 49 positions of pool5 */
        if (npos * in->cout != L->cin * (L->conv ? 9 : 1)) {
            st = FG_FAIL(FG_EINTERNAL, "layer table: %s has %d inputs, %s has %d outputs", L->name,
                         L->cin, in->name, in->cout);
            goto done;
        }
        out->n_in[p] = in->cout;
        out->n_out[p] = L->cout;
        size_t nw = (size_t)in->cout * (size_t)L->cout;
        out->mean[p] = fg_alloc((size_t)L->cout, sizeof(double));
        out->std[p] = fg_alloc((size_t)L->cout, sizeof(double));
        if (npos > 1) out->w64[p] = fg_i_alloc_huge(nw, sizeof(double));
        else out->w32[p] = fg_i_alloc_huge(nw, sizeof(float));
        if (!out->mean[p] || !out->std[p] || (!out->w64[p] && !out->w32[p])) {
            st = FG_ENOMEM;
            goto done;
        }
        if (npos > 1) {
            fg_i_ff_aggregate(w->kernel[p + 1], npos, in->cout, L->cout, isa, out->w64[p]);
            fg_i_ff_column_stats(out->w64[p], NULL, in->cout, L->cout, isa, out->mean[p], out->std[p], NULL);
        } else { /* fc7: the statistics pass also makes the copy */
            fg_i_ff_column_stats(NULL, w->kernel[p + 1], in->cout, L->cout, isa, out->mean[p], out->std[p],
                                 out->w32[p]);
        }
    }
done:
    if (st != FG_OK) fg_ff_weights_destroy(out);
    return st;
}

fg_status fg_ff_weights_aggregate(const fg_weights *w, fg_ff_weights *out)
{
    return fg_i_ff_weights_aggregate(w, fg_cpu_isa(), out);
}

/* ---- fg_ff_edges -------------------------------------------------------- */

void fg_ff_edges_destroy(fg_ff_edges *e)
{
    if (!e) return;
    fg_csr_destroy(&e->graph);
    memset(e, 0, sizeof *e);
}

/* The sign bitmaps of one pair, by input row and by output row. */
typedef struct pair_bits {
    int n_in, n_out, wi, wo;          /* wi = words of a row over inputs, wo over outputs */
    uint64_t *pos, *neg;              /* [n_in][wo] */
    uint64_t *pos_t, *neg_t;          /* [n_out][wi] */
} pair_bits;

static uint64_t popcount_words(const uint64_t *b, int n)
{
    uint64_t c = 0;
    for (int w = 0; w < n; w++) c += (uint64_t)__builtin_popcountll(b[w]);
    return c;
}

/* transpose: bit j of row i -> bit i of row j; parallel over output words */
static void transpose_bits(const uint64_t *src, int rows, int wsrc, uint64_t *dst, int wdst)
{
#pragma omp parallel for schedule(dynamic, 1)
    for (int jw = 0; jw < wsrc; jw++)
        for (int i = 0; i < rows; i++) {
            uint64_t b = src[(size_t)i * wsrc + jw];
            while (b) {
                int j = jw * 64 + __builtin_ctzll(b);
                b &= b - 1;
                dst[(size_t)j * wdst + (i >> 6)] |= 1ull << (i & 63);
            }
        }
}

/* the positions of the set bits, plus base, in ascending order */
static uint32_t *emit_ref(uint32_t *out, const uint64_t *bits, int words, uint32_t base)
{
    for (int w = 0; w < words; w++) {
        uint64_t b = bits[w];
        while (b) {
            *out++ = base + (uint32_t)(w * 64 + __builtin_ctzll(b));
            b &= b - 1;
        }
    }
    return out;
}

/* the same, 16 bits a compress: no branch per bit */
FG_TARGET_AVX512_POPCNT static uint32_t *
emit_avx512(uint32_t *out, const uint64_t *bits, int words, uint32_t base)
{
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (int w = 0; w < words; w++) {
        uint64_t b = bits[w];
        for (int k = 0; k < 4; k++) {
            __mmask16 m = (__mmask16)(b >> (16 * k));
            __m512i v = _mm512_add_epi32(iota, _mm512_set1_epi32((int)(base + (uint32_t)(w * 64 + 16 * k))));
            int c = _mm_popcnt_u32(m);
            _mm512_mask_storeu_epi32(out, (__mmask16)((1u << c) - 1), _mm512_maskz_compress_epi32(m, v));
            out += c;
        }
    }
    return out;
}

typedef uint32_t *(*emit_fn)(uint32_t *out, const uint64_t *bits, int words, uint32_t base);
static emit_fn emit_for(fg_isa want)
{
    return fg_i_isa_cap(want) >= FG_ISA_AVX512 ? emit_avx512 : emit_ref;
}

fg_status fg_i_ff_edges_compute(const fg_ff_weights *a, double k, fg_isa isa, fg_ff_edges *out)
{
    fg_status st = FG_OK;
    pair_bits pb[FG_FF_PAIRS];
    double *lo = NULL, *hi = NULL;
    memset(pb, 0, sizeof pb);
    if (!out) return FG_FAIL(FG_EINVAL, "fg_ff_edges_compute: null output");
    memset(out, 0, sizeof *out);
    if (!a || !a->mean[0]) return FG_FAIL(FG_EINVAL, "fg_ff_edges_compute: no aggregated weights");
    if (!isfinite(k) || k < 0) return FG_FAIL(FG_EINVAL, "feature-feature edges: k = %g, need a finite k >= 0", k);
    out->k = k;
    lo = fg_alloc(4096, sizeof *lo);
    hi = fg_alloc(4096, sizeof *hi);
    if (!lo || !hi) {
        st = FG_ENOMEM;
        goto done;
    }
    for (int p = 0; p < FG_FF_PAIRS; p++) {
        pair_bits *b = &pb[p];
        b->n_in = a->n_in[p];
        b->n_out = a->n_out[p];
        b->wi = (b->n_in + 63) / 64;
        b->wo = (b->n_out + 63) / 64;
        if (b->n_out > 4096) {
            st = FG_FAIL(FG_EINTERNAL, "layer pair %d: %d outputs", p, b->n_out);
            goto done;
        }
        b->pos = fg_alloc((size_t)b->n_in * b->wo, sizeof(uint64_t));
        b->neg = fg_alloc((size_t)b->n_in * b->wo, sizeof(uint64_t));
        b->pos_t = fg_calloc((size_t)b->n_out * b->wi, sizeof(uint64_t));
        b->neg_t = fg_calloc((size_t)b->n_out * b->wi, sizeof(uint64_t));
        if (!b->pos || !b->neg || !b->pos_t || !b->neg_t) {
            st = FG_ENOMEM;
            goto done;
        }
        for (int j = 0; j < b->n_out; j++) {
            double m = a->mean[p][j], s = a->std[p][j];
            /* a constant output (std 0) has no outlier: no edge at any k */
            hi[j] = s > 0 ? m + k * s : INFINITY;
            lo[j] = s > 0 ? m - k * s : -INFINITY;
        }
        fg_i_ff_signs(a->w64[p], a->w32[p], b->n_in, b->n_out, lo, hi, isa, b->pos, b->neg);
        transpose_bits(b->pos, b->n_in, b->wo, b->pos_t, b->wi);
        transpose_bits(b->neg, b->n_in, b->wo, b->neg_t, b->wi);
        out->n_pairs_pos[p] = popcount_words(b->pos, b->n_in * b->wo);
        out->n_pairs_neg[p] = popcount_words(b->neg, b->n_in * b->wo);
        out->n_pairs += out->n_pairs_pos[p] + out->n_pairs_neg[p];
    }

    /* the feature graph: degree of x+ = degree of x- = pairs of x with the layer
     * below (x as output) and the layer above (x as input) */
    const uint32_t F = FG_FNE_DIM;
    fg_csr *g = &out->graph;
    g->n_vertices = 2 * F;
    g->n_images = 0;
    g->offsets = fg_alloc(2 * (size_t)F + 1, sizeof *g->offsets);
    g->adj = fg_i_alloc_huge(4 * (size_t)out->n_pairs, sizeof *g->adj);
    if (!g->offsets || !g->adj) {
        st = FG_ENOMEM;
        goto done;
    }
#pragma omp parallel for schedule(static)
    for (uint32_t x = 0; x < F; x++) {
        int l = fg_vgg16_layer_of_feature((int)x), i = (int)x - fg_vgg16_layers[l].fne_offset;
        uint64_t deg = 0;
        if (l > 0) {
            const pair_bits *b = &pb[l - 1];
            deg += popcount_words(b->pos_t + (size_t)i * b->wi, b->wi) +
                   popcount_words(b->neg_t + (size_t)i * b->wi, b->wi);
        }
        if (l < FG_FF_PAIRS) {
            const pair_bits *b = &pb[l];
            deg += popcount_words(b->pos + (size_t)i * b->wo, b->wo) +
                   popcount_words(b->neg + (size_t)i * b->wo, b->wo);
        }
        g->offsets[x + 1] = deg;
        g->offsets[F + x + 1] = deg;
    }
    g->offsets[0] = 0;
    for (uint32_t u = 0; u < 2 * F; u++) g->offsets[u + 1] += g->offsets[u];
    if (g->offsets[2 * F] != 4 * out->n_pairs) {
        st = FG_FAIL(FG_EINTERNAL, "feature graph: %llu adjacency entries for %llu pairs",
                     (unsigned long long)g->offsets[2 * F], (unsigned long long)out->n_pairs);
        goto done;
    }
    const emit_fn emit = emit_for(isa);
#pragma omp parallel for schedule(dynamic, 64)
    for (uint32_t x = 0; x < F; x++) {
        int l = fg_vgg16_layer_of_feature((int)x), i = (int)x - fg_vgg16_layers[l].fne_offset;
        const pair_bits *lb = l > 0 ? &pb[l - 1] : NULL, *ub = l < FG_FF_PAIRS ? &pb[l] : NULL;
        uint32_t below = l > 0 ? (uint32_t)fg_vgg16_layers[l - 1].fne_offset : 0;
        uint32_t above = ub ? (uint32_t)fg_vgg16_layers[l + 1].fne_offset : 0;
        const uint64_t *lp = lb ? lb->pos_t + (size_t)i * lb->wi : NULL;
        const uint64_t *ln = lb ? lb->neg_t + (size_t)i * lb->wi : NULL;
        const uint64_t *up = ub ? ub->pos + (size_t)i * ub->wo : NULL;
        const uint64_t *un = ub ? ub->neg + (size_t)i * ub->wo : NULL;
        int lw = lb ? lb->wi : 0, uw = ub ? ub->wo : 0;
        /* x+: positive pairs reach positive vertices, negative pairs negative ones */
        uint32_t *o = g->adj + g->offsets[x];
        o = emit(o, lp, lw, below);
        o = emit(o, up, uw, above);
        o = emit(o, ln, lw, F + below);
        emit(o, un, uw, F + above);
        /* x-: the mirror image */
        o = g->adj + g->offsets[F + x];
        o = emit(o, ln, lw, below);
        o = emit(o, un, uw, above);
        o = emit(o, lp, lw, F + below);
        emit(o, up, uw, F + above);
    }
done:
    for (int p = 0; p < FG_FF_PAIRS; p++) {
        fg_free(pb[p].pos);
        fg_free(pb[p].neg);
        fg_free(pb[p].pos_t);
        fg_free(pb[p].neg_t);
    }
    fg_free(lo);
    fg_free(hi);
    if (st != FG_OK) fg_ff_edges_destroy(out);
    return st;
}

fg_status fg_ff_edges_compute(const fg_ff_weights *a, double k, fg_ff_edges *out)
{
    return fg_i_ff_edges_compute(a, k, fg_cpu_isa(), out);
}
