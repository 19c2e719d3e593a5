/* The edge file (docs/formats.md): any undirected graph for `fnegraph cluster --edges`.
 *   /edges   int32 [E][2], u < v, in ascending (u, v) order when fnegraph writes it
 *   /label   int32 [n_images], optional: the ground truth of the image vertices
 *   attributes n_vertices, n_images (image vertices are 0..n_images-1) */
#ifndef FNEGRAPH_EDGES_FILE_H
#define FNEGRAPH_EDGES_FILE_H

#include "fnegraph/export.h"

#include "fnegraph/csr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Write g (and labels[n_images] when not NULL) to path. */
FG_API fg_status fg_edges_file_write(const char *path, const fg_csr *g, const int32_t *labels);
/* Read path into *g; *labels gets a fg_alloc'd [n_images] array or NULL when
 * the file has no /label. Malformed content is an error naming the file and
 * the dataset or edge. */
FG_API fg_status fg_edges_file_read(const char *path, fg_csr *g, int32_t **labels);

#ifdef __cplusplus
}
#endif
#endif
