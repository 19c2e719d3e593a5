/* VGG16 (configuration D) as fnegraph uses it: the 15 feature layers of the
 * full-network embedding (docs/method.md §1) and their weights in the Keras layout
 * (docs/method.md §2).
 *
 * Weight layouts, exactly as in the Keras HDF5 file:
 *   conv kernel  [3][3][cin][cout]  (kh, kw, in, out = oneDNN hwio), bias [cout]
 *   dense kernel [in][out]          fc6 rows follow pool5 in H, W, C order:
 *                                   row = (h*7 + w)*512 + c;   bias [out] */
#ifndef FNEGRAPH_VGG16_H
#define FNEGRAPH_VGG16_H

#include "fnegraph/export.h"

#include "fnegraph/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    FG_VGG16_LAYERS = 15,     /* feature layers: 13 conv + fc6 + fc7 */
    FG_VGG16_CONV_LAYERS = 13,
    FG_FNE_DIM = 12416,       /* FNE width F = 4224 conv + 4096 + 4096 */
    FG_VGG16_INPUT = 224,     /* input height = width */
    FG_FC8_OUT = 1000         /* predictions: not part of the FNE */
};

typedef struct fg_vgg16_layer {
    const char *keras;   /* Keras layer/group name: "block1_conv1", ..., "fc1", "fc2" */
    const char *name;    /* paper name: "conv1_1", ..., "fc6", "fc7" */
    bool conv;           /* 3x3 convolution (else dense) */
    int cin, cout;       /* input and output features (fc6: cin = 25088 = 7*7*512) */
    int hw;              /* output height = width (1 for dense) */
    bool pool_after;     /* a 2x2/2 max-pool follows (conv1_2, 2_2, 3_3, 4_3, 5_3) */
    int fne_offset;      /* first FNE feature of this layer */
} fg_vgg16_layer;

/* The 15 feature layers in FNE order. */
FG_API extern const fg_vgg16_layer fg_vgg16_layers[FG_VGG16_LAYERS];

/* Elements of layer l's kernel (3*3*cin*cout or cin*cout). */
FG_API size_t fg_vgg16_kernel_size(int l);
/* Index of the feature layer that owns FNE feature f (0 <= f < FG_FNE_DIM). */
FG_API int fg_vgg16_layer_of_feature(int f);

/* The weights fnegraph needs, in the Keras layout above (64-byte aligned). */
typedef struct fg_weights {
    float *kernel[FG_VGG16_LAYERS];
    float *bias[FG_VGG16_LAYERS];
    float *fc8_kernel;    /* [4096][1000] predictions, or NULL (not needed by the FNE) */
    float *fc8_bias;      /* [1000] or NULL */
    char sha256[65];      /* hex SHA-256 of the file they came from; "" when generated */
} fg_weights;

/* He-initialised weights (normal, std sqrt(2 / fan_in), fan_in = 9*cin for a
 * conv, cin for a dense layer; biases 0), reproducible from the seed: layer l
 * draws from stream l of the seed, so a layer does not depend on the others.
 * with_fc8 also makes the predictions layer. */
FG_API fg_status fg_weights_generate(uint64_t seed, bool with_fc8, fg_weights *out);
/* Free every array; accepts a zeroed or half-built object and leaves it zeroed. */
FG_API void fg_weights_destroy(fg_weights *w);

#ifdef __cplusplus
}
#endif
#endif
