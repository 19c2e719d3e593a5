/* The CSR graph from an arbitrary edge list (fnegraph/csr.h), in parallel.
 * The list is cut into S contiguous shares (S = the thread count; share s is
 * rows [m s / S, m (s + 1) / S)), each with its own counters, so no atomics
 * are needed and the result does not depend on which thread runs a share:
 *   1. each share's edges are checked and counted in one pass (a vertex out
 *      of range, a self-loop: the first bad edge in list order is named, as
 *      the simple twin names it) — or by a reader that checked and counted
 *      them as it read them, and gives them again piece by piece rather than
 *      keep them (fg_i_csr_from_counted_rows: io/edges_file.c);
 *   2. the counts summed, a prefix sum, each share's cursor for each vertex
 *      after those of the shares before it (one serial pass); 3. each share
 *      places its edges, so every list gets its edges in list order, each
 *      row checked against its share's counts first (a source that changed
 *      cannot write outside the slots) and whether the rows ascend noted;
 *   4. rows in strictly ascending (u, v) order with u < v, as the edge
 *      files hold them, make sorted lists: nothing to do. Else each list
 *      checked: strictly ascending as it stands (left alone), else sorted —
 *      insertion sort when short, else an LSD radix sort on bytes (as many
 *      passes as the largest vertex id needs), O(d) per list whatever the
 *      input, so no crafted file can make it quadratic — and checked for
 *      repeats: the first vertex with one is named.
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
#define FILL_PIECE ((uint64_t)1 << 15) /* rows asked of the source at a time: 256 KiB */
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

/* A share's rows as step 3 placed them. */
typedef struct share_fill {
    uint64_t changed;     /* the first row that disagrees with the counts, or UINT64_MAX */
    uint64_t unread;      /* the first row of a piece the source could not give, or UINT64_MAX */
    uint64_t first, last; /* (u << 32 | v) of its first and last rows */
    int up, any;          /* its rows strictly ascending with u < v; it has rows */
    int no_memory;
} share_fill;

/* Steps 2 to 4 from the shares' counts (cnt [shares][n_vertices]) and the
 * rows again (rows, ctx), into out (zeroed; allocated here). */
