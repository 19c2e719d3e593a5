/* The graph of docs/method.md §5 straight from the bit-planes and the
 * feature-feature graph, without an edge list: a degree pass and a fill pass.
 *
 * Image i's list is {n + f : bit f of its positive plane} followed by
 * {n + d + f : negative plane}: ascending, since the planes are scanned in bit
 * order. Feature vertex n + u's list is the images whose plane has bit u in
 * ascending order, then n + the ff neighbours of u (all >= n, sorted in the
 * ff graph). The images are split into one contiguous slice per thread.
 * Degree pass: each slice's images are read once, counting bits per feature
 * vertex. Fill pass: a slice starts its cursor for vertex u after the
 * images of the slices before it (a prefix over the per-slice counts) and
 * writes its images in order, filling image and feature lists in the same
 * scan; then the ff parts, in parallel over feature vertices. Every list ends
 * up the same for any thread count. Both passes read the 25 MB of bits
 * sequentially. O(n * words + |E|), no sort; memory: the CSR and 2d counters
 * a slice. */
#include "graph/graph_internal.h"
#include "fnegraph/mem.h"

#include <omp.h>
#include <string.h>

static uint64_t tail_mask(int64_t d)
{
    return d % 64 ? (1ull << (d % 64)) - 1 : ~0ull;
}

/* images [i0, i1) of slice t out of nt (contiguous, in order); one slice a
 * thread, whatever thread runs it */
static void image_range(int64_t n, int t, int nt, int64_t *i0, int64_t *i1)
{
    *i0 = n * t / nt;
    *i1 = n * (t + 1) / nt;
}

fg_status fg_graph_build(const fg_codes *codes, const fg_csr *ff, fg_csr *out)
{
    fg_status st = FG_OK;
    uint64_t *cnt = NULL; /* [nt][2d]: bits per feature vertex in each slice's images, then cursors */
    if (!out) return FG_FAIL(FG_EINVAL, "fg_graph_build: null output");
    memset(out, 0, sizeof *out);
    if (!codes || (codes->n > 0 && !codes->bits) || codes->n < 0 || codes->d < 1 ||
        codes->words != (codes->d + 63) / 64)
        return FG_FAIL(FG_EINVAL, "fg_graph_build: no codes or malformed codes");
    const int64_t n = codes->n, d = codes->d, W = codes->words, D2 = 2 * d;
    if (ff && (uint64_t)ff->n_vertices != 2 * (uint64_t)d)
        return FG_FAIL(FG_EINVAL, "graph: the feature-feature graph has %u vertices, the codes %lld features (need 2 x %lld)",
                       ff->n_vertices, (long long)d, (long long)d);
    if ((uint64_t)n + 2 * (uint64_t)d >= UINT32_MAX)
        return FG_FAIL(FG_EINVAL, "graph: %lld images and %lld features exceed 32-bit vertex ids",
                       (long long)n, (long long)d);
    const uint32_t N = (uint32_t)n, V = (uint32_t)(n + D2);
    const int nt = omp_get_max_threads(); /* slices of images */
    out->n_vertices = V;
    out->n_images = N;
    out->offsets = fg_alloc((size_t)V + 1, sizeof *out->offsets);
    cnt = fg_alloc((size_t)nt, (size_t)D2 * sizeof *cnt);
    if (!out->offsets || !cnt) {
        st = FG_ENOMEM;
        goto done;
    }

    /* degree pass */
    const uint64_t tail = ~tail_mask(d);
    int64_t bad = -1;
#pragma omp parallel for schedule(static, 1)
    for (int t = 0; t < nt; t++) {
        int64_t i0, i1;
        image_range(n, t, nt, &i0, &i1);
        uint64_t *c = cnt + (size_t)t * D2;
        memset(c, 0, (size_t)D2 * sizeof *c);
        for (int64_t i = i0; i < i1; i++) {
            const uint64_t *b = codes->bits + i * 2 * W;
            uint64_t deg = 0;
            if (((b[W - 1] | b[2 * W - 1]) & tail) != 0) {
#pragma omp critical(fg_graph_build_bad)
                if (bad < 0 || i < bad) bad = i;
                continue;
            }
            for (int64_t w = 0; w < 2 * W; w++) {
                /* plane word w covers feature vertices u = w*64.. (positive) or d + (w-W)*64.. */
                uint64_t *cu = c + (w < W ? w * 64 : d + (w - W) * 64);
                for (uint64_t x = b[w]; x; x &= x - 1, deg++) cu[__builtin_ctzll(x)]++;
            }
            out->offsets[i + 1] = deg;
        }
    }
    if (bad >= 0) {
        st = FG_FAIL(FG_EINVAL, "graph: the codes of image %lld have bits past feature %lld",
                     (long long)bad, (long long)d);
        goto done;
    }
    out->offsets[0] = 0;
    for (int64_t u = 0; u < D2; u++) {
        uint64_t deg = ff ? fg_csr_degree(ff, (uint32_t)u) : 0;
        for (int t = 0; t < nt; t++) deg += cnt[(size_t)t * D2 + u];
        out->offsets[N + u + 1] = deg;
    }
    for (uint32_t v = 0; v < V; v++) out->offsets[v + 1] += out->offsets[v];
    /* cursors: slice t writes vertex u's images after those of slices < t */
    for (int64_t u = 0; u < D2; u++) {
        uint64_t at = out->offsets[N + u];
        for (int t = 0; t < nt; t++) {
            uint64_t c = cnt[(size_t)t * D2 + u];
            cnt[(size_t)t * D2 + u] = at;
            at += c;
        }
    }
    out->adj = fg_i_alloc_huge(out->offsets[V], sizeof *out->adj);
    if (!out->adj) {
        st = FG_ENOMEM;
        goto done;
    }

    /* fill pass: image lists and the image part of feature lists */
#pragma omp parallel for schedule(static, 1)
    for (int t = 0; t < nt; t++) {
        int64_t i0, i1;
        image_range(n, t, nt, &i0, &i1);
        uint64_t *cur = cnt + (size_t)t * D2;
        for (int64_t i = i0; i < i1; i++) {
            const uint64_t *b = codes->bits + i * 2 * W;
            uint32_t *o = out->adj + out->offsets[i];
            for (int64_t w = 0; w < 2 * W; w++) {
                int64_t u0 = w < W ? w * 64 : d + (w - W) * 64;
                for (uint64_t x = b[w]; x; x &= x - 1) {
                    int64_t u = u0 + __builtin_ctzll(x);
                    *o++ = N + (uint32_t)u;
                    out->adj[cur[u]++] = (uint32_t)i;
                }
            }
        }
    }
    /* the ff part of feature lists, after their images */
    if (ff) {
#pragma omp parallel for schedule(dynamic, 256)
        for (int64_t u = 0; u < D2; u++) {
            const uint32_t *src = ff->adj + ff->offsets[u];
            uint64_t m = fg_csr_degree(ff, (uint32_t)u);
            uint32_t *o = out->adj + out->offsets[N + u + 1] - m;
            for (uint64_t e = 0; e < m; e++) o[e] = src[e] + N;
        }
    }
done:
    fg_free(cnt);
    if (st != FG_OK) fg_csr_destroy(out);
    return st;
}
