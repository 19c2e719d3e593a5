/* The generic CSR builder: invariants on random graphs against an independent
 * adjacency matrix, and each malformed edge list refused with its edge. */
#include "fg_test.h"
#include "fnegraph/csr.h"
#include "fnegraph/rng.h"

#include <string.h>

int main(void)
{
    fg_rng r;
    fg_rng_seed(&r, 11);
    enum { N = 300 };
    static unsigned char adj[N][N];
    static uint32_t edges[2 * N * N];
    for (int trial = 0; trial < 5; trial++) {
        memset(adj, 0, sizeof adj);
        uint64_t m = 0;
        double p = 0.01 + 0.05 * trial;
        for (uint32_t u = 0; u < N; u++)
            for (uint32_t v = u + 1; v < N; v++)
                if (fg_rng_uniform(&r) < p) {
                    adj[u][v] = adj[v][u] = 1;
                    int flip = fg_rng_below(&r, 2);
                    edges[2 * m] = flip ? v : u;
                    edges[2 * m + 1] = flip ? u : v;
                    m++;
                }
        /* shuffle edge order */
        for (uint64_t i = m; i > 1; i--) {
            uint64_t j = fg_rng_below(&r, i);
            uint32_t a = edges[2 * (i - 1)], b = edges[2 * (i - 1) + 1];
            edges[2 * (i - 1)] = edges[2 * j];
            edges[2 * (i - 1) + 1] = edges[2 * j + 1];
            edges[2 * j] = a;
            edges[2 * j + 1] = b;
        }
        fg_csr g;
        CHECK_OK(fg_csr_from_edge_list(N, 10, edges, m, "random", &g));
        CHECK_OK(fg_csr_validate(&g));
        CHECK(fg_csr_n_edges(&g) == m, "edges %llu vs %llu", (unsigned long long)fg_csr_n_edges(&g),
              (unsigned long long)m);
        int same = 1;
        for (uint32_t v = 0; v < N; v++) {
            uint64_t d = 0;
            for (uint32_t u = 0; u < N; u++) d += adj[v][u];
            same &= d == fg_csr_degree(&g, v);
            for (uint64_t i = g.offsets[v]; i < g.offsets[v + 1]; i++) same &= adj[v][g.adj[i]];
        }
        CHECK(same, "CSR equals the adjacency matrix (trial %d)", trial);
        fg_csr_destroy(&g);
        CHECK(g.offsets == NULL && g.adj == NULL, "destroy zeroes");
    }
    fg_csr g;
    uint32_t loop[] = {0, 1, 2, 2};
    CHECK_FAILS(fg_csr_from_edge_list(5, 1, loop, 2, "e.h5", &g), FG_EFORMAT, "e.h5: edge 1 is a self-loop on vertex 2");
    uint32_t dup[] = {0, 1, 3, 4, 1, 0};
    CHECK_FAILS(fg_csr_from_edge_list(5, 1, dup, 3, "e.h5", &g), FG_EFORMAT, "edge (0, 1) is listed more than once");
    uint32_t range[] = {0, 1, 3, 5};
    CHECK_FAILS(fg_csr_from_edge_list(5, 1, range, 2, "e.h5", &g), FG_EFORMAT, "edge 1 (3, 5)");
    CHECK_FAILS(fg_csr_from_edge_list(5, 6, range, 0, "e.h5", &g), FG_EINVAL, "6 image vertices");
    CHECK_OK(fg_csr_from_edge_list(4, 0, NULL, 0, "empty", &g));
    CHECK(fg_csr_n_edges(&g) == 0 && g.n_vertices == 4, "empty graph");
    CHECK_OK(fg_csr_validate(&g));
    fg_csr_destroy(&g);
    fg_csr_destroy(NULL);
    return fg_test_done("test_csr");
}
