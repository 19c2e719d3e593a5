/* The net's modes (issue "Fast extraction"): names and parsing, the plan on
 * this CPU, plan-only nets, and the 224x224 FNE of Winograd and bf16 nets
 * against the f32 direct net (itself within 1e-4 of the plain-loops
 * reference, test_nn_fne) on 2 synthetic photographs (the demo-data
 * generator, caffe preprocessing) with He weights and random biases.
 *
 * Error measure (fg_ref_fne_err): |a - b| / max(|b|, mean |b| of the layer
 * in that image); and its median over each layer's features. Measured here
 * (printed each run), and the bounds, with margin for other CPUs/threads:
 *   Winograd F(4x4,3x3), f32: max 1.7e-5 (in fc6/fc7; conv layers <= 2e-6),
 *     layer medians <= 2.7e-7: the transforms cost a few f32 ulps per tile.
 *     Bounds: max 1e-4 (the f32 path's own bound against the reference),
 *     median 2e-6.
 *   bf16 data and weights (8-bit mantissa: each operand rounded by up to
 *     2^-9 = 2e-3 relative), f32 accumulation: layer medians 4e-4..1.5e-3
 *     (one operand rounding, partly averaged over the spatial mean), max
 *     7.7e-2 (fc7 features whose sum of mixed-sign products nearly cancels,
 *     judged against the layer's mean). Bounds: median 5e-3 ("3 significant
 *     digits"), max 0.15. */
#include "fg_test.h"
#include "fnegraph/image.h"
#include "fnegraph/info.h"
#include "fnegraph/mem.h"
#include "fnegraph/net.h"
#include "fnegraph/synth.h"
#include "ref_nn.h"

#include <stdlib.h>
#include <string.h>

enum { NIMG = 2, IMG = FG_VGG16_INPUT * FG_VGG16_INPUT * 3 };

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median over the features of layer l (all rows) of the relative error. */
static double layer_median(const float *a, const float *b, int l)
{
    const fg_vgg16_layer *L = &fg_vgg16_layers[l];
    double *e = fg_alloc((size_t)NIMG * L->cout, sizeof *e);
    for (int i = 0; i < NIMG; i++) {
        const float *x = a + (size_t)i * FG_FNE_DIM + L->fne_offset, *y = b + (size_t)i * FG_FNE_DIM + L->fne_offset;
        double mean = 0;
        for (int c = 0; c < L->cout; c++) mean += fabs(y[c]);
        mean /= L->cout;
        for (int c = 0; c < L->cout; c++) {
            double s = fabs(y[c]) > mean ? fabs(y[c]) : mean;
            e[i * L->cout + c] = s > 0 ? fabs(x[c] - y[c]) / s : fabs(x[c] - y[c]);
        }
    }
    qsort(e, (size_t)NIMG * L->cout, sizeof *e, cmp_double);
    double m = e[(size_t)NIMG * L->cout / 2];
    fg_free(e);
    return m;
}

static void names(void)
{
    fg_conv_algo a;
    fg_precision p;
    CHECK_OK(fg_conv_algo_parse("winograd", &a));
    CHECK(a == FG_CONV_WINOGRAD && strcmp(fg_conv_algo_name(a), "winograd") == 0, "winograd round trip");
    CHECK_OK(fg_conv_algo_parse("direct", &a));
    CHECK(a == FG_CONV_DIRECT && strcmp(fg_conv_algo_name(a), "direct") == 0, "direct round trip");
    CHECK_OK(fg_precision_parse("bf16", &p));
    CHECK(p == FG_PRECISION_BF16 && strcmp(fg_precision_name(p), "bf16") == 0, "bf16 round trip");
    CHECK_OK(fg_precision_parse("f32", &p));
    CHECK(p == FG_PRECISION_F32 && strcmp(fg_precision_name(p), "f32") == 0, "f32 round trip");
    CHECK_FAILS(fg_conv_algo_parse("fft", &a), FG_EINVAL, "'fft'");
    CHECK_FAILS(fg_precision_parse("fp16", &p), FG_EINVAL, "'fp16'");
}

/* The plan on this machine, from oneDNN's ISA (ONEDNN_MAX_CPU_ISA is forced
 * in test_extract_modes.sh; here it is whatever the CPU has). */
