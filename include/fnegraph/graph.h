/* From the full-network embedding to the graph (docs/method.md §4-5).
 *
 *   x [n][d] floats ──fg_fne_stats_compute──▶ mean, std per feature (double)
 *                   ──fg_codes_ternarize───▶ two bit-planes per image
 *   fg_weights ──fg_ff_weights_aggregate──▶ aggregated W(j, i), per-output mean/std
 *              ──fg_ff_edges_compute(k)───▶ feature-feature graph on 2d vertices
 *   codes + feature graph ──fg_graph_build──▶ fg_csr (SPEC §5 numbering)
 *   fg_csr ──fg_components_find / fg_components_extract / fg_graph_summarize
 *   all of it for one (lo, hi, k) in one call: fg_graph_from_fne
 *
 * Vertex numbering (SPEC §5): images 0..n-1, the positive vertex of feature f
 * is n + f, the negative one n + d + f (d = FG_FNE_DIM for an FNE). The
 * feature-feature graph uses the same numbering without the images: positive
 * f, negative d + f, so that in the full graph its vertex u becomes n + u. */
#ifndef FNEGRAPH_GRAPH_H
#define FNEGRAPH_GRAPH_H

#include "fnegraph/export.h"

#include "fnegraph/csr.h"
#include "fnegraph/vgg16.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    FG_CODE_WORDS = (FG_FNE_DIM + 63) / 64, /* 194 words of 64 bits per bit-plane of an FNE */
    FG_FF_PAIRS = FG_VGG16_LAYERS - 1       /* 14 consecutive feature-layer pairs */
};

/* ---- standardization (SPEC §4) ---------------------------------------- */

/* Per-feature statistics of a set of images. */
typedef struct fg_fne_stats {
    int64_t d;       /* features */
    int64_t n_rows;  /* images they were computed from */
    double *mean;    /* [d] */
    double *std;     /* [d] population standard deviation (divide by n_rows) */
} fg_fne_stats;

/* Mean and population std of every column of x [n][d] (row-major) over the
 * rows listed in rows[n_rows] (a split, e.g. the training images), or over all
 * n rows when rows is NULL. Accumulated in double in row order, so the result
 * does not depend on the thread count. A NaN or infinite value in those rows
 * is FG_EINVAL naming the image (row index, and names[row] when names is not
 * NULL) and the feature (index, and for d = FG_FNE_DIM its layer and unit). */
FG_API fg_status fg_fne_stats_compute(const float *x, int64_t n, int64_t d, const int64_t *rows,
                               int64_t n_rows, const char *const *names, fg_fne_stats *out);
/* Free; accepts a zeroed or half-built object and leaves it zeroed. */
FG_API void fg_fne_stats_destroy(fg_fne_stats *s);

/* ---- ternary codes (SPEC §4) ------------------------------------------ */

/* Two bit-planes per image: plane 0 holds z > hi (+1), plane 1 z < lo (-1);
 * bit f of a plane is bit f % 64 of word f / 64; bits past d are zero. */
typedef struct fg_codes {
    int64_t n;       /* images */
    int64_t d;       /* features per image */
    int64_t words;   /* words per plane: (d + 63) / 64 (194 for an FNE) */
    double lo, hi;   /* the thresholds the codes were made with */
    uint64_t *bits;  /* [n][2][words] */
} fg_codes;

static inline const uint64_t *fg_codes_pos(const fg_codes *c, int64_t i)
{
    return c->bits + (uint64_t)i * 2 * (uint64_t)c->words;
}
static inline const uint64_t *fg_codes_neg(const fg_codes *c, int64_t i)
{
    return fg_codes_pos(c, i) + c->words;
}
/* The code of image i, feature f: +1, -1 or 0. */
static inline int fg_codes_get(const fg_codes *c, int64_t i, int64_t f)
{
    uint64_t b = 1ull << (f & 63);
    return (fg_codes_pos(c, i)[f >> 6] & b) ? 1 : (fg_codes_neg(c, i)[f >> 6] & b) ? -1 : 0;
}

