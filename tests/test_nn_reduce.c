/* The FNE reduction (engine/nn/fne_reduce.c): the AVX-512 body against its
 * _ref twin bit for bit, and the spatial means in nhwc, nchw, nChw8c and
 * nChw16c (with padded channels) against a naive double sum over logical
 * indices; the result must not depend on the thread count. The bf16 bodies
 * likewise, and against the f32 ones on the same values. */
#include "fg_test.h"
#include "fnegraph/cpu.h"
#include "fnegraph/mem.h"
#include "fnegraph/rng.h"
#include "nn/fne_reduce.h"

#include <stdbool.h>
#include <string.h>

static void fill(float *p, size_t n, fg_rng *r)
{
    for (size_t i = 0; i < n; i++) {
        double u = fg_rng_uniform(r);
        p[i] = u < 0.4 ? 0.0f : (float)(100.0 * fg_rng_uniform(r)); /* post-ReLU-like */
    }
}

static void twins(fg_rng *r)
{
    static const int64_t lanes[] = {1, 3, 8, 15, 16, 17, 40, 64, 100, 128, 512};
    int cases = 0, equal = 0;
    for (size_t t = 0; t < sizeof lanes / sizeof *lanes; t++) {
        int64_t L = lanes[t], rows = 1 + (int64_t)fg_rng_below(r, 5), cols = 1 + (int64_t)fg_rng_below(r, 30);
        int64_t s_col = L + (int64_t)fg_rng_below(r, 3), s_row = cols * s_col + (int64_t)fg_rng_below(r, 5);
        size_t n = (size_t)(rows * s_row + L);
        float *p = fg_alloc(n, sizeof *p);
        double *a = fg_alloc((size_t)L, sizeof *a), *b = fg_alloc((size_t)L, sizeof *b);
        fill(p, n, r);
        for (int64_t j = 0; j < L; j++) a[j] = b[j] = 0.25 * (double)j;
        fg_i_fne_sum_ref(p, rows, cols, s_row, s_col, L, a);
        fg_i_fne_sum_avx512(p, rows, cols, s_row, s_col, L, b);
        cases++;
        equal += memcmp(a, b, (size_t)L * sizeof *a) == 0;
        CHECK(memcmp(a, b, (size_t)L * sizeof *a) == 0, "lanes %lld rows %lld cols %lld: avx512 != ref",
              (long long)L, (long long)rows, (long long)cols);
        fg_free(p);
        fg_free(a);
        fg_free(b);
    }
    printf("avx512 vs ref: %d/%d cases bit-identical\n", equal, cases);
}

static fg_i_fne_layout make_layout(int64_t n, int64_t c, int64_t h, int64_t w, int block, size_t *size);

/* The bf16 bodies: the AVX-512 one against its _ref twin bit for bit, and the
 * _ref one against the f32 _ref on the same values widened to float. */
