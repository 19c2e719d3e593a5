/* Plain-loops reference of VGG16 and its FNE (docs/method.md §1, §4) for the tests
 * of the oneDNN path: NHWC activations, Keras weights as they are (conv hwio,
 * dense [in][out]), double accumulation, OpenMP over rows so that a 224x224
 * image takes seconds. Deliberately independent of oneDNN and of engine/nn. */
#ifndef FNEGRAPH_REF_NN_H
#define FNEGRAPH_REF_NN_H

#include "fnegraph/vgg16.h"

#include <stddef.h>
#include <stdint.h>

/* out[i][y][x][o] = relu(bias[o] + sum over ky, kx, c of in[i][y+ky-1][x+kx-1][c] *
 * k[ky][kx][c][o]), zero padding; in [n][h][w][cin], out [n][h][w][cout], cout <= 512. */
void fg_ref_conv3x3_relu(const float *in, int n, int h, int w, int cin, const float *k,
                         const float *bias, int cout, float *out);

/* 2x2 stride-2 max-pool, NHWC [n][h][w][c] -> [n][h/2][w/2][c]. */
void fg_ref_maxpool2(const float *in, int n, int h, int w, int c, float *out);

/* out[i][o] = relu(bias[o] + sum_j in[i][j] * k[j][o]), k in the Keras [in][out]
 * layout; in [n][nin] (for fc6: pool5 flattened in H, W, C order, which is
 * simply NHWC memory). */
void fg_ref_dense_relu(const float *in, int n, int nin, const float *k, const float *bias, int nout,
                       float *out);

/* out[i*out_stride + c] = mean over (y, x) of in[i][y][x][c], summed in double. */
void fg_ref_spatial_mean(const float *in, int n, int h, int w, int c, float *out, int out_stride);

/* The FNE rows of n images, input NHWC [n][hw][hw][3]. hw = 224: the full net,
 * FG_FNE_DIM features a row; another multiple of 32: the 13 conv layers,
 * 4224 features a row. */
fg_status fg_ref_vgg16_fne(const fg_weights *w, const float *input, int n, int hw, float *fne);

/* ---- fixtures and error measures shared by the nn tests ---- */

/* Give every layer a random bias, normal with standard deviation `scale`
 * (He initialisation leaves them 0, which would not test the bias path). */
void fg_ref_random_biases(fg_weights *w, uint64_t seed, double scale);

/* n floats uniform in [-128, 128): the range of caffe-preprocessed pixels. */
void fg_ref_random_input(float *x, size_t n, uint64_t seed);

/* max |a - b| / max |b| over n elements (the error relative to the layer's
 * scale; max |a - b| when b is all zero). */
double fg_ref_err_scaled(const float *a, const float *b, size_t n);

/* The relative error of FNE features, per feature f of layer l in row i:
 *   |a - b| / max(|b|, s),  s = the mean of |b| over the features of layer l
 *   in row i (floor_of_max <= 0), or floor_of_max * their maximum,
 * so a feature near 0 (a ReLU output just above its threshold) is judged
 * against its layer's scale, not against itself. Returns the maximum over all
 * rows and features of the first `dim` features (FG_FNE_DIM or 4224); per_layer
 * (may be NULL) gets the maximum of each layer (0 for layers beyond dim). */
double fg_ref_fne_err(const float *a, const float *b, int rows, int dim, double floor_of_max,
                      double per_layer[FG_VGG16_LAYERS]);

#endif
