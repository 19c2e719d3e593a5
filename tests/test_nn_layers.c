/* The oneDNN VGG16 layer by layer against the plain-loops reference, at a
 * reduced input size (64x64: the 13 conv layers and 4 pools): random input,
 * He weights with random biases, batch 2. Each step is fed the oneDNN output
 * of the step before it, so an error cannot hide behind the others:
 * conv: max |a - b| / max |b| <= 1e-4; pool and reorder: exact. Then the FNE
 * rows against the means of those outputs, the conv-only FNE against the
 * whole reference path, the layer info, batches and threads, and the errors
 * of bad arguments. */
#include "fg_test.h"
#include "fnegraph/mem.h"
#include "fnegraph/net.h"
#include "ref_nn.h"

#include <string.h>

enum { B = 2, HW = 64, DIM = FG_FNE_CONV_DIM };

static const char *op_name(fg_net_op op)
{
    return op == FG_NET_CONV ? "conv" : op == FG_NET_POOL ? "pool" : op == FG_NET_FC ? "fc" : "reorder";
}

/* Every step against the reference fed with the previous step's output. */
static void layer_by_layer(const fg_weights *w, fg_net *net, const float *input, const float *fne)
{
    const float *prev = input;
    float *prev_own = NULL;
    int pc = 3, ph = HW, convs = 0, pools = 0;
    double flops = 0;
    for (int i = 0; i < fg_net_n_layers(net); i++) {
        fg_net_layer L;
        CHECK_OK(fg_net_layer_info(net, i, &L));
        size_t n = (size_t)B * L.out_h * L.out_w * L.out_c;
        float *out = fg_alloc(n, sizeof *out), *ref = fg_alloc(n, sizeof *ref);
        CHECK_OK(fg_net_layer_output(net, i, out));
        CHECK(L.in_c == pc && L.in_h == ph && L.in_w == ph, "%s: input %dx%dx%d, expected %dx%dx%d", L.name,
              L.in_h, L.in_w, L.in_c, ph, ph, pc);
        double err = 0;
        if (L.op == FG_NET_CONV) {
            const fg_vgg16_layer *V = &fg_vgg16_layers[L.feature];
            CHECK(L.feature == convs && strcmp(L.name, V->name) == 0, "step %d is %s, expected %s", i, L.name,
                  V->name);
            fg_ref_conv3x3_relu(prev, B, ph, ph, pc, w->kernel[L.feature], w->bias[L.feature], V->cout, ref);
            err = fg_ref_err_scaled(out, ref, n);
            CHECK(err <= 1e-4, "%s: error %.3g of the layer's scale", L.name, err);
            CHECK_NEAR(L.flops, 2.0 * 9 * pc * V->cout * ph * ph, 0.5);
            flops += L.flops;
            /* the FNE part of this layer: the means of exactly this output */
            float means[B * 512];
            fg_ref_spatial_mean(out, B, L.out_h, L.out_w, L.out_c, means, L.out_c);
            double me = 0;
            for (int b = 0; b < B; b++)
                for (int c = 0; c < L.out_c; c++) {
                    double want = means[b * L.out_c + c], got = fne[(size_t)b * DIM + V->fne_offset + c];
                    double e = fabs(got - want) / (want > 0 ? want : 1.0);
                    if (e > me) me = e;
                }
            CHECK(me <= 1.2e-7, "%s: FNE features differ from the means of its output by %.3g", L.name, me);
            convs++;
        } else if (L.op == FG_NET_POOL) {
            fg_ref_maxpool2(prev, B, ph, ph, pc, ref);
            err = fg_ref_err_scaled(out, ref, n);
            CHECK(err == 0, "%s: max-pool differs (%.3g)", L.name, err);
            CHECK(L.feature == -1 && L.flops == 0, "%s: no feature, no flops", L.name);
            pools++;
        } else {
            CHECK(L.op == FG_NET_REORDER, "%s: a conv-only net has no dense layer", L.name);
            err = fg_ref_err_scaled(out, prev, n);
            CHECK(err == 0, "%s: a reorder changed values", L.name);
        }
        CHECK(strlen(L.impl) > 0 && strcmp(L.impl, "?") != 0, "%s: no implementation name", L.name);
        CHECK(L.runs == 1 && isfinite(L.seconds) && L.seconds >= 0, "%s: ran %lld times in %g s", L.name,
              L.runs, L.seconds);
        printf("%-16s %-7s %3dx%3dx%3d -> %3dx%3dx%3d  %-22s %-8s -> %-8s w %-12s err %.2e\n", L.name,
               op_name(L.op), L.in_h, L.in_w, L.in_c, L.out_h, L.out_w, L.out_c, L.impl, L.src_layout,
               L.dst_layout, L.weights_layout, err);
        fg_free(ref);
        fg_free(prev_own);
        prev = prev_own = out;
        pc = L.out_c;
        ph = L.out_h;
    }
    fg_free(prev_own);
    CHECK(convs == FG_VGG16_CONV_LAYERS && pools == 4, "%d convolutions and %d pools", convs, pools);
    CHECK_NEAR(fg_net_flops(net), flops, 1.0);
}

