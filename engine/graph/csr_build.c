/* The graph of SPEC.md §5 straight from the bit-planes and the
 * feature-feature graph, without an edge list: a degree pass and a fill pass.
 *
 * Image i's list is {n + f : bit f of its positive plane} followed by
 * {n + d + f : negative plane}, ascending because the planes are scanned in
 * bit order. Feature vertex n + u's list is the images whose plane has bit u
 * (ascending, scanned in image order), then n + the ff neighbours of u (all
 * >= n, sorted in the ff graph). Images are filled in parallel over images;
 * features in parallel over blocks of plane words, each block scanning every
 * image in order for its own 512 vertices, so no two threads write the same
 * list and the result is identical for any thread count.
 * O(n * words + nnz + |E_ff|) time, no sort; memory = the CSR itself. */
#include "graph/graph_internal.h"
#include "fnegraph/mem.h"

#include <string.h>

enum { BLOCK_WORDS = 8 }; /* plane words (512 feature vertices) per fill task */

static uint64_t tail_mask(int64_t d)
{
    return d % 64 ? (1ull << (d % 64)) - 1 : ~0ull;
}

fg_status fg_graph_build(const fg_codes *codes, const fg_csr *ff, fg_csr *out)
{
    fg_status st = FG_OK;
    uint64_t *cnt = NULL;
    if (!out) return FG_FAIL(FG_EINVAL, "fg_graph_build: null output");
    memset(out, 0, sizeof *out);
    if (!codes || (codes->n > 0 && !codes->bits) || codes->n < 0 || codes->d < 1 ||
        codes->words != (codes->d + 63) / 64)
        return FG_FAIL(FG_EINVAL, "fg_graph_build: no codes or malformed codes");
    const int64_t n = codes->n, d = codes->d, W = codes->words;
    if (ff && (uint64_t)ff->n_vertices != 2 * (uint64_t)d)
        return FG_FAIL(FG_EINVAL, "graph: the feature-feature graph has %u vertices, the codes %lld features (need 2 x %lld)",
                       ff->n_vertices, (long long)d, (long long)d);
    if ((uint64_t)n + 2 * (uint64_t)d >= UINT32_MAX)
        return FG_FAIL(FG_EINVAL, "graph: %lld images and %lld features exceed 32-bit vertex ids",
                       (long long)n, (long long)d);
    const uint32_t N = (uint32_t)n, V = (uint32_t)(n + 2 * d);
    const int64_t nblocks = (W + BLOCK_WORDS - 1) / BLOCK_WORDS;
    out->n_vertices = V;
    out->n_images = N;
    out->offsets = fg_alloc((size_t)V + 1, sizeof *out->offsets);
    cnt = fg_calloc(2 * (size_t)d, sizeof *cnt);
    if (!out->offsets || !cnt) {
        st = FG_ENOMEM;
        goto done;
    }

    /* degrees: images (popcounts), feature vertices (bits per column + ff) */
    const uint64_t tail = ~tail_mask(d);
    int64_t bad = -1;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        const uint64_t *b = codes->bits + i * 2 * W;
        uint64_t deg = 0;
        for (int64_t w = 0; w < 2 * W; w++) deg += (uint64_t)__builtin_popcountll(b[w]);
        out->offsets[i + 1] = deg;
        if (((b[W - 1] | b[2 * W - 1]) & tail) != 0) {
#pragma omp critical(fg_graph_build_bad)
            if (bad < 0 || i < bad) bad = i;
        }
    }
    if (bad >= 0) {
        st = FG_FAIL(FG_EINVAL, "graph: the codes of image %lld have bits past feature %lld",
                     (long long)bad, (long long)d);
        goto done;
    }
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t t = 0; t < 2 * nblocks; t++) {
        int64_t plane = t / nblocks, w0 = (t % nblocks) * BLOCK_WORDS;
        int64_t w1 = w0 + BLOCK_WORDS < W ? w0 + BLOCK_WORDS : W;
        uint64_t *c = cnt + plane * d;
        for (int64_t i = 0; i < n; i++) {
            const uint64_t *row = codes->bits + (i * 2 + plane) * W;
            for (int64_t w = w0; w < w1; w++)
                for (uint64_t b = row[w]; b; b &= b - 1) c[w * 64 + __builtin_ctzll(b)]++;
        }
    }
    out->offsets[0] = 0;
    for (uint64_t u = 0; u < 2 * (uint64_t)d; u++)
        out->offsets[N + u + 1] = cnt[u] + (ff ? fg_csr_degree(ff, (uint32_t)u) : 0);
    for (uint32_t v = 0; v < V; v++) out->offsets[v + 1] += out->offsets[v];
    out->adj = fg_alloc(out->offsets[V], sizeof *out->adj);
    if (!out->adj) {
        st = FG_ENOMEM;
        goto done;
    }

    /* fill: image lists */
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        const uint64_t *b = codes->bits + i * 2 * W;
        uint32_t *o = out->adj + out->offsets[i];
        for (int64_t w = 0; w < 2 * W; w++) {
            /* plane word w covers vertex n + w*64 (positive) or n + d + (w-W)*64 */
            uint32_t base = w < W ? N + (uint32_t)(w * 64) : N + (uint32_t)(d + (w - W) * 64);
            for (uint64_t x = b[w]; x; x &= x - 1) *o++ = base + (uint32_t)__builtin_ctzll(x);
        }
    }
    /* fill: feature lists, a block of plane words a task */
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t t = 0; t < 2 * nblocks; t++) {
        int64_t plane = t / nblocks, w0 = (t % nblocks) * BLOCK_WORDS;
        int64_t w1 = w0 + BLOCK_WORDS < W ? w0 + BLOCK_WORDS : W;
        int64_t u0 = plane * d + w0 * 64, u1 = plane * d + (w1 * 64 < d ? w1 * 64 : d);
        uint64_t cur[BLOCK_WORDS * 64];
        for (int64_t u = u0; u < u1; u++) cur[u - u0] = out->offsets[N + u];
        for (int64_t i = 0; i < n; i++) {
            const uint64_t *row = codes->bits + (i * 2 + plane) * W;
            for (int64_t w = w0; w < w1; w++)
                for (uint64_t b = row[w]; b; b &= b - 1)
                    out->adj[cur[(w - w0) * 64 + __builtin_ctzll(b)]++] = (uint32_t)i;
        }
        if (ff)
            for (int64_t u = u0; u < u1; u++) {
                const uint32_t *src = ff->adj + ff->offsets[u];
                uint32_t *o = out->adj + cur[u - u0];
                uint64_t m = fg_csr_degree(ff, (uint32_t)u);
                for (uint64_t e = 0; e < m; e++) o[e] = src[e] + N;
            }
    }
done:
    fg_free(cnt);
    if (st != FG_OK) fg_csr_destroy(out);
    return st;
}