static void twins_bf16(fg_rng *r)
{
    static const int64_t lanes[] = {1, 7, 8, 9, 16, 31, 32, 33, 64, 100, 512};
    int equal = 0, cases = 0;
    bool avx = fg_cpu_isa() >= FG_ISA_AVX512;
    for (size_t t = 0; t < sizeof lanes / sizeof *lanes; t++) {
        int64_t L = lanes[t], rows = 1 + (int64_t)fg_rng_below(r, 5), cols = 1 + (int64_t)fg_rng_below(r, 30);
        int64_t s_col = L + (int64_t)fg_rng_below(r, 3), s_row = cols * s_col + (int64_t)fg_rng_below(r, 5);
        size_t n = (size_t)(rows * s_row + L);
        uint16_t *p = fg_alloc(n, sizeof *p);
        float *pf = fg_alloc(n, sizeof *pf);
        double *a = fg_alloc((size_t)L, sizeof *a), *b = fg_alloc((size_t)L, sizeof *b);
        double *c = fg_alloc((size_t)L, sizeof *c);
        fill(pf, n, r);
        for (size_t i = 0; i < n; i++) { /* truncate to bf16, keep the float it stands for */
            uint32_t u;
            memcpy(&u, &pf[i], sizeof u);
            p[i] = (uint16_t)(u >> 16);
            u &= 0xffff0000u;
            memcpy(&pf[i], &u, sizeof u);
        }
        for (int64_t j = 0; j < L; j++) a[j] = b[j] = c[j] = 0.5 * (double)j;
        fg_i_fne_sum_bf16_ref(p, rows, cols, s_row, s_col, L, a);
        fg_i_fne_sum_ref(pf, rows, cols, s_row, s_col, L, c);
        CHECK(memcmp(a, c, (size_t)L * sizeof *a) == 0, "lanes %lld: bf16 ref != f32 ref of the same values",
              (long long)L);
        if (avx) {
            fg_i_fne_sum_bf16_avx512(p, rows, cols, s_row, s_col, L, b);
            cases++;
            equal += memcmp(a, b, (size_t)L * sizeof *a) == 0;
            CHECK(memcmp(a, b, (size_t)L * sizeof *a) == 0, "bf16 lanes %lld rows %lld cols %lld: avx512 != ref",
                  (long long)L, (long long)rows, (long long)cols);
        }
        fg_free(p);
        fg_free(pf);
        fg_free(a);
        fg_free(b);
        fg_free(c);
    }
    printf("bf16 sums: ref = f32 ref on widened values; avx512 vs ref: %d/%d bit-identical\n", equal, cases);
    /* the means of a bf16 nChw16c tensor (40 of 48 channels) = those of its floats */
    size_t size;
    fg_i_fne_layout y = make_layout(2, 40, 13, 9, 16, &size);
    uint16_t *p = fg_alloc(size, sizeof *p);
    float *pf = fg_alloc(size, sizeof *pf), *o1 = fg_alloc(2 * 40, sizeof *o1), *o2 = fg_alloc(2 * 40, sizeof *o2);
    double *part = fg_alloc(fg_i_fne_part_size(&y), sizeof *part);
    fill(pf, size, r);
    for (size_t i = 0; i < size; i++) {
        uint32_t u;
        memcpy(&u, &pf[i], sizeof u);
        p[i] = (uint16_t)(u >> 16);
        u &= 0xffff0000u;
        memcpy(&pf[i], &u, sizeof u);
    }
    fg_i_fne_means(&y, pf, 2, part, o1, 40, 2, fg_i_fne_sum_ref);
    fg_i_fne_means_bf16(&y, p, 2, part, o2, 40, 2, fg_i_fne_sum_bf16_for(fg_cpu_isa()));
    CHECK(memcmp(o1, o2, 2 * 40 * sizeof *o1) == 0, "bf16 nChw16c means differ from the f32 ones");
    fg_free(p);
    fg_free(pf);
    fg_free(o1);
    fg_free(o2);
    fg_free(part);
}

/* A layout of n x c x h x w with the channels blocked by `block` (0: nhwc,
 * 1: nchw, 8/16: nChw8c/nChw16c), and its size in floats. */
static fg_i_fne_layout make_layout(int64_t n, int64_t c, int64_t h, int64_t w, int block, size_t *size)
{
    fg_i_fne_layout y = {.n = n, .c = c, .h = h, .w = w, .off0 = 3};
    if (block == 0) {
        y.groups = 1, y.lanes = c, y.s_w = c, y.s_h = w * c, y.s_n = h * w * c;
    } else {
        y.lanes = block, y.groups = (c + block - 1) / block;
        y.s_w = block, y.s_h = w * block, y.s_g = h * w * block, y.s_n = y.groups * y.s_g;
    }
    *size = (size_t)(y.off0 + n * y.s_n);
    return y;
}

