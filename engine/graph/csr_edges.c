/* The CSR graph from an arbitrary edge list (fnegraph/csr.h), in parallel:
 *   1. every edge checked (a vertex out of range, a self-loop); the first bad
 *      one in list order is named, as the simple twin names it;
 *   2. degrees counted per thread over its share of the list, summed, a
 *      prefix sum; 3. each thread places its edges at cursors of its own —
 *      or, when threads x vertices counters would take too much memory,
 *      relaxed atomic counts and cursors (the order inside a list is then
 *      arbitrary until the sort);
 *   4. each list sorted — insertion sort when short, else an LSD radix sort
 *      on bytes (as many passes as the largest vertex id needs), O(d) per
 *      list whatever the input, so no crafted file can make it quadratic —
 *      and checked for repeats: the first vertex with one is named.
 * The result does not depend on the thread count and equals the simple twin's
 * (fg_i_csr_from_edge_list_ref in csr.c), graph or error message. */
#include "fnegraph/csr.h"
#include "fnegraph/mem.h"
#include "graph/graph_internal.h"

#include <omp.h>
#include <string.h>

enum { INSERTION_MAX = 48 };
/* Threads x vertices counts kept per thread (uint32 each) at most: above, atomics. */
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

fg_status fg_csr_from_edge_list(uint32_t n_vertices, uint32_t n_images, const uint32_t *edges, uint64_t m,
                                const char *what, fg_csr *out)
{
    fg_status st = FG_OK;
    uint64_t *fill = NULL;
    if (!out || (m && !edges)) return FG_FAIL(FG_EINVAL, "fg_csr_from_edge_list: null argument");
    memset(out, 0, sizeof *out);
    if (!what) what = "edge list";
    if (n_images > n_vertices) return FG_FAIL(FG_EINVAL, "%s: %u image vertices but only %u vertices", what, n_images,
                                              n_vertices);
    const uint64_t bad = first_bad_edge(edges, m, n_vertices);
    if (bad < m) {
        const uint32_t u = edges[2 * bad], v = edges[2 * bad + 1];
        if (u >= n_vertices || v >= n_vertices)
            return FG_FAIL(FG_EFORMAT, "%s: edge %llu (%u, %u) names a vertex >= n_vertices = %u", what,
                           (unsigned long long)bad, u, v, n_vertices);
        return FG_FAIL(FG_EFORMAT, "%s: edge %llu is a self-loop on vertex %u", what, (unsigned long long)bad, u);
    }
    out->n_vertices = n_vertices;
    out->n_images = n_images;
    out->offsets = fg_calloc((size_t)n_vertices + 1, sizeof *out->offsets);
    out->adj = fg_alloc(2 * (size_t)m, sizeof *out->adj);
    if (!out->offsets || !out->adj) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory for a graph of %u vertices and %llu edges", what, n_vertices,
                     (unsigned long long)m);
        goto done;
    }
    uint64_t *off = out->offsets, max_degree = 0;
    uint32_t *adj = out->adj;
    const int T = omp_get_max_threads();
    uint32_t *cnt = NULL; /* [T][n_vertices]: thread t's count of each vertex, then its cursor */
    if (T > 1 && m < UINT32_MAX && (uint64_t)T * n_vertices <= PRIVATE_COUNTS_MAX)
        cnt = fg_calloc((size_t)T * n_vertices, sizeof *cnt);
    if (cnt) {
        /* thread t takes the edges of its static share; no atomics, and each
         * list gets its edges in list order (sorted afterwards anyway) */
#pragma omp parallel num_threads(T)
        {
            const int t = omp_get_thread_num(), nt = omp_get_num_threads();
            const uint64_t e0 = m * (uint64_t)t / (uint64_t)nt, e1 = m * (uint64_t)(t + 1) / (uint64_t)nt;
            uint32_t *c = cnt + (size_t)t * n_vertices;
            for (uint64_t e = e0; e < e1; e++) {
                c[edges[2 * e]]++;
                c[edges[2 * e + 1]]++;
            }
#pragma omp barrier
#pragma omp for schedule(static)
            for (uint32_t v = 0; v < n_vertices; v++) {
                uint64_t d = 0;
                for (int k = 0; k < nt; k++) d += cnt[(size_t)k * n_vertices + v];
                off[v + 1] = d;
            }
#pragma omp single
            for (uint32_t v = 0; v < n_vertices; v++) {
                if (off[v + 1] > max_degree) max_degree = off[v + 1];
                off[v + 1] += off[v];
            }
            /* cursors: vertex v's slots for thread t start after those of threads < t */
#pragma omp for schedule(static)
            for (uint32_t v = 0; v < n_vertices; v++) {
                uint64_t at = off[v];
                for (int k = 0; k < nt; k++) {
                    const uint32_t d = cnt[(size_t)k * n_vertices + v];
                    cnt[(size_t)k * n_vertices + v] = (uint32_t)(at - off[v]);
                    at += d;
                }
            }
            for (uint64_t e = e0; e < e1; e++) {
                const uint32_t u = edges[2 * e], v = edges[2 * e + 1];
                adj[off[u] + c[u]++] = v;
                adj[off[v] + c[v]++] = u;
            }
        }
    } else {
#pragma omp parallel for schedule(static)
        for (uint64_t e = 0; e < m; e++) {
            __atomic_fetch_add(&off[edges[2 * e] + 1], 1, __ATOMIC_RELAXED);
            __atomic_fetch_add(&off[edges[2 * e + 1] + 1], 1, __ATOMIC_RELAXED);
        }
        for (uint32_t v = 0; v < n_vertices; v++) {
            if (off[v + 1] > max_degree) max_degree = off[v + 1];
            off[v + 1] += off[v];
        }
        fill = fg_alloc((size_t)n_vertices + 1, sizeof *fill); /* the atomic cursors */
        if (!fill) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory for a graph of %u vertices", what, n_vertices);
            goto done;
        }
        memcpy(fill, off, ((size_t)n_vertices + 1) * sizeof *fill);