static fg_status build_counted(uint32_t n_vertices, uint32_t n_images, uint64_t m, int shares, const uint32_t *cnt,
                               fg_i_edge_rows rows, void *ctx, const char *what, fg_csr *out)
{
    fg_status st = FG_OK;
    const size_t n = n_vertices;
    out->n_vertices = n_vertices;
    out->n_images = n_images;
    out->offsets = fg_alloc(n + 1, sizeof *out->offsets);
    out->adj = fg_i_alloc_huge(2 * (size_t)m, sizeof *out->adj);
    uint32_t *slot = fg_alloc((size_t)shares * n, 2 * sizeof *slot); /* [shares][n]: cursor, count left */
    share_fill *sf = fg_calloc((size_t)shares, sizeof *sf);
    if (!out->offsets || !out->adj || !slot || !sf) {
        st = out_of_memory(what, n_vertices, m);
        goto done;
    }
    uint64_t *off = out->offsets, max_degree = 0;
    uint32_t *adj = out->adj;
    /* degrees, offsets and cursors in one serial pass over the counts (S x n
     * uint32, at most PRIVATE_COUNTS_MAX: no longer than two parallel passes
     * and a serial prefix, and no barrier): vertex v's slots for share k start
     * after those of shares < k */
    off[0] = 0;
    for (size_t v = 0; v < n; v++) {
        uint32_t at = 0;
        for (int k = 0; k < shares; k++) {
            const uint32_t d = cnt[(size_t)k * n + v];
            slot[2 * ((size_t)k * n + v)] = at;
            slot[2 * ((size_t)k * n + v) + 1] = d;
            at += d;
        }
        if (at > max_degree) max_degree = at;
        off[v + 1] = off[v] + at;
    }
    /* each share's rows read again, each row checked against its share's
     * counts before it is placed (a source that changed in between cannot
     * write outside its slots), whether they ascend noted */
#pragma omp parallel for schedule(static, 1)
    for (int s = 0; s < shares; s++) {
        const uint64_t e0 = m * (uint64_t)s / (uint64_t)shares, e1 = m * (uint64_t)(s + 1) / (uint64_t)shares;
        uint32_t *c = slot + 2 * (size_t)s * n;
        share_fill *f = &sf[s];
        uint32_t *buf = fg_alloc(2 * (size_t)FILL_PIECE, sizeof *buf);
        uint64_t prev = 0; /* (u << 32 | v) of the row before; a row with u < v is above 0 */
        int up = 1;
        f->changed = f->unread = UINT64_MAX;
        f->any = e1 > e0;
        f->no_memory = !buf;
        for (uint64_t p = e0; buf && p < e1; p += FILL_PIECE) {
            const uint64_t cnt_p = e1 - p < FILL_PIECE ? e1 - p : FILL_PIECE;
            const uint32_t *x = rows(ctx, p, cnt_p, buf);
            if (!x) {
                f->unread = p;
                break;
            }
            if (p == e0) f->first = (uint64_t)x[0] << 32 | x[1];
            uint64_t i = 0;
            for (; i < cnt_p; i++) {
                const uint32_t u = x[2 * i], v = x[2 * i + 1];
                if (u >= n_vertices || v >= n_vertices || u == v || !c[2 * u + 1] || !c[2 * v + 1]) break;
                const uint64_t key = (uint64_t)u << 32 | v;
                up &= u < v && key > prev;
                prev = key;
                c[2 * u + 1]--;
                c[2 * v + 1]--;
                adj[off[u] + c[2 * u]++] = v;
                adj[off[v] + c[2 * v]++] = u;
            }
            if (i < cnt_p) {
                f->changed = p + i;
                break;
            }
        }
        f->last = prev;
        f->up = up;
        fg_free(buf);
    }
    /* every row within its counts: each share placed exactly its counts (2 a
     * row), every slot is filled */
    int ascending = 1;
    for (int s = 0; s < shares && st == FG_OK; s++) {
        if (sf[s].no_memory) st = out_of_memory(what, n_vertices, m);
        else if (sf[s].unread != UINT64_MAX)
            st = FG_FAIL(FG_EIO, "%s: edge rows from %llu could not be read again (the file changed while it was "
                         "read?)", what, (unsigned long long)sf[s].unread);
        else if (sf[s].changed != UINT64_MAX)
            st = FG_FAIL(FG_EIO, "%s: edge row %llu changed while the edges were read (it no longer agrees with "
                         "the first pass); read them again", what, (unsigned long long)sf[s].changed);
        ascending &= sf[s].up;
    }
    if (st != FG_OK) goto done;
    for (int s = 0, last = -1; ascending && s < shares; s++)
        if (sf[s].any) {
            if (last >= 0 && sf[last].last >= sf[s].first) ascending = 0;
            last = s;
        }
    /* ascending rows (u, v), u < v: vertex x's list is the u of the rows (u, x), all < x and ascending, then
     * the v of the rows (x, v), all > x and ascending, since the shares keep the list order: sorted, no repeat */
    if (!ascending) st = sort_lists(out, max_degree, what);
done:
    fg_free(sf);
    fg_free(slot);
    return st;
}

fg_status fg_i_csr_from_counted_rows(uint32_t n_vertices, uint32_t n_images, uint64_t m, int shares,
                                     const uint32_t *counts, fg_i_edge_rows rows, void *ctx, const char *what,
                                     fg_csr *out)
{
    if (!out || !rows || !counts || !fg_i_csr_counts_fit(n_vertices, m, shares))
        return FG_FAIL(FG_EINVAL, "fg_i_csr_from_counted_rows: bad argument");
    memset(out, 0, sizeof *out);
    if (!what) what = "edge list";
    if (n_images > n_vertices)
        return FG_FAIL(FG_EINVAL, "%s: %u image vertices but only %u vertices", what, n_images, n_vertices);
    fg_status st = build_counted(n_vertices, n_images, m, shares, counts, rows, ctx, what, out);
    if (st != FG_OK) fg_csr_destroy(out);
    return st;
}

/* The rows of an edge list in memory (ctx), where they are. */
static const uint32_t *rows_in_memory(void *ctx, uint64_t r, uint64_t n, uint32_t *buf)
{
    (void)n;
    (void)buf;
    return (const uint32_t *)ctx + 2 * r;
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
                     : build_counted(n_vertices, n_images, m, shares, cnt, rows_in_memory, (void *)edges, what, out);
        fg_free(cnt);
    } else st = build_atomic(n_vertices, n_images, edges, m, what, out);
    if (st != FG_OK) fg_csr_destroy(out);
    return st;
}
