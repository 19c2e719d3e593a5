/* VGG16 up to fc7 on oneDNN CPU primitives, reduced to the full-network
 * embedding (docs/method.md §1, §4): one row of FG_FNE_DIM floats per image.
 *
 * The net is built once from the weights (reordered into oneDNN's preferred
 * layouts at creation; the caller may free the fg_weights afterwards) for a
 * fixed batch size B and thread count, and then run on batches of up to B
 * images. Input: float32 NHWC [n][224][224][3], already preprocessed
 * (image module). Output: for each of the 15 feature layers its post-ReLU
 * output, conv layers averaged over all spatial positions, concatenated at
 * fg_vgg16_layers[l].fne_offset.
 *
 * Modes (issue "Fast extraction"): the default, f32 with direct convolutions,
 * is the paper's arithmetic. FG_CONV_WINOGRAD asks oneDNN for Winograd
 * F(4x4, 3x3) on each 3x3 convolution (f32, AVX-512 only in oneDNN 2.6; a
 * layer oneDNN does not offer it for runs direct and is marked `fallback`).
 * FG_PRECISION_BF16 runs convolutions and inner products on bf16 data and
 * weights with f32 bias and f32 accumulation; conv outputs are stored in
 * bf16 (the next layer reads them so), dense outputs in f32; the FNE is
 * reduced in double from what the layers stored and returned in f32.
 * fg_net_check_mode says before any work whether this machine runs a mode
 * natively, with a warning, or not at all. */
#ifndef FNEGRAPH_NET_H
#define FNEGRAPH_NET_H

#include "fnegraph/export.h"

#include "fnegraph/vgg16.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { FG_FNE_CONV_DIM = 4224 }; /* features of the 13 conv layers (conv-only nets) */

typedef struct fg_net fg_net;

typedef enum fg_conv_algo {
    FG_CONV_DIRECT = 0,  /* oneDNN's direct convolution (the default) */
    FG_CONV_WINOGRAD     /* Winograd where oneDNN offers it, direct elsewhere */
} fg_conv_algo;

typedef enum fg_precision {
    FG_PRECISION_F32 = 0, /* the default */
    FG_PRECISION_BF16     /* bf16 data and weights, f32 bias and accumulation */
} fg_precision;

/* "direct" / "winograd", "f32" / "bf16"; parse: FG_EINVAL naming the value. */
FG_API const char *fg_conv_algo_name(fg_conv_algo a);
FG_API fg_status fg_conv_algo_parse(const char *s, fg_conv_algo *out);
FG_API const char *fg_precision_name(fg_precision p);
FG_API fg_status fg_precision_parse(const char *s, fg_precision *out);

/* How this machine runs a mode, from oneDNN's effective ISA
 * (dnnl_get_effective_cpu_isa, which honours ONEDNN_MAX_CPU_ISA). */
typedef struct fg_net_mode_plan {
    fg_conv_algo conv;      /* what the convolutions will use: Winograd falls back
                               to direct below AVX-512 and with bf16 (f32 only) */
    fg_precision precision;
    bool emulated;          /* bf16 on plain AVX-512: oneDNN emulates it */
    char onednn_isa[48];    /* "avx512_core_bf16", ... */
    char warning[400];      /* "" when the mode runs as asked and natively, else one
                               sentence for the user (the library never prints) */
} fg_net_mode_plan;

/* Plan the mode. FG_OK with plan->warning set when the mode runs degraded
 * (Winograd without AVX-512 -> direct; bf16 emulated on avx512_core, slower
 * than f32); FG_EUNSUPPORTED naming the missing CPU feature when bf16 cannot
 * run at all (below AVX-512). fg_net_create applies the same plan. */
FG_API fg_status fg_net_check_mode(fg_conv_algo conv, fg_precision precision, fg_net_mode_plan *plan);

