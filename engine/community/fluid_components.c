/* Connected components for FluidC's connectivity check and for running it on
 * the largest component (SPEC.md §6: "the runner uses the largest connected
 * component and reports what it left out").
 * Breadth-first search from each unvisited vertex in increasing order:
 * O(n + m) time, one queue of n vertex ids. Private (fluid_private.h). */
#include "fluid_private.h"
#include "fnegraph/mem.h"

#include <string.h>

#define UNSEEN UINT32_MAX

fg_status fg_i_fluid_components(const fg_csr *g, uint32_t *comp, uint32_t *n_comp, uint32_t *largest,
                                uint32_t *largest_size)
{
    if (!g || !comp || !n_comp || !largest || !largest_size)
        return FG_FAIL(FG_EINVAL, "fg_i_fluid_components: null argument");
    uint32_t n = g->n_vertices;
    *n_comp = *largest = *largest_size = 0;
    if (n == 0) return FG_OK;
    uint32_t *queue = fg_alloc(n, sizeof *queue);
    if (!queue) return FG_ENOMEM;
    memset(comp, 0xff, (size_t)n * sizeof *comp);
    uint32_t id = 0;
    for (uint32_t s = 0; s < n; s++) {
        if (comp[s] != UNSEEN) continue;
        uint32_t head = 0, tail = 0;
        queue[tail++] = s;
        comp[s] = id;
        while (head < tail) {
            uint32_t v = queue[head++];
            for (uint64_t i = g->offsets[v]; i < g->offsets[v + 1]; i++) {
                uint32_t u = g->adj[i];
                if (comp[u] == UNSEEN) {
                    comp[u] = id;
                    queue[tail++] = u;
                }
            }
        }
        if (tail > *largest_size) {
            *largest_size = tail;
            *largest = id;
        }
        id++;
    }
    *n_comp = id;
    fg_free(queue);
    return FG_OK;
}

fg_status fg_i_fluid_component_subgraph(const fg_csr *g, const uint32_t *comp, uint32_t id, fg_csr *sub,
                                        uint32_t **to_orig)
{
    fg_status st = FG_OK;
    uint32_t *newid = NULL;
    if (!g || !comp || !sub || !to_orig) return FG_FAIL(FG_EINVAL, "fg_i_fluid_component_subgraph: null argument");
    memset(sub, 0, sizeof *sub);
    *to_orig = NULL;
    uint32_t n = g->n_vertices, ns = 0, ni = 0;
    uint64_t m2 = 0;
    newid = fg_alloc(n ? n : 1, sizeof *newid);
    if (!newid) return FG_ENOMEM;
    for (uint32_t v = 0; v < n; v++) {
        if (comp[v] != id) {
            newid[v] = UNSEEN;
            continue;
        }
        newid[v] = ns++;
        if (v < g->n_images) ni++;
        m2 += g->offsets[v + 1] - g->offsets[v];
    }
    sub->n_vertices = ns;
    sub->n_images = ni;
    sub->offsets = fg_alloc((size_t)ns + 1, sizeof *sub->offsets);
    sub->adj = fg_alloc(m2 ? m2 : 1, sizeof *sub->adj);
    *to_orig = fg_alloc(ns ? ns : 1, sizeof **to_orig);
    if (!sub->offsets || !sub->adj || !*to_orig) {
        st = FG_ENOMEM;
        goto done;
    }
    uint64_t w = 0;
    sub->offsets[0] = 0;
    for (uint32_t v = 0; v < n; v++) {
        uint32_t s = newid[v];
        if (s == UNSEEN) continue;
        (*to_orig)[s] = v;
        /* a component is closed under adjacency, and the renumbering is
         * monotone, so the list stays complete and sorted */
        for (uint64_t i = g->offsets[v]; i < g->offsets[v + 1]; i++) sub->adj[w++] = newid[g->adj[i]];
        sub->offsets[s + 1] = w;
    }
done:
    fg_free(newid);
    if (st != FG_OK) {
        fg_csr_destroy(sub);
        fg_free(*to_orig);
        *to_orig = NULL;
    }
    return st;
}
