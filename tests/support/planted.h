/* Planted-partition test graphs shaped like the paper's: image vertices
 * (0..n_images-1) linked to feature vertices, and feature-feature edges;
 * each image and each feature belongs to one of `blocks` blocks, and edges
 * are likelier inside a block. Deterministic for a seed. */
#ifndef FNEGRAPH_PLANTED_H
#define FNEGRAPH_PLANTED_H

#include "fnegraph/csr.h"

#include <stdint.h>

typedef struct planted_spec {
    uint32_t blocks, images_per_block, features_per_block;
    double p_if_in, p_if_out;  /* image-feature, same block / other block */
    double p_ff_in, p_ff_out;  /* feature-feature */
    uint64_t seed;
} planted_spec;

/* Image i is in block i / images_per_block (labels[i] gets it, labels may be
 * NULL); feature j (vertex n_images + j) in block j / features_per_block. */
fg_status planted_graph(const planted_spec *s, fg_csr *g, int32_t *labels);

#endif
