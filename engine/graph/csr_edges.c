/* The CSR graph from an arbitrary edge list (fnegraph/csr.h), in parallel.
 * The list is cut into S contiguous shares (S = the thread count; share s is
 * rows [m s / S, m (s + 1) / S)), each with its own counters, so no atomics
 * are needed and the result does not depend on which thread runs a share:
 *   1. each share's edges are checked and counted in one pass (a vertex out
 *      of range, a self-loop: the first bad edge in list order is named, as
 *      the simple twin names it) — or by a reader that checked and counted
 *      them as it read them (fg_i_csr_from_counted_edges: io/edges_file.c,
 *      which also says whether the rows were in strictly ascending (u, v)
 *      order with u < v, as the edge files are: then step 4 is not needed);
 *   2. the counts summed, a prefix sum, each share's cursor for each vertex
 *      after those of the shares before it (one serial pass); 3. each share
 *      places its edges, so every list gets its edges in list order;
 *   4. each list checked: strictly ascending as it stands (a list written
 *      in ascending (u, v) order, as the edge files are, comes out sorted
 *      and is left alone), else sorted — insertion sort when short, else an
 *      LSD radix sort on bytes (as many passes as the largest vertex id
 *      needs), O(d) per list whatever the input, so no crafted file can make
 *      it quadratic — and checked for repeats: the first vertex with one is
 *      named.
 * When S x n_vertices counters would take too much memory (or m >= 2^32),
 * relaxed atomic counts and cursors instead (the order inside a list is then
 * arbitrary until the sort). The result equals the simple twin's
 * (fg_i_csr_from_edge_list_ref in csr.c), graph or error message. */
#include "fnegraph/csr.h"
#include "fnegraph/mem.h"
#include "graph/graph_internal.h"

#include <omp.h>
#include <string.h>

enum { INSERTION_MAX = 48 };
/* Shares x vertices counts kept per share (uint32 each) at most: above, atomics. */
#define PRIVATE_COUNTS_MAX ((uint64_t)1 << 26)

static void insertion_sort(uint32_t *a, uint64_t n)
{
    for (uint64_t i = 1; i < n; i++) {
        uint32_t x = a[i];
        uint64_t j = i;
        for (; j > 0 && a[j - 1] > x; j--) a[j] = a[j - 1];
        a[j] = x;
    }
}

/* Sort a[n] (values < 2^(8 * passes)) with tmp[n] as scratch. */
static void radix_sort(uint32_t *a, uint64_t n, int passes, uint32_t *tmp)
{
    uint32_t *src = a, *dst = tmp;
    for (int p = 0; p < passes; p++) {
        const int shift = 8 * p;
        uint64_t count[257];
        memset(count, 0, sizeof count);
        for (uint64_t i = 0; i < n; i++) count[((src[i] >> shift) & 0xFFu) + 1]++;
        if (count[((src[0] >> shift) & 0xFFu) + 1] == n) continue; /* one digit: nothing moves */
        for (int b = 0; b < 256; b++) count[b + 1] += count[b];
        for (uint64_t i = 0; i < n; i++) dst[count[(src[i] >> shift) & 0xFFu]++] = src[i];
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, n * sizeof *a);
}

bool fg_i_csr_counts_fit(uint32_t n_vertices, uint64_t m, int shares)
{
    return shares >= 1 && m < UINT32_MAX && (uint64_t)shares * n_vertices <= PRIVATE_COUNTS_MAX;
}

static fg_status out_of_memory(const char *what, uint32_t n_vertices, uint64_t m)
{
    return FG_FAIL(FG_ENOMEM, "%s: out of memory for a graph of %u vertices and %llu edges", what, n_vertices,
                   (unsigned long long)m);
}

/* Step 4 on out (offsets and adj filled): every list strictly ascending. */
static fg_status sort_lists(fg_csr *out, uint64_t max_degree, const char *what)
{
    const uint32_t n_vertices = out->n_vertices;
    const uint64_t *off = out->offsets;
    uint32_t *adj = out->adj;
    int passes = 1;
    while (passes < 4 && (uint64_t)(n_vertices - 1) >> (8 * passes)) passes++;
    uint32_t dup = n_vertices; /* the first vertex whose list repeats a neighbour */
    int no_memory = 0;
#pragma omp parallel reduction(min : dup) reduction(| : no_memory)
    {
        uint32_t *tmp = NULL; /* radix scratch, made when a long list needs sorting */
#pragma omp for schedule(dynamic, 256)
        for (uint32_t v = 0; v < n_vertices; v++) {
            uint32_t *a = adj + off[v];
            const uint64_t d = off[v + 1] - off[v];
            uint64_t i = 1;
            while (i < d && a[i - 1] < a[i]) i++;
            if (i >= d) continue; /* strictly ascending: sorted, no repeats */
            if (d <= INSERTION_MAX) insertion_sort(a, d);
            else {
                if (!tmp && !no_memory && !(tmp = fg_alloc((size_t)max_degree, sizeof *tmp))) no_memory = 1;
                if (!tmp) continue;
                radix_sort(a, d, passes, tmp);
            }
            for (i = 1; i < d; i++)
                if (a[i] == a[i - 1]) {
                    if (v < dup) dup = v;
                    break;
                }
        }
        fg_free(tmp);
    }
    if (no_memory)
        return FG_FAIL(FG_ENOMEM, "%s: out of memory for sorting neighbour lists of up to %llu vertices", what,
                       (unsigned long long)max_degree);
    if (dup < n_vertices)
        for (uint64_t i = off[dup] + 1; i < off[dup + 1]; i++)
            if (adj[i] == adj[i - 1]) {
                const uint32_t w = adj[i];
                return FG_FAIL(FG_EFORMAT, "%s: edge (%u, %u) is listed more than once", what, dup < w ? dup : w,
                               dup < w ? w : dup);
            }
    return FG_OK;
}