#pragma omp parallel for schedule(static)
        for (uint64_t e = 0; e < m; e++) {
            const uint32_t u = edges[2 * e], v = edges[2 * e + 1];
            adj[__atomic_fetch_add(&fill[u], 1, __ATOMIC_RELAXED)] = v;
            adj[__atomic_fetch_add(&fill[v], 1, __ATOMIC_RELAXED)] = u;
        }
    }
    fg_free(cnt);
    int passes = 1;
    while (passes < 4 && (uint64_t)(n_vertices - 1) >> (8 * passes)) passes++;
    uint32_t dup = n_vertices; /* the first vertex whose list repeats a neighbour */
    int no_memory = 0;
#pragma omp parallel reduction(min : dup) reduction(| : no_memory)
    {
        uint32_t *tmp = max_degree > INSERTION_MAX ? fg_alloc((size_t)max_degree, sizeof *tmp) : NULL;
        if (max_degree > INSERTION_MAX && !tmp) no_memory = 1;
#pragma omp for schedule(dynamic, 256)
        for (uint32_t v = 0; v < n_vertices; v++) {
            const uint64_t b = off[v], d = off[v + 1] - b;
            if (d <= INSERTION_MAX) insertion_sort(adj + b, d);
            else if (tmp) radix_sort(adj + b, d, passes, tmp);
            for (uint64_t i = 1; i < d; i++)
                if (adj[b + i] == adj[b + i - 1]) {
                    if (v < dup) dup = v;
                    break;
                }
        }
        fg_free(tmp);
    }
    if (no_memory) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory for sorting neighbour lists of up to %llu vertices", what,
                     (unsigned long long)max_degree);
        goto done;
    }
    if (dup < n_vertices) {
        const uint64_t b = off[dup], e = off[dup + 1];
        for (uint64_t i = b + 1; i < e; i++)
            if (adj[i] == adj[i - 1]) {
                const uint32_t w = adj[i];
                st = FG_FAIL(FG_EFORMAT, "%s: edge (%u, %u) is listed more than once", what, dup < w ? dup : w,
                             dup < w ? w : dup);
                break;
            }
    }
done:
    fg_free(fill);
    if (st != FG_OK) fg_csr_destroy(out);
    return st;
}