/* Standardize and ternarize x [n][d] in one pass: per feature f,
 *   z = (x - m[f]) / s[f]   in float, m[f] = (float)mean[f], s[f] = (float)std[f],
 *   z = 0 where s[f] == 0;  code +1 when z > hi, -1 when z < lo, else 0 (strict).
 * The comparisons are exact against the double thresholds (a float z is
 * compared with the float nearest to hi from below, and to lo from above).
 * Uses the AVX-512 kernel when fg_cpu_isa() allows it, the scalar one
 * otherwise: both give identical bits. lo > hi, a stats object of another
 * width, or a NaN/infinite x (named as in fg_fne_stats_compute) is an error.
 * Parallel over images. */
FG_API fg_status fg_codes_ternarize(const float *x, int64_t n, int64_t d, const fg_fne_stats *s,
                             double lo, double hi, const char *const *names, fg_codes *out);
/* Number of +1 and -1 codes (either pointer may be NULL). */
FG_API void fg_codes_count(const fg_codes *c, uint64_t *n_pos, uint64_t *n_neg);
FG_API void fg_codes_destroy(fg_codes *c);

/* ---- feature-feature edges (SPEC §5) ---------------------------------- */

/* Aggregated weights of the 14 consecutive layer pairs p (input layer p,
 * output layer p + 1 of fg_vgg16_layers) and their per-output statistics.
 * Depends on the weights only: make it once per weight set and derive the
 * edges for every k from it. It copies what it needs (the weights may be
 * destroyed afterwards). */
typedef struct fg_ff_weights {
    int n_in[FG_FF_PAIRS];       /* features of layer p (fc6: 512 channels of pool5) */
    int n_out[FG_FF_PAIRS];      /* features of layer p + 1 */
    /* W(j, i) at [i * n_out + j]: conv: sum over the 3x3 kernel of
     * K[kh][kw][i][j]; fc6: sum over the 49 positions of fc1[(h*7+w)*512 + i][j]
     * (Keras HWC order); fc7: fc2[i][j]. Pairs 0..12 in double (w64), pair 13
     * (fc6 -> fc7, a plain copy) in float (w32); the other pointer is NULL. */
    double *w64[FG_FF_PAIRS];
    float *w32[FG_FF_PAIRS];
    double *mean[FG_FF_PAIRS];   /* [n_out]: mean of W(j, .) over the inputs */
    double *std[FG_FF_PAIRS];    /* [n_out]: population std of W(j, .) */
} fg_ff_weights;

/* Aggregate w (every feature-layer kernel must be present). Parallel;
 * the fc6 pass reads the 411 MB fc1 kernel once. */
FG_API fg_status fg_ff_weights_aggregate(const fg_weights *w, fg_ff_weights *out);
FG_API void fg_ff_weights_destroy(fg_ff_weights *a);

/* The feature-feature edges for one k. Pair (i, j) with W(j, i) > mean_j +
 * k std_j (strict) is positively correlated: edges (i+, j+) and (i-, j-);
 * W(j, i) < mean_j - k std_j: negatively, edges (i+, j-) and (i-, j+). An
 * output with std 0 (all its weights equal) has no edges. */
typedef struct fg_ff_edges {
    double k;
    uint64_t n_pairs_pos[FG_FF_PAIRS]; /* positively correlated pairs of layer pair p */
    uint64_t n_pairs_neg[FG_FF_PAIRS]; /* negatively correlated pairs */
    uint64_t n_pairs;                  /* all pairs; the graph has 2 * n_pairs edges */
    fg_csr graph;  /* 2 * FG_FNE_DIM vertices: positive f, negative FG_FNE_DIM + f; n_images = 0 */
} fg_ff_edges;

/* k must be finite and >= 0. Parallel; the result does not depend on the
 * thread count. */
FG_API fg_status fg_ff_edges_compute(const fg_ff_weights *a, double k, fg_ff_edges *out);
FG_API void fg_ff_edges_destroy(fg_ff_edges *e);

/* ---- the graph (SPEC §5) ---------------------------------------------- */

/* The undirected graph of n = codes->n images and 2d feature vertices:
 * image-feature edges from the codes (+1: (i, n+f), -1: (i, n+d+f)) and the
 * feature-feature graph ff (2d vertices, numbered as in fg_ff_edges; NULL for
 * none) shifted by n. Built by a degree pass and a fill pass, parallel over
 * images and features, with sorted neighbour lists; identical for any thread
 * count. out->n_images = n. */