/* Options; a zeroed struct gives the defaults. */
typedef struct fg_net_opts {
    int batch;         /* B, images per forward pass; 0: 8 */
    int threads;       /* OpenMP threads; 0: omp_get_max_threads() at creation */
    int input_hw;      /* input height = width; 0: 224 (the full net). Another multiple
                          of 32 (>= 32) builds the 13 conv layers only, whose FNE rows
                          have FG_FNE_CONV_DIM features (tests at reduced size). */
    bool keep_outputs; /* keep every layer's output for fg_net_layer_output (tests and
                          debugging; costs one buffer per layer instead of two in all) */
    fg_conv_algo conv;    /* FG_CONV_DIRECT (0) by default */
    fg_precision precision; /* FG_PRECISION_F32 (0) by default */
    bool plan_only;    /* describe the steps only (impl, layouts: fg_net_layer_info,
                          fg_net_impl_string): no weights needed (w may be NULL),
                          nothing allocated or compiled; fg_net_fne refuses */
    int conv_batch;    /* images a pass of the convolution part (conv1_1..pool5), 1..B,
                          dividing B; 0: 1 for direct convolutions, B for Winograd
                          (whose tiles span the batch). The part runs ceil(n / conv_batch)
                          times a call of n images, so each layer's output is still in cache when
                          its FNE features are reduced and the next layer reads it;
                          fc6 and fc7 run once on all B images (their weights are read
                          once a batch). Nets made with keep_outputs or input_hw != 224
                          use B. */
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
    char src_type[8];       /* data types: "f32", "bf16" */
    char dst_type[8];
    fg_conv_algo conv;      /* conv steps: the algorithm the layer got */
    bool fallback;          /* conv steps: Winograd was asked, oneDNN gave direct */
    double seconds;         /* wall time in the primitive, summed over runs */
    double fne_seconds;     /* wall time reducing its output into FNE features */
    long long runs;         /* fg_net_fne calls counted in seconds, since creation or reset;
                               a conv-part step runs ceil(n / conv_batch) times a call of n
                               images (B / conv_batch for full batches) */
} fg_net_layer;

/* Build the net. Checks the options (batch >= 1, threads >= 1, input_hw) and
 * that w has every kernel and bias it needs; FG_EBACKEND with the layer's name
 * when oneDNN refuses something. */
FG_API fg_status fg_net_create(const fg_weights *w, const fg_net_opts *opts, fg_net **out);

/* Forward n images (1 <= n <= B) of input [n][hw][hw][3] and write n FNE rows
 * of fg_net_fne_dim(net) floats to fne_out. The convolution part runs on the
 * ceil(n / conv_batch) passes that hold the n images; the last pass, when
 * short, reads a copy padded with zero images (0.6 MB an image). Runs on the
 * net's thread count (the caller's OpenMP setting is restored afterwards).
 * A net runs one batch at a time: do not call it from two threads at once. */
FG_API fg_status fg_net_fne(fg_net *net, const float *input, int n, float *fne_out);

FG_API int fg_net_batch(const fg_net *net);
FG_API int fg_net_conv_batch(const fg_net *net);
FG_API int fg_net_threads(const fg_net *net);
FG_API int fg_net_input_hw(const fg_net *net);
/* Features per row: FG_FNE_DIM, or FG_FNE_CONV_DIM for a conv-only net. */
FG_API int fg_net_fne_dim(const fg_net *net);
/* Sum of the flops per image of all steps (30.94 G for the full net). */
FG_API double fg_net_flops(const fg_net *net);

/* The mode the net was made in (after the plan: see fg_net_check_mode). */
FG_API fg_conv_algo fg_net_conv(const fg_net *net);
FG_API fg_precision fg_net_precision(const fg_net *net);

/* Every step's implementation as one line, "name:impl" joined by "; ", e.g.
 * "reorder>conv1_1:jit:uni; conv1_1:brgconv:avx512_core; ..."; a conv step
 * that fell back from Winograd carries " (direct fallback)". Truncated to
 * size (always terminated); FG_EINVAL when it does not fit. */
enum { FG_NET_IMPL_MAX = 2048 };
FG_API fg_status fg_net_impl_string(const fg_net *net, char *buf, size_t size);

/* Steps, in execution order. */
FG_API int fg_net_n_layers(const fg_net *net);
FG_API fg_status fg_net_layer_info(const fg_net *net, int i, fg_net_layer *out);
/* Zero the seconds, fne_seconds and runs of every step. */
FG_API void fg_net_reset_timing(fg_net *net);

/* Step i's output of the last run, B images in plain NHWC [B][out_h][out_w][out_c]
 * (dense: [B][out_c]). Only for nets made with keep_outputs. */
FG_API fg_status fg_net_layer_output(const fg_net *net, int i, float *out);

/* Free everything; NULL is fine. */
FG_API void fg_net_destroy(fg_net *net);

#ifdef __cplusplus
}
#endif
#endif
