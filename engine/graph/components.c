/* Connected components of a CSR graph, the largest one as a graph of its own
 * (FluidC needs a connected graph: docs/method.md §6), and the figures of docs/method.md §5
 * (|V| all and non-isolated, |E| by kind, components).
 *
 * Components: breadth-first search started from each unvisited vertex in
 * ascending order, so ids follow each component's smallest vertex. O(V + E).
 * Extraction: vertices renumbered in ascending old order (a monotone map keeps
 * every neighbour list sorted and the image vertices first). O(V + E_comp). */
#include "graph/graph_internal.h"
#include "fnegraph/mem.h"

#include <string.h>

void fg_components_destroy(fg_components *c)
{
    if (!c) return;
    fg_free(c->id);
    fg_free(c->size);
    fg_free(c->images);
    memset(c, 0, sizeof *c);
}

fg_status fg_components_find(const fg_csr *g, fg_components *out)
{
    fg_status st = FG_OK;
    uint32_t *queue = NULL;
    if (!out) return FG_FAIL(FG_EINVAL, "fg_components_find: null output");
    memset(out, 0, sizeof *out);
    if (!g || !g->offsets) return FG_FAIL(FG_EINVAL, "fg_components_find: no graph");
    const uint32_t V = g->n_vertices, unseen = UINT32_MAX;
    out->n_vertices = V;
    out->id = fg_alloc((size_t)V, sizeof *out->id);
    out->size = fg_alloc((size_t)V, sizeof *out->size);
    out->images = fg_alloc((size_t)V, sizeof *out->images);
    queue = fg_alloc((size_t)V, sizeof *queue);
    if (!out->id || !out->size || !out->images || !queue) {
        st = FG_ENOMEM;
        goto done;
    }
    memset(out->id, 0xff, (size_t)V * sizeof *out->id);
    uint32_t nc = 0;
    for (uint32_t s = 0; s < V; s++) {
        if (out->id[s] != unseen) continue;
        uint32_t c = nc++, head = 0, tail = 0, images = 0;
        out->id[s] = c;
        queue[tail++] = s;
        while (head < tail) {
            uint32_t v = queue[head++];
            images += v < g->n_images;
            for (uint64_t e = g->offsets[v]; e < g->offsets[v + 1]; e++) {
                uint32_t u = g->adj[e];
                if (out->id[u] == unseen) {
                    out->id[u] = c;
                    queue[tail++] = u;
                }
            }
        }
        out->size[c] = tail;
        out->images[c] = images;
        if (tail == 1) out->n_isolated++;
        if (c == 0 || tail > out->size[out->largest]) out->largest = c;
    }
    out->n_components = nc;
done:
    fg_free(queue);
    if (st != FG_OK) fg_components_destroy(out);
    return st;
}

