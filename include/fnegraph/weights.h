/* The Keras VGG16 HDF5 weight file (docs/method.md §2): load, validate, write.
 * The in-memory layout (fg_weights) is in vgg16.h. */
#ifndef FNEGRAPH_WEIGHTS_H
#define FNEGRAPH_WEIGHTS_H

#include "fnegraph/export.h"

#include "fnegraph/checksum.h" /* fg_sha256_file was declared here before */
#include "fnegraph/vgg16.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Load the 15 feature layers (fc8/predictions is not loaded) from a Keras
 * VGG16 file, finding datasets through the root attribute layer_names and
 * each group's weight_names, checking every shape and type, and computing
 * the file's SHA-256 into out->sha256. The "notop" file, a missing group or
 * dataset, a wrong shape or type, a truncated or non-HDF5 file: an error
 * naming the file and the dataset. */
FG_API fg_status fg_weights_load(const char *path, fg_weights *out);

/* Write w in exactly the Keras layout of the real file (layer_names with the
 * weightless layers, weight_names, dataset names <layer>_W_1:0 / _b_1:0),
 * predictions included when w->fc8_kernel is set. Written to a temporary
 * name and renamed, so a crash never leaves a half-written file at path. */
FG_API fg_status fg_weights_save(const char *path, const fg_weights *w);

#ifdef __cplusplus
}
#endif
#endif