static void means(fg_rng *r)
{
    static const struct { int64_t n, c, h, w; int block; const char *name; } cs[] = {
        {2, 64, 37, 29, 0, "nhwc"},     {3, 40, 9, 11, 16, "nChw16c, 40 of 48 channels"},
        {2, 64, 14, 14, 8, "nChw8c"},   {2, 5, 8, 7, 1, "nchw"},
        {1, 512, 14, 14, 0, "nhwc 512"}, {4, 4096, 1, 1, 0, "nc (dense)"},
        {2, 64, 224, 224, 16, "nChw16c 224"}};
    fg_i_fne_sum_fn sums[2] = {fg_i_fne_sum_ref, fg_i_fne_sum_avx512};
    int nsum = fg_cpu_isa() >= FG_ISA_AVX512 ? 2 : 1;
    for (size_t t = 0; t < sizeof cs / sizeof *cs; t++) {
        size_t size;
        fg_i_fne_layout y = make_layout(cs[t].n, cs[t].c, cs[t].h, cs[t].w, cs[t].block, &size);
        float *p = fg_alloc(size, sizeof *p);
        double *part = fg_alloc(fg_i_fne_part_size(&y), sizeof *part);
        int64_t stride = y.c + 5, n_img = y.n > 1 ? y.n - 1 : 1; /* fewer images than the layout holds */
        float *out = fg_alloc((size_t)(y.n * stride), sizeof *out);
        float *first = fg_alloc((size_t)(y.n * stride), sizeof *out);
        fill(p, size, r);
        double worst = 0;
        bool same = true, untouched = true;
        for (int s = 0; s < nsum; s++)
            for (int threads = 1; threads <= 3; threads++) {
                for (int64_t k = 0; k < y.n * stride; k++) out[k] = -1.0f;
                fg_i_fne_means(&y, p, n_img, part, out, stride, threads, sums[s]);
                if (s == 0 && threads == 1) memcpy(first, out, (size_t)(y.n * stride) * sizeof *out);
                same &= memcmp(first, out, (size_t)(y.n * stride) * sizeof *out) == 0;
                for (int64_t i = 0; i < y.n; i++)
                    for (int64_t c = 0; c < stride; c++)
                        if ((i >= n_img || c >= y.c) && out[i * stride + c] != -1.0f) untouched = false;
            }
        for (int64_t i = 0; i < n_img; i++)
            for (int64_t c = 0; c < y.c; c++) {
                double sum = 0;
                for (int64_t yy = 0; yy < y.h; yy++)
                    for (int64_t x = 0; x < y.w; x++)
                        sum += p[y.off0 + i * y.s_n + (c / y.lanes) * y.s_g + c % y.lanes + yy * y.s_h +
                                 x * y.s_w];
                double want = sum / (double)(y.h * y.w), got = out[i * stride + c];
                double e = fabs(got - want) / (fabs(want) > 1e-30 ? fabs(want) : 1.0);
                if (e > worst) worst = e;
            }
        printf("%-28s max relative error %.2e; threads 1-3%s: %s\n", cs[t].name, worst,
               nsum == 2 ? " and ref/avx512" : "", same ? "identical" : "DIFFERENT");
        CHECK(worst <= 6e-8, "%s: mean off by %.3g (relative)", cs[t].name, worst);
        CHECK(same, "%s: result depends on threads or kernel", cs[t].name);
        CHECK(untouched, "%s: wrote outside the n_img rows or the c channels", cs[t].name);
        fg_free(p);
        fg_free(part);
        fg_free(out);
        fg_free(first);
    }
}

int main(void)
{
    fg_rng r;
    fg_rng_seed(&r, 2024);
    if (fg_cpu_isa() >= FG_ISA_AVX512)
        twins(&r);
    else
        printf("avx512 twin not compared: the CPU (or FNEGRAPH_ISA) does not allow AVX-512\n");
    means(&r);
    twins_bf16(&r);
    return fg_test_done("test_nn_reduce");
}
