/* Reference VGG16 forward and FNE in plain loops (see ref_nn.h). Products are
 * accumulated in double, so this path's own rounding (one float rounding per
 * output) is far below the f32 error of the path under test. Zero inputs
 * (half of every post-ReLU activation) are skipped: it changes no sum.
 * Cost: 15.5 G multiply-adds per 224x224 image, a few seconds on 2 cores. */
#include "ref_nn.h"

#include "fnegraph/mem.h"
#include "fnegraph/rng.h"

#include <math.h>

#include <stdlib.h>
#include <string.h>

enum { REF_MAX_C = 512 };

/* The reference is not the code under test: its two hot loops are left
 * uninstrumented so the sanitizer build can afford a 224x224 image. */
#define REF_HOT __attribute__((no_sanitize_address, no_sanitize_undefined)) /* widest conv output */

REF_HOT void fg_ref_conv3x3_relu(const float *in, int n, int h, int w, int cin, const float *k,
                         const float *bias, int cout, float *out)
{
    if (cout > REF_MAX_C) abort(); /* a misuse of the reference, not a test result */
#pragma omp parallel for collapse(2) schedule(dynamic, 1)
    for (int i = 0; i < n; i++)
        for (int y = 0; y < h; y++) {
            double acc[REF_MAX_C];
            for (int x = 0; x < w; x++) {
                for (int o = 0; o < cout; o++) acc[o] = bias[o];
                for (int ky = 0; ky < 3; ky++) {
                    int yy = y + ky - 1;
                    if (yy < 0 || yy >= h) continue;
                    for (int kx = 0; kx < 3; kx++) {
                        int xx = x + kx - 1;
                        if (xx < 0 || xx >= w) continue;
                        const float *px = in + (((size_t)i * h + yy) * w + xx) * cin;
                        const float *kk = k + (size_t)(ky * 3 + kx) * cin * cout;
                        for (int c = 0; c < cin; c++) {
                            double v = px[c];
                            if (v == 0) continue;
                            const float *kr = kk + (size_t)c * cout;
#pragma omp simd
                            for (int o = 0; o < cout; o++) acc[o] += v * kr[o];
                        }
                    }
                }
                float *po = out + (((size_t)i * h + y) * w + x) * cout;
                for (int o = 0; o < cout; o++) po[o] = acc[o] > 0 ? (float)acc[o] : 0.0f;
            }
        }
}

void fg_ref_maxpool2(const float *in, int n, int h, int w, int c, float *out)
{
    int ho = h / 2, wo = w / 2;
#pragma omp parallel for collapse(2)
    for (int i = 0; i < n; i++)
        for (int y = 0; y < ho; y++)
            for (int x = 0; x < wo; x++)
                for (int ch = 0; ch < c; ch++) {
                    float m = in[(((size_t)i * h + 2 * y) * w + 2 * x) * c + ch];
                    for (int d = 1; d < 4; d++) {
                        float v = in[(((size_t)i * h + 2 * y + d / 2) * w + 2 * x + d % 2) * c + ch];
                        if (v > m) m = v;
                    }
                    out[(((size_t)i * ho + y) * wo + x) * c + ch] = m;
                }
}

REF_HOT void fg_ref_dense_relu(const float *in, int n, int nin, const float *k, const float *bias, int nout,
                       float *out)
{
    enum { BLK = 256 };
    int nblk = (nout + BLK - 1) / BLK;
#pragma omp parallel for collapse(2) schedule(dynamic, 1)
    for (int i = 0; i < n; i++)
        for (int b = 0; b < nblk; b++) {
            int o0 = b * BLK, o1 = o0 + BLK < nout ? o0 + BLK : nout;
            double acc[BLK];
            for (int o = o0; o < o1; o++) acc[o - o0] = bias[o];
            for (int j = 0; j < nin; j++) {
                double v = in[(size_t)i * nin + j];
                if (v == 0) continue;
                const float *kr = k + (size_t)j * nout;
#pragma omp simd
                for (int o = o0; o < o1; o++) acc[o - o0] += v * kr[o];
            }
            for (int o = o0; o < o1; o++)
                out[(size_t)i * nout + o] = acc[o - o0] > 0 ? (float)acc[o - o0] : 0.0f;
        }
}

void fg_ref_spatial_mean(const float *in, int n, int h, int w, int c, float *out, int out_stride)
{
    for (int i = 0; i < n; i++)
        for (int ch = 0; ch < c; ch++) {
            double s = 0;
            for (size_t p = 0; p < (size_t)h * w; p++) s += in[((size_t)i * h * w + p) * c + ch];
            out[(size_t)i * out_stride + ch] = (float)(s / ((double)h * w));
        }
}