static void plan(void)
{
    fg_build_info bi;
    fg_build_info_get(&bi);
    bool bf16 = strstr(bi.onednn_isa, "bf16") || strstr(bi.onednn_isa, "amx");
    bool avx512 = bf16 || strstr(bi.onednn_isa, "avx512_core");
    fg_net_mode_plan p;
    CHECK_OK(fg_net_check_mode(FG_CONV_DIRECT, FG_PRECISION_F32, &p));
    CHECK(p.warning[0] == '\0' && p.conv == FG_CONV_DIRECT, "f32 direct never warns: '%s'", p.warning);
    CHECK_OK(fg_net_check_mode(FG_CONV_WINOGRAD, FG_PRECISION_F32, &p));
    CHECK(avx512 ? p.conv == FG_CONV_WINOGRAD && !p.warning[0] : p.conv == FG_CONV_DIRECT && p.warning[0],
          "winograd on %s: conv %d, warning '%s'", bi.onednn_isa, (int)p.conv, p.warning);
    fg_status st = fg_net_check_mode(FG_CONV_DIRECT, FG_PRECISION_BF16, &p);
    if (!avx512) CHECK(st == FG_EUNSUPPORTED && strstr(fg_last_error(), "avx512_core"), "bf16 below AVX-512");
    else CHECK(st == FG_OK && p.emulated == !bf16 && (p.warning[0] != '\0') == !bf16,
               "bf16 on %s: emulated %d, warning '%s'", bi.onednn_isa, p.emulated, p.warning);
    if (avx512) {
        CHECK_OK(fg_net_check_mode(FG_CONV_WINOGRAD, FG_PRECISION_BF16, &p));
        CHECK(p.conv == FG_CONV_DIRECT && strstr(p.warning, "f32 only"), "winograd + bf16: '%s'", p.warning);
    }
    CHECK_FAILS(fg_net_check_mode((fg_conv_algo)7, FG_PRECISION_F32, &p), FG_EINVAL, "unknown mode");
    printf("oneDNN ISA %s: winograd %s, bf16 %s\n", bi.onednn_isa, avx512 ? "native" : "-> direct",
           bf16 ? "native" : avx512 ? "emulated" : "unsupported");
}

/* A plan-only net needs no weights and runs nothing. */
static void plan_only(void)
{
    fg_net *net = NULL;
    fg_net_opts o = {.batch = 8, .conv = FG_CONV_WINOGRAD, .plan_only = true};
    CHECK_OK(fg_net_create(NULL, &o, &net));
    if (!net) return;
    char impl[FG_NET_IMPL_MAX];
    CHECK_OK(fg_net_impl_string(net, impl, sizeof impl));
    CHECK(strstr(impl, "conv1_1:") && strstr(impl, "fc7:"), "impl string lists the steps: %s", impl);
    CHECK_FAILS(fg_net_impl_string(net, impl, 40), FG_EINVAL, "too few");
    float x[4];
    CHECK_FAILS(fg_net_fne(net, x, 1, x), FG_EINVAL, "plan_only");
    fg_net_destroy(net);
    fg_net_opts no = {.batch = 1};
    CHECK_FAILS(fg_net_create(NULL, &no, &net), FG_EINVAL, "null weights");
}

/* Two demo-data pictures as network input (caffe, direct resize). */
static void photos(float *input)
{
    fg_synth_options so;
    fg_synth_defaults(&so);
    for (int i = 0; i < NIMG; i++) {
        fg_image img = {0};
        CHECK_OK(fg_synth_image(&so, i, 1, &img, NULL));
        CHECK_OK(fg_image_to_input(&img, FG_RESIZE_DIRECT, FG_PREPROCESS_CAFFE, input + (size_t)i * IMG));
        fg_image_destroy(&img);
    }
}