/* Steps 2 to 4 from the shares' counts (cnt [shares][n_vertices], used up as
 * cursors), into out (zeroed; allocated here); step 4 left out when the
 * edges are known to be in strictly ascending (u, v) order with u < v. */
static fg_status build_counted(uint32_t n_vertices, uint32_t n_images, const uint32_t *edges, uint64_t m,
                               int shares, uint32_t *cnt, bool ascending, const char *what, fg_csr *out)
{
    out->n_vertices = n_vertices;
    out->n_images = n_images;
    out->offsets = fg_alloc((size_t)n_vertices + 1, sizeof *out->offsets);
    out->adj = fg_i_alloc_huge(2 * (size_t)m, sizeof *out->adj);
    if (!out->offsets || !out->adj) return out_of_memory(what, n_vertices, m);
    uint64_t *off = out->offsets, max_degree = 0;
    uint32_t *adj = out->adj;
    const size_t n = n_vertices;
    /* degrees, offsets and cursors in one serial pass over the counts (S x n
     * uint32, at most PRIVATE_COUNTS_MAX: a pass no longer than the two
     * parallel ones and the serial prefix it replaces, and no barrier): vertex
     * v's slots for share k start after those of shares < k */
    off[0] = 0;
    for (uint32_t v = 0; v < n_vertices; v++) {
        uint32_t at = 0;
        for (int k = 0; k < shares; k++) {
            const uint32_t d = cnt[(size_t)k * n + v];
            cnt[(size_t)k * n + v] = at;
            at += d;
        }
        if (at > max_degree) max_degree = at;
        off[v + 1] = off[v] + at;
    }
#pragma omp parallel for schedule(static, 1)
    for (int s = 0; s < shares; s++) {
        const uint64_t e0 = m * (uint64_t)s / (uint64_t)shares, e1 = m * (uint64_t)(s + 1) / (uint64_t)shares;
        uint32_t *c = cnt + (size_t)s * n;
        for (uint64_t e = e0; e < e1; e++) {
            const uint32_t u = edges[2 * e], v = edges[2 * e + 1];
            adj[off[u] + c[u]++] = v;
            adj[off[v] + c[v]++] = u;
        }
    }
    /* ascending rows (u, v), u < v: vertex x's list is the u of the rows (u, x), all < x and ascending, then
     * the v of the rows (x, v), all > x and ascending, since the shares keep the list order: sorted, no repeat */
    return ascending ? FG_OK : sort_lists(out, max_degree, what);
}

fg_status fg_i_csr_from_counted_edges(uint32_t n_vertices, uint32_t n_images, const uint32_t *edges, uint64_t m,
                                      int shares, uint32_t *counts, bool ascending, const char *what, fg_csr *out)
{
    if (!out || (m && !edges) || !counts || !fg_i_csr_counts_fit(n_vertices, m, shares))
        return FG_FAIL(FG_EINVAL, "fg_i_csr_from_counted_edges: bad argument");
    memset(out, 0, sizeof *out);
    if (!what) what = "edge list";
    if (n_images > n_vertices)
        return FG_FAIL(FG_EINVAL, "%s: %u image vertices but only %u vertices", what, n_images, n_vertices);
    fg_status st = build_counted(n_vertices, n_images, edges, m, shares, counts, ascending, what, out);
    if (st != FG_OK) fg_csr_destroy(out);
    return st;
}

/* The error for the first bad edge, as the simple twin words it. */
static fg_status bad_edge(const char *what, const uint32_t *edges, uint64_t bad, uint32_t n_vertices)
{
    const uint32_t u = edges[2 * bad], v = edges[2 * bad + 1];
    if (u >= n_vertices || v >= n_vertices)
        return FG_FAIL(FG_EFORMAT, "%s: edge %llu (%u, %u) names a vertex >= n_vertices = %u", what,
                       (unsigned long long)bad, u, v, n_vertices);
    return FG_FAIL(FG_EFORMAT, "%s: edge %llu is a self-loop on vertex %u", what, (unsigned long long)bad, u);
}