fg_status fg_ref_vgg16_fne(const fg_weights *w, const float *input, int n, int hw, float *fne)
{
    fg_status st = FG_OK;
    const bool full = hw == FG_VGG16_INPUT;
    const int nl = full ? FG_VGG16_LAYERS : FG_VGG16_CONV_LAYERS;
    const int dim = full ? FG_FNE_DIM : fg_vgg16_layers[FG_VGG16_CONV_LAYERS].fne_offset;
    if (!full && (hw < 32 || hw % 32 != 0))
        return FG_FAIL(FG_EINVAL, "fg_ref_vgg16_fne: input size %d is not 224 or a multiple of 32", hw);
    size_t most = (size_t)hw * hw * 64; /* the largest activation: conv1 */
    float *a = fg_alloc(most, sizeof *a), *b = fg_alloc(most, sizeof *b);
    if (!a || !b) {
        st = FG_FAIL(FG_ENOMEM, "fg_ref_vgg16_fne: out of memory");
        goto done;
    }
    for (int i = 0; i < n; i++) {
        const float *x = input + (size_t)i * hw * hw * 3; /* the current activation */
        float *row = fne + (size_t)i * dim;
        int s = hw, c = 3;
        for (int l = 0; l < nl; l++) {
            const fg_vgg16_layer *L = &fg_vgg16_layers[l];
            float *o = x == a ? b : a;
            if (L->conv) {
                fg_ref_conv3x3_relu(x, 1, s, s, c, w->kernel[l], w->bias[l], L->cout, o);
                fg_ref_spatial_mean(o, 1, s, s, L->cout, row + L->fne_offset, dim);
                x = o;
                c = L->cout;
                if (L->pool_after && l + 1 < nl) {
                    o = x == a ? b : a;
                    fg_ref_maxpool2(x, 1, s, s, c, o);
                    x = o;
                    s /= 2;
                }
            } else {
                fg_ref_dense_relu(x, 1, s * s * c, w->kernel[l], w->bias[l], L->cout, o);
                memcpy(row + L->fne_offset, o, (size_t)L->cout * sizeof *o);
                x = o;
                s = 1;
                c = L->cout;
            }
        }
    }
done:
    fg_free(a);
    fg_free(b);
    return st;
}

void fg_ref_random_biases(fg_weights *w, uint64_t seed, double scale)
{
    for (int l = 0; l < FG_VGG16_LAYERS; l++) {
        fg_rng r;
        fg_rng_seed_stream(&r, seed, (uint64_t)l);
        if (!w->bias[l]) continue;
        for (int o = 0; o < fg_vgg16_layers[l].cout; o++) w->bias[l][o] = (float)(scale * fg_rng_normal(&r));
    }
}

void fg_ref_random_input(float *x, size_t n, uint64_t seed)
{
    fg_rng r;
    fg_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++) x[i] = (float)(256.0 * fg_rng_uniform(&r) - 128.0);
}

double fg_ref_err_scaled(const float *a, const float *b, size_t n)
{
    double d = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs((double)a[i] - b[i]);
        if (e > d || e != e) d = e != e ? INFINITY : e;
        if (fabs(b[i]) > m) m = fabs(b[i]);
    }
    return m > 0 ? d / m : d;
}

double fg_ref_fne_err(const float *a, const float *b, int rows, int dim, double floor_of_max,
                      double per_layer[FG_VGG16_LAYERS])
{
    double worst = 0;
    if (per_layer)
        for (int l = 0; l < FG_VGG16_LAYERS; l++) per_layer[l] = 0;
    for (int l = 0; l < FG_VGG16_LAYERS; l++) {
        const fg_vgg16_layer *L = &fg_vgg16_layers[l];
        if (L->fne_offset + L->cout > dim) continue;
        for (int i = 0; i < rows; i++) {
            const float *pa = a + (size_t)i * dim + L->fne_offset, *pb = b + (size_t)i * dim + L->fne_offset;
            double m = 0, mean = 0;
            for (int f = 0; f < L->cout; f++) {
                if (fabs(pb[f]) > m) m = fabs(pb[f]);
                mean += fabs(pb[f]) / L->cout;
            }
            double fl = floor_of_max > 0 ? floor_of_max * m : mean;
            for (int f = 0; f < L->cout; f++) {
                double den = fabs(pb[f]) > fl ? fabs(pb[f]) : fl;
                double e = fabs((double)pa[f] - pb[f]);
                e = e != e ? INFINITY : den > 0 ? e / den : e;
                if (e > worst) worst = e;
                if (per_layer && e > per_layer[l]) per_layer[l] = e;
            }
        }
    }
    return worst;
}
