/* Independent plain references for the graph module's tests: an edge-list
 * graph builder (collect, sort, unique, fg_csr_from_edge_list) and the
 * feature-feature edges computed with textbook loops (docs/method.md §5). */
#ifndef FNEGRAPH_TESTS_REF_GRAPH_H
#define FNEGRAPH_TESTS_REF_GRAPH_H

#include "fnegraph/graph.h"

#include <stdint.h>

/* The graph of codes (+ ff shifted by codes->n, may be NULL) from an edge
 * list: one edge per non-zero code read with fg_codes_get, one per ff edge
 * u < v; sorted, duplicates removed, then fg_csr_from_edge_list. */
fg_status ref_graph_build(const fg_codes *codes, const fg_csr *ff, fg_csr *out);

/* The feature graph of SPEC §5 on 2 * FG_FNE_DIM vertices (positive f,
 * negative FG_FNE_DIM + f): aggregation by plain loops in double, mean and
 * std by the two-pass formula, strict comparisons, edges sorted and unique.
 * pairs_pos/pairs_neg[FG_FF_PAIRS] receive the counts per layer pair. */
fg_status ref_ff_graph(const fg_weights *w, double k, fg_csr *out, uint64_t *pairs_pos,
                       uint64_t *pairs_neg);

/* Component of each vertex by union-find over the edges (ids: the smallest
 * vertex of each component); returns the number of components. comp[V]. */
uint32_t ref_components(const fg_csr *g, uint32_t *comp);

#endif