/* Rows of the same images through other batch sizes and thread counts. */
static void batches(const fg_weights *w, const float *input, const float *fne)
{
    static const fg_net_opts other[] = {{.batch = 1, .threads = 1, .input_hw = HW},
                                        {.batch = 3, .threads = 2, .input_hw = HW}};
    float rows[B * DIM];
    for (size_t k = 0; k < sizeof other / sizeof *other; k++) {
        fg_net *net = NULL;
        CHECK_OK(fg_net_create(w, &other[k], &net));
        if (!net) continue;
        for (int i = 0; i < B; i += fg_net_batch(net)) {
            int n = B - i < fg_net_batch(net) ? B - i : fg_net_batch(net);
            CHECK_OK(fg_net_fne(net, input + (size_t)i * HW * HW * 3, n, rows + (size_t)i * DIM));
        }
        double e = fg_ref_fne_err(rows, fne, B, DIM, 0, NULL);
        printf("batch %d (n = %d a call), %d threads vs batch %d, 2 threads: max relative error %.2e\n",
               other[k].batch, other[k].batch < B ? other[k].batch : B, other[k].threads, B, e);
        CHECK(e <= 1e-4, "batch %d threads %d: rows differ by %.3g", other[k].batch, other[k].threads, e);
        fg_net_destroy(net);
    }
}

static void bad_arguments(const fg_weights *w, fg_net *net)
{
    fg_net *bad = NULL;
    fg_net_opts o = {.batch = 1, .input_hw = 100};
    CHECK_FAILS(fg_net_create(w, &o, &bad), FG_EINVAL, "input size 100");
    o = (fg_net_opts){.batch = -1};
    CHECK_FAILS(fg_net_create(w, &o, &bad), FG_EINVAL, "batch -1");
    CHECK_FAILS(fg_net_create(NULL, &o, &bad), FG_EINVAL, "null weights");
    fg_weights partial = *w;
    partial.kernel[5] = NULL;
    o = (fg_net_opts){.batch = 1, .input_hw = HW};
    CHECK_FAILS(fg_net_create(&partial, &o, &bad), FG_EINVAL, "conv3_2");
    CHECK(bad == NULL, "no net on failure");
    float x[1];
    CHECK_FAILS(fg_net_fne(net, x, B + 1, x), FG_EINVAL, "batches of 2");
    CHECK_FAILS(fg_net_fne(net, x, 0, x), FG_EINVAL, "0 images");
    fg_net_layer L;
    CHECK_FAILS(fg_net_layer_info(net, fg_net_n_layers(net), &L), FG_EINVAL, "step");
    fg_net *plain = NULL;
    CHECK_OK(fg_net_create(w, &o, &plain));
    if (plain) CHECK_FAILS(fg_net_layer_output(plain, 0, x), FG_EINVAL, "keep_outputs");
    fg_net_destroy(plain);
    fg_net_destroy(NULL);
}

int main(void)
{
    fg_weights w;
    CHECK_OK(fg_weights_generate(11, false, &w));
    fg_ref_random_biases(&w, 12, 5.0);
    float *input = fg_alloc((size_t)B * HW * HW * 3, sizeof *input);
    float *fne = fg_alloc((size_t)B * DIM, sizeof *fne), *ref = fg_alloc((size_t)B * DIM, sizeof *ref);
    fg_ref_random_input(input, (size_t)B * HW * HW * 3, 13);

    fg_net *net = NULL;
    fg_net_opts o = {.batch = B, .threads = 2, .input_hw = HW, .keep_outputs = true};
    CHECK_OK(fg_net_create(&w, &o, &net));
    if (!net) return fg_test_done("test_nn_layers");
    CHECK(fg_net_batch(net) == B && fg_net_threads(net) == 2 && fg_net_input_hw(net) == HW &&
              fg_net_fne_dim(net) == DIM, "the net's parameters");
    CHECK_OK(fg_net_fne(net, input, B, fne));
    layer_by_layer(&w, net, input, fne);

    CHECK_OK(fg_ref_vgg16_fne(&w, input, B, HW, ref));
    double per[FG_VGG16_LAYERS];
    double e = fg_ref_fne_err(fne, ref, B, DIM, 0, per);
    printf("conv-only FNE vs the reference path: max relative error %.2e (conv1_1 %.1e, conv5_3 %.1e)\n", e,
           per[0], per[12]);
    CHECK(e <= 1e-4, "FNE differs from the reference path by %.3g", e);

    batches(&w, input, fne);
    bad_arguments(&w, net);
    fg_net_destroy(net);
    fg_free(input);
    fg_free(fne);
    fg_free(ref);
    fg_weights_destroy(&w);
    return fg_test_done("test_nn_layers");
}
