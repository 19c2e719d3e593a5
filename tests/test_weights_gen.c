/* The layer table against docs/method.md §1, and He-initialised weights: shapes,
 * reproducibility, independence of layers, and the He standard deviation. */
#include "fg_test.h"
#include "fnegraph/vgg16.h"

#include <math.h>
#include <string.h>

int main(void)
{
    int conv = 0, off = 0;
    for (int l = 0; l < FG_VGG16_LAYERS; l++) {
        const fg_vgg16_layer *L = &fg_vgg16_layers[l];
        CHECK(L->fne_offset == off, "%s offset %d, expected %d", L->name, L->fne_offset, off);
        off += L->cout;
        conv += L->conv;
        if (l > 0 && L->conv) CHECK(L->cin == fg_vgg16_layers[l - 1].cout, "%s cin chains", L->name);
        CHECK(fg_vgg16_layer_of_feature(L->fne_offset) == l && fg_vgg16_layer_of_feature(off - 1) == l,
              "feature -> layer for %s", L->name);
    }
    CHECK(off == FG_FNE_DIM && conv == FG_VGG16_CONV_LAYERS, "F = %d", off);
    CHECK(fg_vgg16_layers[13].cin == 7 * 7 * 512 && fg_vgg16_layers[12].hw == 14, "fc6 input is pool5");
    CHECK(fg_vgg16_kernel_size(0) == 3 * 3 * 3 * 64 && fg_vgg16_kernel_size(13) == 25088u * 4096u, "sizes");
    size_t total = 0;
    for (int l = 0; l < FG_VGG16_LAYERS; l++) total += fg_vgg16_kernel_size(l) + (size_t)fg_vgg16_layers[l].cout;
    CHECK(total == 134260544u, "VGG16 to fc7 has %zu parameters, expected 134,260,544", total);

    fg_weights a, b;
    CHECK_OK(fg_weights_generate(5, false, &a));
    CHECK_OK(fg_weights_generate(5, true, &b));
    CHECK(a.fc8_kernel == NULL && b.fc8_kernel != NULL, "fc8 only when asked");
    int same = 1;
    for (int l = 0; l < FG_VGG16_LAYERS; l++)
        same &= memcmp(a.kernel[l], b.kernel[l], fg_vgg16_kernel_size(l) * sizeof(float)) == 0;
    CHECK(same, "fc8 does not change the layers the FNE uses; same seed, same weights");
    for (int l = 0; l < FG_VGG16_LAYERS; l += 7) {
        const fg_vgg16_layer *L = &fg_vgg16_layers[l];
        size_t n = fg_vgg16_kernel_size(l);
        double s = 0, s2 = 0;
        for (size_t i = 0; i < n; i++) {
            s += a.kernel[l][i];
            s2 += (double)a.kernel[l][i] * a.kernel[l][i];
        }
        double sd = sqrt(s2 / (double)n - (s / (double)n) * (s / (double)n));
        double he = sqrt(2.0 / ((L->conv ? 9.0 : 1.0) * L->cin));
        CHECK(fabs(sd / he - 1) < 0.05, "%s std %.5f, He %.5f", L->name, sd, he);
        CHECK(a.bias[l][0] == 0 && a.bias[l][L->cout - 1] == 0, "bias 0");
    }
    fg_weights_destroy(&b);
    CHECK_OK(fg_weights_generate(6, false, &b));
    CHECK(memcmp(a.kernel[3], b.kernel[3], 64 * sizeof(float)) != 0, "another seed, other weights");
    fg_weights_destroy(&a);
    fg_weights_destroy(&b);
    fg_weights_destroy(&b);
    return fg_test_done("test_weights_gen");
}
