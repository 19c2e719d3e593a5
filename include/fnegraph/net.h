/* VGG16 up to fc7 on oneDNN CPU primitives, reduced to the full-network
 * embedding (SPEC.md §1, §4): one row of FG_FNE_DIM floats per image.
 *
 * The net is built once from the weights (reordered into oneDNN's preferred
 * layouts at creation; the caller may free the fg_weights afterwards) for a
 * fixed batch size B and thread count, and then run on batches of up to B
 * images. Input: float32 NHWC [n][224][224][3], already preprocessed
 * (image module). Output: for each of the 15 feature layers its post-ReLU
 * output, conv layers averaged over all spatial positions, concatenated at
 * fg_vgg16_layers[l].fne_offset. */
#ifndef FNEGRAPH_NET_H
#define FNEGRAPH_NET_H

#include "fnegraph/vgg16.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { FG_FNE_CONV_DIM = 4224 }; /* features of the 13 conv layers (conv-only nets) */

typedef struct fg_net fg_net;

/* Options; a zeroed struct gives the defaults. */
typedef struct fg_net_opts {
    int batch;         /* B, images per forward pass; 0: 8 */
    int threads;       /* OpenMP threads; 0: omp_get_max_threads() at creation */
    int input_hw;      /* input height = width; 0: 224 (the full net). Another multiple
                          of 32 (>= 32) builds the 13 conv layers only, whose FNE rows
                          have FG_FNE_CONV_DIM features (tests at reduced size). */
    bool keep_outputs; /* keep every layer's output for fg_net_layer_output (tests and
                          debugging; costs one buffer per layer instead of two in all) */
} fg_net_opts;

typedef enum fg_net_op {
    FG_NET_CONV,    /* 3x3 convolution + bias + ReLU */
    FG_NET_POOL,    /* 2x2/2 max-pool */
    FG_NET_FC,      /* inner product + bias + ReLU */
    FG_NET_REORDER  /* layout change between two layers that chose different layouts */
} fg_net_op;

/* One step of the net (one oneDNN primitive). */
typedef struct fg_net_layer {
    char name[32];          /* "conv1_1", "pool1", "fc6", "reorder>conv1_1" */
    fg_net_op op;
    int feature;            /* feature layer (index in fg_vgg16_layers) this step's output
                               is reduced into, or -1 */
    int in_c, in_h, in_w;   /* input of one image (dense layers: in_c = features, h = w = 1) */
    int out_c, out_h, out_w;
    double flops;           /* per image: 2 x multiply-adds (conv, fc); 0 for pool and reorder */
    char impl[64];          /* oneDNN's implementation, e.g. "brgconv:avx512_core" */
    char src_layout[24];    /* oneDNN layouts: "nhwc", "nChw16c", "OIhw16i16o", ... */
    char dst_layout[24];
    char weights_layout[24];/* "" without weights */
    double seconds;         /* wall time in the primitive, summed over runs */
    double fne_seconds;     /* wall time reducing its output into FNE features */
    long long runs;         /* executions counted in seconds (since creation or reset) */
} fg_net_layer;

/* Build the net. Checks the options (batch >= 1, threads >= 1, input_hw) and
 * that w has every kernel and bias it needs; FG_EBACKEND with the layer's name
 * when oneDNN refuses something. */
fg_status fg_net_create(const fg_weights *w, const fg_net_opts *opts, fg_net **out);

/* Forward n images (1 <= n <= B) of input [n][hw][hw][3] and write n FNE rows
 * of fg_net_fne_dim(net) floats to fne_out. A batch with n < B runs the full
 * batch with zero images in the tail (the primitives are made for B; the
 * input is copied once into a padded buffer, 0.6 MB an image). Runs on the
 * net's thread count (the caller's OpenMP setting is restored afterwards).
 * A net runs one batch at a time: do not call it from two threads at once. */
fg_status fg_net_fne(fg_net *net, const float *input, int n, float *fne_out);

int fg_net_batch(const fg_net *net);
int fg_net_threads(const fg_net *net);
int fg_net_input_hw(const fg_net *net);
/* Features per row: FG_FNE_DIM, or FG_FNE_CONV_DIM for a conv-only net. */
int fg_net_fne_dim(const fg_net *net);
/* Sum of the flops per image of all steps (30.94 G for the full net). */
double fg_net_flops(const fg_net *net);

/* Steps, in execution order. */
int fg_net_n_layers(const fg_net *net);
fg_status fg_net_layer_info(const fg_net *net, int i, fg_net_layer *out);
/* Zero the seconds, fne_seconds and runs of every step. */
void fg_net_reset_timing(fg_net *net);

/* Step i's output of the last run, B images in plain NHWC [B][out_h][out_w][out_c]
 * (dense: [B][out_c]). Only for nets made with keep_outputs. */
fg_status fg_net_layer_output(const fg_net *net, int i, float *out);

/* Free everything; NULL is fine. */
void fg_net_destroy(fg_net *net);

#ifdef __cplusplus
}
#endif
#endif