FG_API fg_status fg_graph_build(const fg_codes *codes, const fg_csr *ff, fg_csr *out);

/* Connected components. Ids are numbered in the order of each component's
 * smallest vertex; an isolated vertex is a component of its own. */
typedef struct fg_components {
    uint32_t n_vertices;
    uint32_t n_components;  /* isolated vertices included */
    uint32_t n_isolated;    /* vertices of degree 0 */
    uint32_t largest;       /* id of the component with most vertices (smallest id on a tie) */
    uint32_t *id;           /* [n_vertices] component of each vertex */
    uint32_t *size;         /* [n_components] vertices */
    uint32_t *images;       /* [n_components] image vertices (those < g->n_images) */
} fg_components;

/* Breadth-first search from each unvisited vertex in ascending order: O(V + E). */
FG_API fg_status fg_components_find(const fg_csr *g, fg_components *out);
/* Component `comp` of g as a graph of its own: its vertices renumbered in
 * ascending order of their old ids, so its image vertices come first (keeping
 * their order) and out->n_images counts them. *vertex_map (fg_alloc'd,
 * [out->n_vertices]) receives the old id of each new vertex; NULL to skip. */
FG_API fg_status fg_components_extract(const fg_csr *g, const fg_components *c, uint32_t comp,
                                fg_csr *out, uint32_t **vertex_map);
FG_API void fg_components_destroy(fg_components *c);

/* The figures SPEC §5 asks for. */
typedef struct fg_graph_summary {
    uint32_t n_images;
    uint32_t n_vertices;               /* all, isolated included */
    uint32_t n_vertices_nonisolated;   /* the paper's |V| */
    uint64_t n_edges;
    uint64_t n_edges_if;               /* one image and one feature endpoint */
    uint64_t n_edges_ff;               /* two feature endpoints */
    uint64_t n_edges_ii;               /* two image endpoints (0 for graphs built here) */
    uint32_t n_components;             /* isolated vertices included */
    uint32_t n_components_nonisolated; /* components with at least one edge */
    uint32_t largest_component;        /* vertices of the largest component */
    uint32_t largest_component_images; /* image vertices in it */
} fg_graph_summary;

/* Count edges by kind and find the components of g. O(V + E). */
FG_API fg_status fg_graph_summarize(const fg_csr *g, fg_graph_summary *out);
/* The same from the components of g already found (fg_components_find):
 * no second search when the caller needs the components anyway. */
FG_API fg_status fg_graph_summarize_with(const fg_csr *g, const fg_components *c, fg_graph_summary *out);

/* ---- all of it for one configuration (a convenience composition) ------ */

/* What fg_graph_from_fne makes, with the seconds each stage took. */
typedef struct fg_fne_graph {
    fg_csr graph;             /* the graph (SPEC §5 numbering, n_images = n) */
    fg_graph_summary summary; /* its figures */
    fg_ff_edges ff;           /* the feature-feature edges for k (counts by layer pair) */
    double sec_stats, sec_ternarize, sec_ff_edges, sec_build, sec_summarize;
} fg_fne_graph;

/* The graph of the FNE x [n][FG_FNE_DIM] for one (lo, hi, k), as `fnegraph
 * graph` and `fnegraph cluster --fne` build it: fg_fne_stats_compute over all
 * n rows, fg_codes_ternarize(lo, hi), fg_ff_edges_compute(agg, k),
 * fg_graph_build, fg_graph_summarize. A sweep over many configurations calls
 * those steps itself to reuse what does not change: the statistics (once per
 * dataset), the codes (per lo, hi) and the edges (per k). names[n] (NULL
 * for none) and what (the FNE's source, e.g. its file; NULL for none) serve
 * the messages only: a NaN in x is an error naming what, the image and the
 * feature. n < 1 and lo > hi are FG_EINVAL. Parallel over OpenMP's threads;
 * the result does not depend on their number. */
FG_API fg_status fg_graph_from_fne(const float *x, int64_t n, const char *const *names, const char *what,
                            const fg_ff_weights *agg, double lo, double hi, double k, fg_fne_graph *out);
/* Free; accepts a zeroed or half-built object and leaves it zeroed. */
FG_API void fg_fne_graph_destroy(fg_fne_graph *g);

#ifdef __cplusplus
}
#endif
#endif