static bool run(const fg_weights *w, fg_conv_algo conv, fg_precision prec, const float *input, float *fne,
                char *impl)
{
    fg_net *net = NULL;
    fg_net_opts o = {.batch = NIMG, .threads = 2, .conv = conv, .precision = prec};
    fg_status st = fg_net_create(w, &o, &net);
    if (st == FG_EUNSUPPORTED) return false;
    CHECK_OK(st);
    if (!net) return false;
    CHECK_OK(fg_net_fne(net, input, NIMG, fne));
    CHECK_OK(fg_net_impl_string(net, impl, FG_NET_IMPL_MAX));
    CHECK(fg_net_conv(net) <= conv && fg_net_precision(net) == prec, "mode kept");
    for (int i = 0; i < fg_net_n_layers(net); i++) {
        fg_net_layer L;
        CHECK_OK(fg_net_layer_info(net, i, &L));
        if (L.op == FG_NET_CONV) {
            CHECK(strcmp(L.dst_type, prec == FG_PRECISION_BF16 ? "bf16" : "f32") == 0, "%s writes %s", L.name,
                  L.dst_type);
            CHECK((L.conv == FG_CONV_WINOGRAD) == (strstr(L.impl, "wino") != NULL), "%s: conv %d, impl %s",
                  L.name, (int)L.conv, L.impl);
            CHECK(conv == FG_CONV_WINOGRAD || (L.conv == FG_CONV_DIRECT && !L.fallback), "%s: direct", L.name);
        }
        if (L.op == FG_NET_FC)
            CHECK(strcmp(L.dst_type, "f32") == 0 && strcmp(L.src_type, fg_precision_name(prec)) == 0,
                  "%s: %s>%s", L.name, L.src_type, L.dst_type);
    }
    fg_net_destroy(net);
    return true;
}

static void compare(const char *what, const float *a, const float *ref, double max_bound, double med_bound)
{
    double per[FG_VGG16_LAYERS];
    double e = fg_ref_fne_err(a, ref, NIMG, FG_FNE_DIM, 0, per);
    double worst_med = 0;
    printf("%s vs f32 direct: max relative error %.2e\n  layer    max       median\n", what, e);
    for (int l = 0; l < FG_VGG16_LAYERS; l++) {
        double m = layer_median(a, ref, l);
        if (m > worst_med) worst_med = m;
        printf("  %-8s %.2e  %.2e\n", fg_vgg16_layers[l].name, per[l], m);
    }
    CHECK(e <= max_bound, "%s: FNE differs from f32 direct by %.3g (bound %.3g)", what, e, max_bound);
    CHECK(worst_med <= med_bound, "%s: a layer's median error is %.3g (bound %.3g)", what, worst_med, med_bound);
    CHECK(e > 0, "%s: identical to f32 direct: the mode did not take effect", what);
}

int main(void)
{
    names();
    plan();
    plan_only();
    fg_weights w;
    CHECK_OK(fg_weights_generate(31, false, &w));
    fg_ref_random_biases(&w, 32, 0.5);
    float *input = fg_alloc((size_t)NIMG * IMG, sizeof *input);
    float *ref = fg_alloc((size_t)NIMG * FG_FNE_DIM, sizeof *ref);
    float *fne = fg_alloc((size_t)NIMG * FG_FNE_DIM, sizeof *fne);
    char *impl = fg_alloc(FG_NET_IMPL_MAX, 1);
    photos(input);
    CHECK(run(&w, FG_CONV_DIRECT, FG_PRECISION_F32, input, ref, impl), "f32 direct runs");
    CHECK(!strstr(impl, "wino") && !strstr(impl, "fallback"), "f32 direct: %s", impl);
    if (run(&w, FG_CONV_WINOGRAD, FG_PRECISION_F32, input, fne, impl)) {
        printf("winograd: %s\n", impl);
        if (strstr(impl, "wino")) compare("winograd", fne, ref, 1e-4, 2e-6);
        else printf("winograd not offered on this CPU: all layers direct\n");
    }
    if (run(&w, FG_CONV_DIRECT, FG_PRECISION_BF16, input, fne, impl)) {
        printf("bf16: %s\n", impl);
        compare("bf16", fne, ref, 0.15, 5e-3);
    } else {
        printf("bf16 not run: %s\n", fg_last_error());
    }
    fg_free(input);
    fg_free(ref);
    fg_free(fne);
    fg_free(impl);
    fg_weights_destroy(&w);
    return fg_test_done("test_nn_modes");
}
