/* Plain reference implementations for the graph tests (see ref_graph.h).
 * Deliberately simple and slow: loops, qsort, no parallelism, no SIMD. */
#include "ref_graph.h"

#include "fnegraph/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct edge_list {
    uint32_t *e;  /* pairs (u, v), u < v */
    uint64_t m, cap;
} edge_list;

static int push(edge_list *l, uint32_t u, uint32_t v)
{
    if (l->m == l->cap) {
        uint64_t cap = l->cap ? 2 * l->cap : 1024;
        uint32_t *e = realloc(l->e, 2 * cap * sizeof *e);
        if (!e) return 0;
        l->e = e;
        l->cap = cap;
    }
    l->e[2 * l->m] = u < v ? u : v;
    l->e[2 * l->m + 1] = u < v ? v : u;
    l->m++;
    return 1;
}

static int cmp_edge(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

static fg_status finish(edge_list *l, uint32_t n_vertices, uint32_t n_images, fg_csr *out)
{
    qsort(l->e, l->m, 2 * sizeof *l->e, cmp_edge);
    uint64_t k = 0;
    for (uint64_t i = 0; i < l->m; i++)
        if (k == 0 || l->e[2 * i] != l->e[2 * (k - 1)] || l->e[2 * i + 1] != l->e[2 * (k - 1) + 1]) {
            l->e[2 * k] = l->e[2 * i];
            l->e[2 * k + 1] = l->e[2 * i + 1];
            k++;
        }
    fg_status st = fg_csr_from_edge_list(n_vertices, n_images, l->e, k, "reference", out);
    free(l->e);
    memset(l, 0, sizeof *l);
    return st;
}

fg_status ref_graph_build(const fg_codes *codes, const fg_csr *ff, fg_csr *out)
{
    edge_list l = {0};
    uint32_t n = (uint32_t)codes->n, d = (uint32_t)codes->d;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t f = 0; f < d; f++) {
            int c = fg_codes_get(codes, i, f);
            if (c && !push(&l, i, c > 0 ? n + f : n + d + f)) return FG_ENOMEM;
        }
    if (ff)
        for (uint32_t u = 0; u < ff->n_vertices; u++)
            for (uint64_t e = ff->offsets[u]; e < ff->offsets[u + 1]; e++)
                if (u < ff->adj[e] && !push(&l, n + u, n + ff->adj[e])) return FG_ENOMEM;
    return finish(&l, n + 2 * d, n, out);
}

fg_status ref_ff_graph(const fg_weights *w, double k, fg_csr *out, uint64_t *pairs_pos,
                       uint64_t *pairs_neg)
{
    edge_list l = {0};
    const uint32_t F = FG_FNE_DIM;
    for (int p = 0; p < FG_FF_PAIRS; p++) {
        const fg_vgg16_layer *in = &fg_vgg16_layers[p], *out_l = &fg_vgg16_layers[p + 1];
        int ni = in->cout, no = out_l->cout;
        double *W = calloc((size_t)ni * no, sizeof *W);
        if (!W) return FG_ENOMEM;
        const float *K = w->kernel[p + 1];
        if (out_l->conv) { /* K[kh][kw][i][j] */
            for (int kh = 0; kh < 3; kh++)
                for (int kw = 0; kw < 3; kw++)
                    for (int i = 0; i < ni; i++)
                        for (int j = 0; j < no; j++)
                            W[(size_t)i * no + j] += K[(((size_t)kh * 3 + kw) * ni + i) * no + j];
        } else if (p + 1 == 13) { /* fc6: rows (h*7 + w)*512 + c of fc1 */
            for (int h = 0; h < 7; h++)
                for (int x = 0; x < 7; x++)
                    for (int i = 0; i < ni; i++)
                        for (int j = 0; j < no; j++)
                            W[(size_t)i * no + j] += K[((size_t)(h * 7 + x) * 512 + i) * no + j];
        } else { /* fc7 */
            for (size_t t = 0; t < (size_t)ni * no; t++) W[t] = K[t];
        }
        pairs_pos[p] = pairs_neg[p] = 0;
        for (int j = 0; j < no; j++) {
            double mean = 0, var = 0;
            for (int i = 0; i < ni; i++) mean += W[(size_t)i * no + j];
            mean /= ni;
            for (int i = 0; i < ni; i++) var += (W[(size_t)i * no + j] - mean) * (W[(size_t)i * no + j] - mean);
            double sd = sqrt(var / ni);
            if (sd == 0) continue;
            for (int i = 0; i < ni; i++) {
                double v = W[(size_t)i * no + j];
                uint32_t a = (uint32_t)(in->fne_offset + i), b = (uint32_t)(out_l->fne_offset + j);
                int ok = 1;
                if (v > mean + k * sd) {
                    pairs_pos[p]++;
                    ok = push(&l, a, b) && push(&l, F + a, F + b);
                } else if (v < mean - k * sd) {
                    pairs_neg[p]++;
                    ok = push(&l, a, F + b) && push(&l, F + a, b);
                }
                if (!ok) {
                    free(W);
                    return FG_ENOMEM;
                }
            }
        }
        free(W);
    }
    return finish(&l, 2 * F, 0, out);
}

static uint32_t find(uint32_t *parent, uint32_t v)
{
    while (parent[v] != v) v = parent[v] = parent[parent[v]];
    return v;
}

uint32_t ref_components(const fg_csr *g, uint32_t *comp)
{
    uint32_t *parent = malloc((g->n_vertices + 1) * sizeof *parent), n = 0;
    for (uint32_t v = 0; v < g->n_vertices; v++) parent[v] = v;
    for (uint32_t v = 0; v < g->n_vertices; v++)
        for (uint64_t e = g->offsets[v]; e < g->offsets[v + 1]; e++) {
            uint32_t a = find(parent, v), b = find(parent, g->adj[e]);
            if (a < b) parent[b] = a; /* the root is the smallest vertex */
            else if (b < a) parent[a] = b;
        }
    for (uint32_t v = 0; v < g->n_vertices; v++) {
        comp[v] = find(parent, v);
        n += comp[v] == v;
    }
    free(parent);
    return n;
}
