/* The bridge from oneDNN memory descriptors to the FNE reduction
 * (engine/nn/dnnl_util.c): data laid out by oneDNN's own reorder in nchw,
 * nhwc, nChw8c and nChw16c (40 channels: 48 with padding in nChw16c), and
 * dense nc, reduced with the layout read from the descriptor, must give the
 * means of the logical tensor; layouts the reduction cannot read are refused
 * by name; layout names read as oneDNN spells its tags. */
#include "fg_test.h"
#include "fnegraph/mem.h"
#include "fnegraph/rng.h"
#include "nn/dnnl_util.h"
#include "nn/fne_reduce.h"

#include <stdbool.h>
#include <string.h>

enum { N = 2, C = 40, H = 5, W = 7 };

static dnnl_engine_t eng;
static dnnl_stream_t strm;

/* Reorder plain nchw `src` into a buffer laid out as md; NULL on failure. */
static float *relayout(const float *src, const dnnl_memory_desc_t *plain, const dnnl_memory_desc_t *md)
{
    dnnl_memory_t a = NULL, b = NULL;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_primitive_t r = NULL;
    float *out = fg_calloc(dnnl_memory_desc_get_size(md), 1);
    bool ok = out && dnnl_memory_create(&a, plain, eng, (void *)src) == dnnl_success &&
              dnnl_memory_create(&b, md, eng, out) == dnnl_success &&
              dnnl_reorder_primitive_desc_create(&pd, plain, eng, md, eng, NULL) == dnnl_success &&
              dnnl_primitive_create(&r, pd) == dnnl_success;
    if (ok) {
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, a}, {DNNL_ARG_TO, b}};
        ok = dnnl_primitive_execute(r, strm, 2, args) == dnnl_success && dnnl_stream_wait(strm) == dnnl_success;
    }
    if (r) dnnl_primitive_destroy(r);
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (a) dnnl_memory_destroy(a);
    if (b) dnnl_memory_destroy(b);
    if (!ok) {
        fg_free(out);
        out = NULL;
    }
    return out;
}

static void layouts(void)
{
    static const struct { dnnl_format_tag_t tag; const char *name; } tags[] = {
        {dnnl_nchw, "nchw"}, {dnnl_nhwc, "nhwc"}, {dnnl_nChw8c, "nChw8c"}, {dnnl_nChw16c, "nChw16c"}};
    float *x = fg_alloc((size_t)N * C * H * W, sizeof *x);
    double want[N][C];
    fg_rng r;
    fg_rng_seed(&r, 99);
    for (int i = 0; i < N * C * H * W; i++) x[i] = (float)(10.0 * fg_rng_uniform(&r));
    for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++) {
            double s = 0;
            for (int p = 0; p < H * W; p++) s += x[(n * C + c) * H * W + p];
            want[n][c] = s / (H * W);
        }
    dnnl_dims_t dims = {N, C, H, W};
    dnnl_memory_desc_t plain;
    CHECK(dnnl_memory_desc_init_by_tag(&plain, 4, dims, dnnl_f32, dnnl_nchw) == dnnl_success, "nchw md");
    for (size_t t = 0; t < sizeof tags / sizeof *tags; t++) {
        dnnl_memory_desc_t md;
        char name[32];
        fg_i_fne_layout lay;
        CHECK(dnnl_memory_desc_init_by_tag(&md, 4, dims, dnnl_f32, tags[t].tag) == dnnl_success, "%s md",
              tags[t].name);
        fg_i_dnnl_layout_name(&md, "nchw", name, sizeof name);
        CHECK(strcmp(name, tags[t].name) == 0, "layout name '%s', oneDNN's tag is %s", name, tags[t].name);
        CHECK_OK(fg_i_dnnl_fne_layout(&md, tags[t].name, &lay));
        float *data = relayout(x, &plain, &md);
        CHECK(data != NULL, "%s: oneDNN reorder", tags[t].name);
        if (!data) continue;
        double *part = fg_alloc(fg_i_fne_part_size(&lay), sizeof *part);
        float out[N * C];
        fg_i_fne_means(&lay, data, N, part, out, C, 2, fg_i_fne_sum_for(fg_cpu_isa()));
        double worst = 0;
        for (int n = 0; n < N; n++)
            for (int c = 0; c < C; c++) {
                double e = fabs(out[n * C + c] - want[n][c]) / want[n][c];
                if (e > worst) worst = e;
            }
        printf("%-8s groups %3lld x lanes %2lld, strides n %lld g %lld h %lld w %lld: max relative error %.1e\n",
               name, (long long)lay.groups, (long long)lay.lanes, (long long)lay.s_n, (long long)lay.s_g,
               (long long)lay.s_h, (long long)lay.s_w, worst);
        CHECK(worst <= 6e-8, "%s: means off by %.3g", tags[t].name, worst);
        fg_free(part);
        fg_free(data);
    }

    /* dense output (fc6, fc7): nc, h = w = 1, the values themselves */
    dnnl_dims_t d2 = {N, C};
    dnnl_memory_desc_t nc;
    fg_i_fne_layout lay;
    CHECK(dnnl_memory_desc_init_by_tag(&nc, 2, d2, dnnl_f32, dnnl_nc) == dnnl_success, "nc md");
    CHECK_OK(fg_i_dnnl_fne_layout(&nc, "fc", &lay));
    double part[N * C];
    float out[N * C];
    fg_i_fne_means(&lay, x, N, part, out, C, 1, fg_i_fne_sum_for(fg_cpu_isa()));
    CHECK(memcmp(out, x, sizeof out) == 0, "nc: the features are the values, bit for bit");
    fg_free(x);
}

