/* The CSR graph's invariant check, and the simple twin of the builder from
 * an arbitrary edge list (fg_i_csr_from_edge_list_ref): counting pass
 * (degrees), prefix sum, fill pass, then a sort of each neighbour list,
 * O(n + m log d), one thread. The parallel builder the library uses is in
 * csr_edges.c; the builder from the ternary codes in csr_build.c. */
#include "fnegraph/csr.h"
#include "fnegraph/mem.h"
#include "graph/graph_internal.h"

#include <stdlib.h>
#include <string.h>

void fg_csr_destroy(fg_csr *g)
{
    if (!g) return;
    fg_free(g->offsets);
    fg_free(g->adj);
    memset(g, 0, sizeof *g);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

fg_status fg_i_csr_from_edge_list_ref(uint32_t n_vertices, uint32_t n_images, const uint32_t *edges, uint64_t m,
                                      const char *what, fg_csr *out)
{
    fg_status st = FG_OK;
    uint64_t *fill = NULL;
    if (!out || (m && !edges)) return FG_FAIL(FG_EINVAL, "fg_csr_from_edge_list: null argument");
    memset(out, 0, sizeof *out);
    if (!what) what = "edge list";
    if (n_images > n_vertices) {
        st = FG_FAIL(FG_EINVAL, "%s: %u image vertices but only %u vertices", what, n_images, n_vertices);
        goto done;
    }
    out->n_vertices = n_vertices;
    out->n_images = n_images;
    out->offsets = fg_calloc((size_t)n_vertices + 1, sizeof *out->offsets);
    out->adj = fg_alloc(2 * (size_t)m, sizeof *out->adj);
    fill = fg_alloc((size_t)n_vertices + 1, sizeof *fill);
    if (!out->offsets || !out->adj || !fill) {
        st = FG_ENOMEM;
        goto done;
    }
    for (uint64_t e = 0; e < m; e++) {
        uint32_t u = edges[2 * e], v = edges[2 * e + 1];
        if (u >= n_vertices || v >= n_vertices) {
            st = FG_FAIL(FG_EFORMAT, "%s: edge %llu (%u, %u) names a vertex >= n_vertices = %u", what,
                         (unsigned long long)e, u, v, n_vertices);
            goto done;
        }
        if (u == v) {
            st = FG_FAIL(FG_EFORMAT, "%s: edge %llu is a self-loop on vertex %u", what,
                         (unsigned long long)e, u);
            goto done;
        }
        out->offsets[u + 1]++;
        out->offsets[v + 1]++;
    }
    for (uint32_t v = 0; v < n_vertices; v++) out->offsets[v + 1] += out->offsets[v];
    memcpy(fill, out->offsets, ((size_t)n_vertices + 1) * sizeof *fill);
    for (uint64_t e = 0; e < m; e++) {
        uint32_t u = edges[2 * e], v = edges[2 * e + 1];
        out->adj[fill[u]++] = v;
        out->adj[fill[v]++] = u;
    }
    for (uint32_t v = 0; v < n_vertices; v++) {
        uint64_t b = out->offsets[v], e = out->offsets[v + 1];
        qsort(out->adj + b, e - b, sizeof *out->adj, cmp_u32);
        for (uint64_t i = b + 1; i < e; i++)
            if (out->adj[i] == out->adj[i - 1]) {
                st = FG_FAIL(FG_EFORMAT, "%s: edge (%u, %u) is listed more than once", what,
                             v < out->adj[i] ? v : out->adj[i], v < out->adj[i] ? out->adj[i] : v);
                goto done;
            }
    }
done:
    fg_free(fill);
    if (st != FG_OK) fg_csr_destroy(out);
    return st;
}

fg_status fg_csr_validate(const fg_csr *g)
{
    if (!g || !g->offsets) return FG_FAIL(FG_EINTERNAL, "csr: no graph");
    if (g->offsets[0] != 0) return FG_FAIL(FG_EINTERNAL, "csr: offsets[0] = %llu", (unsigned long long)g->offsets[0]);
    for (uint32_t v = 0; v < g->n_vertices; v++) {
        uint64_t b = g->offsets[v], e = g->offsets[v + 1];
        if (e < b) return FG_FAIL(FG_EINTERNAL, "csr: offsets decrease at vertex %u", v);
        for (uint64_t i = b; i < e; i++) {
            uint32_t u = g->adj[i];
            if (u >= g->n_vertices) return FG_FAIL(FG_EINTERNAL, "csr: vertex %u has neighbour %u out of range", v, u);
            if (u == v) return FG_FAIL(FG_EINTERNAL, "csr: self-loop on vertex %u", v);
            if (i > b && g->adj[i - 1] >= u)
                return FG_FAIL(FG_EINTERNAL, "csr: neighbours of %u not strictly ascending (%u then %u)", v,
                               g->adj[i - 1], u);
            /* the reverse edge: binary search in u's sorted list */
            uint64_t lo = g->offsets[u], hi = g->offsets[u + 1];
            while (lo < hi) {
                uint64_t mid = lo + (hi - lo) / 2;
                if (g->adj[mid] < v) lo = mid + 1;
                else hi = mid;
            }
            if (lo == g->offsets[u + 1] || g->adj[lo] != v)
                return FG_FAIL(FG_EINTERNAL, "csr: edge (%u, %u) has no reverse", v, u);
        }
    }
    return FG_OK;
}
