/* The VGG16 feature layers (docs/method.md §1) and He-initialised weights in the
 * Keras layout (docs/method.md §2; He et al. 2015, std = sqrt(2 / fan_in)).
 * Generation: one normal deviate per weight, O(138 M) for the full net. */
#include "fnegraph/mem.h"
#include "fnegraph/rng.h"
#include "fnegraph/vgg16.h"

#include <math.h>
#include <string.h>

const fg_vgg16_layer fg_vgg16_layers[FG_VGG16_LAYERS] = {
    {"block1_conv1", "conv1_1", true, 3, 64, 224, false, 0},
    {"block1_conv2", "conv1_2", true, 64, 64, 224, true, 64},
    {"block2_conv1", "conv2_1", true, 64, 128, 112, false, 128},
    {"block2_conv2", "conv2_2", true, 128, 128, 112, true, 256},
    {"block3_conv1", "conv3_1", true, 128, 256, 56, false, 384},
    {"block3_conv2", "conv3_2", true, 256, 256, 56, false, 640},
    {"block3_conv3", "conv3_3", true, 256, 256, 56, true, 896},
    {"block4_conv1", "conv4_1", true, 256, 512, 28, false, 1152},
    {"block4_conv2", "conv4_2", true, 512, 512, 28, false, 1664},
    {"block4_conv3", "conv4_3", true, 512, 512, 28, true, 2176},
    {"block5_conv1", "conv5_1", true, 512, 512, 14, false, 2688},
    {"block5_conv2", "conv5_2", true, 512, 512, 14, false, 3200},
    {"block5_conv3", "conv5_3", true, 512, 512, 14, true, 3712},
    {"fc1", "fc6", false, 25088, 4096, 1, false, 4224},
    {"fc2", "fc7", false, 4096, 4096, 1, false, 8320},
};

size_t fg_vgg16_kernel_size(int l)
{
    const fg_vgg16_layer *L = &fg_vgg16_layers[l];
    return (size_t)(L->conv ? 9 : 1) * (size_t)L->cin * (size_t)L->cout;
}

int fg_vgg16_layer_of_feature(int f)
{
    int l = FG_VGG16_LAYERS - 1;
    while (l > 0 && fg_vgg16_layers[l].fne_offset > f) l--;
    return l;
}

void fg_weights_destroy(fg_weights *w)
{
    if (!w) return;
    for (int l = 0; l < FG_VGG16_LAYERS; l++) {
        fg_free(w->kernel[l]);
        fg_free(w->bias[l]);
    }
    fg_free(w->fc8_kernel);
    fg_free(w->fc8_bias);
    memset(w, 0, sizeof *w);
}

static void fill_he(float *k, size_t n, double fan_in, uint64_t seed, uint64_t stream)
{
    fg_rng r;
    fg_rng_seed_stream(&r, seed, stream);
    double std = sqrt(2.0 / fan_in);
    for (size_t i = 0; i < n; i++) k[i] = (float)(std * fg_rng_normal(&r));
}

fg_status fg_weights_generate(uint64_t seed, bool with_fc8, fg_weights *out)
{
    fg_status st = FG_OK;
    if (!out) return FG_FAIL(FG_EINVAL, "fg_weights_generate: null output");
    memset(out, 0, sizeof *out);
    for (int l = 0; l < FG_VGG16_LAYERS; l++) {
        size_t n = fg_vgg16_kernel_size(l);
        out->kernel[l] = fg_alloc(n, sizeof(float));
        out->bias[l] = fg_calloc((size_t)fg_vgg16_layers[l].cout, sizeof(float));
        if (!out->kernel[l] || !out->bias[l]) {
            st = FG_ENOMEM;
            goto done;
        }
    }
    if (with_fc8) {
        out->fc8_kernel = fg_alloc((size_t)4096 * FG_FC8_OUT, sizeof(float));
        out->fc8_bias = fg_calloc(FG_FC8_OUT, sizeof(float));
        if (!out->fc8_kernel || !out->fc8_bias) {
            st = FG_ENOMEM;
            goto done;
        }
    }
    /* layers are independent streams: fill them in parallel */
#pragma omp parallel for schedule(dynamic, 1)
    for (int l = 0; l < FG_VGG16_LAYERS + 1; l++) {
        if (l < FG_VGG16_LAYERS) {
            const fg_vgg16_layer *L = &fg_vgg16_layers[l];
            fill_he(out->kernel[l], fg_vgg16_kernel_size(l), (L->conv ? 9.0 : 1.0) * L->cin, seed,
                    (uint64_t)l);
        } else if (with_fc8) {
            fill_he(out->fc8_kernel, (size_t)4096 * FG_FC8_OUT, 4096.0, seed, (uint64_t)l);
        }
    }
done:
    if (st != FG_OK) fg_weights_destroy(out);
    return st;
}