static void refused(void)
{
    dnnl_dims_t dims = {32, 32, 4, 4};
    dnnl_memory_desc_t md;
    fg_i_fne_layout lay;
    char name[32];
    CHECK(dnnl_memory_desc_init_by_tag(&md, 4, dims, dnnl_f32, dnnl_NChw16n16c) == dnnl_success, "md");
    fg_i_dnnl_layout_name(&md, "nchw", name, sizeof name);
    CHECK(strcmp(name, "NChw16n16c") == 0, "name %s", name);
    CHECK_FAILS(fg_i_dnnl_fne_layout(&md, "conv9_9", &lay), FG_EUNSUPPORTED, "conv9_9: output layout NChw16n16c");
    CHECK(dnnl_memory_desc_init_by_tag(&md, 4, dims, dnnl_s8, dnnl_nhwc) == dnnl_success, "s8 md");
    CHECK_FAILS(fg_i_dnnl_fne_layout(&md, "conv9_9", &lay), FG_EUNSUPPORTED, "nhwc");
    CHECK(dnnl_memory_desc_init_by_tag(&md, 4, dims, dnnl_bf16, dnnl_nChw16c) == dnnl_success, "bf16 md");
    CHECK_OK(fg_i_dnnl_fne_layout(&md, "conv9_9", &lay));
    CHECK(lay.lanes == 16 && lay.s_g == 16 * 4 * 4, "bf16 nChw16c: strides in elements");
    dnnl_dims_t w = {64, 32, 3, 3};
    CHECK(dnnl_memory_desc_init_by_tag(&md, 4, w, dnnl_f32, dnnl_OIhw16i16o) == dnnl_success, "weights md");
    fg_i_dnnl_layout_name(&md, "oihw", name, sizeof name);
    CHECK(strcmp(name, "OIhw16i16o") == 0, "weights layout name %s", name);
    CHECK(fg_i_dnnl_fn_len("dnnl_stream_wait(s)") == 16, "function name of a stringified call");
}

int main(void)
{
    bool ok = dnnl_engine_create(&eng, dnnl_cpu, 0) == dnnl_success &&
              dnnl_stream_create(&strm, eng, dnnl_stream_default_flags) == dnnl_success;
    CHECK(ok, "oneDNN CPU engine and stream");
    if (!ok) return fg_test_done("test_nn_layout");
    layouts();
    refused();
    dnnl_stream_destroy(strm);
    dnnl_engine_destroy(eng);
    return fg_test_done("test_nn_layout");
}
