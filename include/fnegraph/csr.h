/* The undirected simple graph every stage after the embedding works on:
 * compressed sparse rows with 32-bit vertex ids and 64-bit offsets.
 *
 * Invariants (every builder guarantees them, tests check them): each
 * undirected edge {u, v} appears twice (v in u's list and u in v's); every
 * neighbour list is sorted ascending; no self-loops, no duplicates. Image
 * vertices are 0..n_images-1 (docs/method.md §5 numbering). */
#ifndef FNEGRAPH_CSR_H
#define FNEGRAPH_CSR_H

#include "fnegraph/export.h"

#include "fnegraph/error.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fg_csr {
    uint32_t n_vertices;
    uint32_t n_images;   /* image vertices are 0..n_images-1 */
    uint64_t *offsets;   /* [n_vertices + 1]; neighbours of v: adj[offsets[v] .. offsets[v+1]) */
    uint32_t *adj;       /* [2 * n_edges] */
} fg_csr;

static inline uint64_t fg_csr_n_edges(const fg_csr *g) { return g->offsets[g->n_vertices] / 2; }
static inline uint64_t fg_csr_degree(const fg_csr *g, uint32_t v)
{
    return g->offsets[v + 1] - g->offsets[v];
}

/* Build from m undirected edges given as pairs edges[2i], edges[2i+1] in any
 * order and orientation. A self-loop, a vertex id >= n_vertices or an edge
 * listed twice is an error naming the edge (what = the source, e.g. a file
 * name, for the message). O(n + m log d). */
FG_API fg_status fg_csr_from_edge_list(uint32_t n_vertices, uint32_t n_images, const uint32_t *edges,
                                uint64_t m, const char *what, fg_csr *out);

/* Check the invariants above; FG_EINTERNAL naming the first broken one. */
FG_API fg_status fg_csr_validate(const fg_csr *g);

/* Free the arrays; accepts a zeroed or half-built graph and leaves it zeroed. */
FG_API void fg_csr_destroy(fg_csr *g);

#ifdef __cplusplus
}
#endif
#endif
