/* See ref_fluidc.h. O(sum of d log d) per sweep. */
#include "ref_fluidc.h"
#include "fnegraph/rng.h"

#include <stdlib.h>

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

int ref_fluidc(const fg_csr *g, uint32_t k, uint64_t seed, int paper, uint32_t max_iter, int32_t *memb,
               uint32_t *sweeps, int *converged)
{
    const uint32_t n = g->n_vertices;
    uint32_t pool = paper ? g->n_images : n;
    if (k < 1 || k > pool) return -1;
    uint32_t *order = malloc((size_t)n * sizeof *order);
    uint32_t *count = calloc(k, sizeof *count), *images = calloc(k, sizeof *images);
    double *density = calloc(k, sizeof *density);
    int32_t *list = NULL;
    uint64_t maxdeg = 0;
    for (uint32_t v = 0; v < n; v++)
        if (fg_csr_degree(g, v) > maxdeg) maxdeg = fg_csr_degree(g, v);
    list = malloc((maxdeg + 1) * sizeof *list);
    int32_t *cand = malloc((maxdeg + 1) * sizeof *cand);
    double *score = malloc((maxdeg + 1) * sizeof *score);
    int32_t *comm = malloc((maxdeg + 1) * sizeof *comm);
    if (!order || !count || !images || !density || !list || !cand || !score || !comm) {
        free(order), free(count), free(images), free(density), free(list), free(cand), free(score), free(comm);
        return -1;
    }
    fg_rng r;
    fg_rng_seed(&r, seed);
    for (uint32_t v = 0; v < n; v++) memb[v] = -1;
    for (uint32_t v = 0; v < pool; v++) order[v] = v;
    for (uint32_t c = 0; c < k; c++) {
        uint32_t j = c + (uint32_t)fg_rng_below(&r, pool - c);
        uint32_t t = order[c];
        order[c] = order[j];
        order[j] = t;
        memb[order[c]] = (int32_t)c;
        count[c] = 1;
        density[c] = 1.0;
        images[c] = order[c] < g->n_images;
    }
    for (uint32_t v = 0; v < n; v++) order[v] = v;
    *sweeps = 0;
    *converged = 0;
    while (*sweeps < max_iter) {
        fg_rng_shuffle_u32(&r, order, n);
        uint64_t moved = 0;
        for (uint32_t p = 0; p < n; p++) {
            uint32_t v = order[p];
            int32_t cur = memb[v];
            if (paper && v < g->n_images && cur >= 0 && images[cur] == 1) continue;
            uint32_t len = 0;
            if (cur >= 0) list[len++] = cur;
            for (uint64_t i = g->offsets[v]; i < g->offsets[v + 1]; i++)
                if (memb[g->adj[i]] >= 0) list[len++] = memb[g->adj[i]];
            if (len == 0) continue;
            qsort(list, len, sizeof *list, cmp_i32);
            uint32_t m = 0;
            double best = 0;
            for (uint32_t i = 0; i < len; i++) {
                if (i == 0 || list[i] != list[i - 1]) {
                    comm[m] = list[i];
                    score[m] = 0.0;
                    m++;
                }
                score[m - 1] += density[list[i]];
            }
            for (uint32_t j = 0; j < m; j++)
                if (score[j] > best) best = score[j];
            uint32_t nc = 0;
            int keep = 0;
            for (uint32_t j = 0; j < m; j++)
                if (best - score[j] < 0.0001) {
                    cand[nc++] = comm[j];
                    keep |= comm[j] == cur;
                }
            if (keep) continue;
            int32_t to = nc == 1 ? cand[0] : cand[fg_rng_below(&r, nc)];
            if (cur >= 0) {
                count[cur]--;
                density[cur] = 1.0 / count[cur];
                if (v < g->n_images) images[cur]--;
            }
            memb[v] = to;
            count[to]++;
            density[to] = 1.0 / count[to];
            if (v < g->n_images) images[to]++;
            moved++;
        }
        (*sweeps)++;
        if (moved == 0) {
            *converged = 1;
            break;
        }
    }
    free(order), free(count), free(images), free(density), free(list), free(cand), free(score), free(comm);
    return 0;
}