/* Step 1 with private counts: *bad = the first bad edge, or m. */
static void check_and_count(const uint32_t *edges, uint64_t m, uint32_t n_vertices, int shares, uint32_t *cnt,
                            uint64_t *bad_out)
{
    uint64_t bad = m;
#pragma omp parallel for schedule(static, 1) reduction(min : bad)
    for (int s = 0; s < shares; s++) {
        const uint64_t e0 = m * (uint64_t)s / (uint64_t)shares, e1 = m * (uint64_t)(s + 1) / (uint64_t)shares;
        uint32_t *c = cnt + (size_t)s * n_vertices;
        for (uint64_t e = e0; e < e1; e++) {
            const uint32_t u = edges[2 * e], v = edges[2 * e + 1];
            if (u >= n_vertices || v >= n_vertices || u == v) {
                if (e < bad) bad = e;
                break;
            }
            c[u]++;
            c[v]++;
        }
    }
    *bad_out = bad;
}

/* The first edge (in list order) with a vertex out of range or a self-loop, or m. */
static uint64_t first_bad_edge(const uint32_t *edges, uint64_t m, uint32_t n_vertices)
{
    uint64_t bad = m;
#pragma omp parallel for schedule(static) reduction(min : bad)
    for (uint64_t e = 0; e < m; e++) {
        const uint32_t u = edges[2 * e], v = edges[2 * e + 1];
        if ((u >= n_vertices || v >= n_vertices || u == v) && e < bad) bad = e;
    }
    return bad;
}

/* Steps 1 to 4 with atomic counts and cursors (too many vertices for private counts). */
static fg_status build_atomic(uint32_t n_vertices, uint32_t n_images, const uint32_t *edges, uint64_t m,
                              const char *what, fg_csr *out)
{
    const uint64_t bad = first_bad_edge(edges, m, n_vertices);
    if (bad < m) return bad_edge(what, edges, bad, n_vertices);
    out->n_vertices = n_vertices;
    out->n_images = n_images;
    out->offsets = fg_calloc((size_t)n_vertices + 1, sizeof *out->offsets);
    out->adj = fg_i_alloc_huge(2 * (size_t)m, sizeof *out->adj);
    if (!out->offsets || !out->adj) return out_of_memory(what, n_vertices, m);
    uint64_t *off = out->offsets, max_degree = 0;
    uint32_t *adj = out->adj;
#pragma omp parallel for schedule(static)
    for (uint64_t e = 0; e < m; e++) {
        __atomic_fetch_add(&off[edges[2 * e] + 1], 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&off[edges[2 * e + 1] + 1], 1, __ATOMIC_RELAXED);
    }
    for (uint32_t v = 0; v < n_vertices; v++) {
        if (off[v + 1] > max_degree) max_degree = off[v + 1];
        off[v + 1] += off[v];
    }
    uint64_t *fill = fg_alloc((size_t)n_vertices + 1, sizeof *fill); /* the atomic cursors */
    if (!fill) return FG_FAIL(FG_ENOMEM, "%s: out of memory for a graph of %u vertices", what, n_vertices);
    memcpy(fill, off, ((size_t)n_vertices + 1) * sizeof *fill);
#pragma omp parallel for schedule(static)
    for (uint64_t e = 0; e < m; e++) {
        const uint32_t u = edges[2 * e], v = edges[2 * e + 1];
        adj[__atomic_fetch_add(&fill[u], 1, __ATOMIC_RELAXED)] = v;
        adj[__atomic_fetch_add(&fill[v], 1, __ATOMIC_RELAXED)] = u;
    }
    fg_free(fill);
    return sort_lists(out, max_degree, what);
}

fg_status fg_csr_from_edge_list(uint32_t n_vertices, uint32_t n_images, const uint32_t *edges, uint64_t m,
                                const char *what, fg_csr *out)
{
    fg_status st = FG_OK;
    if (!out || (m && !edges)) return FG_FAIL(FG_EINVAL, "fg_csr_from_edge_list: null argument");
    memset(out, 0, sizeof *out);
    if (!what) what = "edge list";
    if (n_images > n_vertices) return FG_FAIL(FG_EINVAL, "%s: %u image vertices but only %u vertices", what, n_images,
                                              n_vertices);
    const int shares = omp_get_max_threads();
    uint32_t *cnt = fg_i_csr_counts_fit(n_vertices, m, shares) ? fg_calloc((size_t)shares * n_vertices, sizeof *cnt)
                                                                : NULL;
    if (cnt) {
        uint64_t bad = m;
        check_and_count(edges, m, n_vertices, shares, cnt, &bad);
        st = bad < m ? bad_edge(what, edges, bad, n_vertices)
                     : build_counted(n_vertices, n_images, edges, m, shares, cnt, false, what, out);
        fg_free(cnt);
    } else st = build_atomic(n_vertices, n_images, edges, m, what, out);
    if (st != FG_OK) fg_csr_destroy(out);
    return st;
}
