/* Internal: the Keras VGG16 file layout shared by the loader
 * (weights_h5.c) and the writer (weights_h5_save.c). */
#ifndef FNEGRAPH_IO_WEIGHTS_H5_H
#define FNEGRAPH_IO_WEIGHTS_H5_H

#include "fnegraph/vgg16.h"

#include <hdf5.h>

/* Every layer of keras-applications' VGG16 in model order, weightless ones
 * included, as the root attribute layer_names of the real file lists them;
 * "predictions" (fc8) is last. */
enum { FG_I_KERAS_LAYERS = 23 };
extern const char *const fg_i_keras_layers[FG_I_KERAS_LAYERS];

/* Index of the feature layer (fg_vgg16_layers) with this Keras name, or -1. */
int fg_i_vgg16_layer_by_keras(const char *keras);

/* Expected shape of a kernel (which = 0) or bias (which = 1) of feature
 * layer l (l == FG_VGG16_LAYERS: predictions); returns the rank. */
int fg_i_weight_shape(int l, int which, hsize_t dims[4]);

#endif