fg_status fg_components_extract(const fg_csr *g, const fg_components *c, uint32_t comp, fg_csr *out,
                                uint32_t **vertex_map)
{
    fg_status st = FG_OK;
    uint32_t *newid = NULL, *map = NULL;
    if (vertex_map) *vertex_map = NULL;
    if (!out) return FG_FAIL(FG_EINVAL, "fg_components_extract: null output");
    memset(out, 0, sizeof *out);
    if (!g || !g->offsets || !c || !c->id) return FG_FAIL(FG_EINVAL, "fg_components_extract: null argument");
    if (c->n_vertices != g->n_vertices)
        return FG_FAIL(FG_EINVAL, "fg_components_extract: components of a %u-vertex graph for one of %u",
                       c->n_vertices, g->n_vertices);
    if (comp >= c->n_components)
        return FG_FAIL(FG_EINVAL, "fg_components_extract: component %u of %u", comp, c->n_components);
    const uint32_t V = g->n_vertices, nv = c->size[comp];
    newid = fg_alloc((size_t)V, sizeof *newid);
    map = fg_alloc((size_t)nv, sizeof *map);
    out->offsets = fg_alloc((size_t)nv + 1, sizeof *out->offsets);
    if (!newid || !map || !out->offsets) {
        st = FG_ENOMEM;
        goto done;
    }
    uint32_t k = 0, images = 0;
    for (uint32_t v = 0; v < V; v++)
        if (c->id[v] == comp) {
            newid[v] = k;
            map[k++] = v;
            images += v < g->n_images;
        }
    if (k != nv) {
        st = FG_FAIL(FG_EINTERNAL, "component %u: %u vertices listed, size says %u", comp, k, nv);
        goto done;
    }
    out->n_vertices = nv;
    out->n_images = images;
    out->offsets[0] = 0;
    for (uint32_t u = 0; u < nv; u++) out->offsets[u + 1] = out->offsets[u] + fg_csr_degree(g, map[u]);
    out->adj = fg_i_alloc_huge(out->offsets[nv], sizeof *out->adj);
    if (!out->adj) {
        st = FG_ENOMEM;
        goto done;
    }
#pragma omp parallel for schedule(dynamic, 64)
    for (uint32_t u = 0; u < nv; u++) {
        const uint32_t *src = g->adj + g->offsets[map[u]];
        uint32_t *dst = out->adj + out->offsets[u];
        uint64_t m = out->offsets[u + 1] - out->offsets[u];
        for (uint64_t e = 0; e < m; e++) dst[e] = newid[src[e]];
    }
    if (vertex_map) {
        *vertex_map = map;
        map = NULL;
    }
done:
    fg_free(newid);
    fg_free(map);
    if (st != FG_OK) fg_csr_destroy(out);
    return st;
}

fg_status fg_graph_summarize_with(const fg_csr *g, const fg_components *comps, fg_graph_summary *out)
{
    if (!out) return FG_FAIL(FG_EINVAL, "fg_graph_summarize: null output");
    memset(out, 0, sizeof *out);
    if (!g || !g->offsets) return FG_FAIL(FG_EINVAL, "fg_graph_summarize: no graph");
    if (!comps || comps->n_vertices != g->n_vertices)
        return FG_FAIL(FG_EINVAL, "fg_graph_summarize: components of another graph");
    const uint32_t V = g->n_vertices, N = g->n_images;
    uint64_t nonisolated = 0, if_entries = 0, ii_entries = 0;
#pragma omp parallel for schedule(static) reduction(+ : nonisolated)
    for (uint32_t v = 0; v < V; v++) nonisolated += g->offsets[v + 1] > g->offsets[v];
#pragma omp parallel for schedule(static) reduction(+ : if_entries, ii_entries)
    for (uint32_t v = 0; v < N; v++)
        for (uint64_t e = g->offsets[v]; e < g->offsets[v + 1]; e++) {
            if (g->adj[e] < N) ii_entries++;
            else if_entries++;
        }
    out->n_images = N;
    out->n_vertices = V;
    out->n_vertices_nonisolated = (uint32_t)nonisolated;
    out->n_edges = fg_csr_n_edges(g);
    out->n_edges_if = if_entries;
    out->n_edges_ii = ii_entries / 2;
    out->n_edges_ff = out->n_edges - out->n_edges_if - out->n_edges_ii;
    out->n_components = comps->n_components;
    out->n_components_nonisolated = comps->n_components - comps->n_isolated;
    if (comps->n_components) {
        out->largest_component = comps->size[comps->largest];
        out->largest_component_images = comps->images[comps->largest];
    }
    return FG_OK;
}

fg_status fg_graph_summarize(const fg_csr *g, fg_graph_summary *out)
{
    fg_components comps;
    memset(&comps, 0, sizeof comps);
    if (!out) return FG_FAIL(FG_EINVAL, "fg_graph_summarize: null output");
    if (!g || !g->offsets) {
        memset(out, 0, sizeof *out);
        return FG_FAIL(FG_EINVAL, "fg_graph_summarize: no graph");
    }
    fg_status st = fg_components_find(g, &comps);
    if (st == FG_OK) st = fg_graph_summarize_with(g, &comps, out);
    fg_components_destroy(&comps);
    return st;
}
