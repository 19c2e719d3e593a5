/* The generic CSR builder: invariants on random graphs against an independent
 * adjacency matrix, and each malformed edge list refused with its edge; the
 * parallel builder against its simple twin (fg_i_csr_from_edge_list_ref) on
 * random lists — sparse and dense, small and large vertex ids (one to four
 * radix passes), high-degree vertices, in any order or ascending as the
 * edge files hold them, and planted faults (a vertex out of
 * range, a self-loop, a repeated edge) — with 1, 2 and 3 threads: the same
 * graph, or the same status and message; and the builder from counts and
 * rows given again (fg_i_csr_from_counted_rows, the edge file's path) on
 * the same lists, and refusing rows that changed after they were counted. */
#include "fg_test.h"
#include "fnegraph/csr.h"
#include "fnegraph/mem.h"
#include "fnegraph/rng.h"
#include "graph/graph_internal.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

static int cmp_pair(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    return x[0] != y[0] ? (x[0] > y[0]) - (x[0] < y[0]) : (x[1] > y[1]) - (x[1] < y[1]);
}

/* A random list of m edges on n vertices, some vertices of high degree, with
 * one planted fault (0 none, 1 out of range, 2 self-loop, 3 a repeat);
 * ordered: the rows as (min, max) in ascending order before the fault, as
 * the edge files hold them (the builder's lists then come out sorted). */
static uint32_t *random_list(fg_rng *r, uint32_t n, uint64_t m, int fault, int ordered, uint64_t *m_out)
{
    uint32_t *e = fg_alloc(2 * m + 2, sizeof *e);
    const uint32_t hubs = n < 8 ? 1 : 8;
    for (uint64_t i = 0; i < m; i++) {
        uint32_t u, v;
        do {
            u = fg_rng_below(r, 4) == 0 ? (uint32_t)fg_rng_below(r, hubs) : (uint32_t)fg_rng_below(r, n);
            v = (uint32_t)fg_rng_below(r, n);
        } while (u == v);
        e[2 * i] = u;
        e[2 * i + 1] = v;
    }
    /* make the list simple (no repeats): keep the first of each pair */
    uint64_t k = 0;
    uint64_t *seen = fg_calloc(2 * m + 16, sizeof *seen); /* open addressing on u * n + v */
    const uint64_t cap = 2 * m + 16;
    for (uint64_t i = 0; i < m; i++) {
        uint64_t a = e[2 * i] < e[2 * i + 1] ? e[2 * i] : e[2 * i + 1], b = e[2 * i] ^ e[2 * i + 1] ^ a;
        uint64_t key = a * n + b + 1, h = (key * 0x9E3779B97F4A7C15ull) % cap;
        while (seen[h] && seen[h] != key) h = (h + 1) % cap;
        if (seen[h]) continue;
        seen[h] = key;
        e[2 * k] = e[2 * i];
        e[2 * k + 1] = e[2 * i + 1];
        k++;
    }
    fg_free(seen);
    if (ordered) {
        for (uint64_t i = 0; i < k; i++)
            if (e[2 * i] > e[2 * i + 1]) {
                uint32_t t = e[2 * i];
                e[2 * i] = e[2 * i + 1];
                e[2 * i + 1] = t;
            }
        qsort(e, k, 2 * sizeof *e, cmp_pair);
    }
    if (k > 2 && fault) {
        uint64_t at = 1 + fg_rng_below(r, k - 1);
        if (fault == 1) e[2 * at + fg_rng_below(r, 2)] = n + (uint32_t)fg_rng_below(r, 3);
        if (fault == 2) e[2 * at + 1] = e[2 * at];
        if (fault == 3) {
            uint64_t from = fg_rng_below(r, at);
            e[2 * at] = e[2 * from + 1]; /* the same pair, the other way round */
            e[2 * at + 1] = e[2 * from];
        }
    }
    *m_out = k;
    return e;
}

static void twin_trials(fg_rng *r)
{
    const uint32_t sizes[] = {2, 7, 200, 300, 70000, 20000000};
    for (int si = 0; si < 6; si++)
        for (int trial = 0; trial < 8; trial++) {
            const int fault = trial % 4, ordered = trial / 4;
            const uint32_t n = sizes[si];
            const uint64_t want = n < 300 ? (uint64_t)n * (n - 1) / 4 + 1 : 60000;
            uint64_t m = 0;
            uint32_t *e = random_list(r, n, want, fault, ordered, &m);
            fg_csr a, b;
            fg_error_clear();
            fg_status sa = fg_i_csr_from_edge_list_ref(n, n / 3, e, m, "twin", &a);
            char msg_a[1024];
            snprintf(msg_a, sizeof msg_a, "%s", fg_last_error());
            for (int t = 1; t <= 3; t++) {
                omp_set_num_threads(t);
                fg_error_clear();
                fg_status sb = fg_csr_from_edge_list(n, n / 3, e, m, "twin", &b);
                CHECK(sa == sb && (sa == FG_OK || strcmp(msg_a, fg_last_error()) == 0),
                      "n %u fault %d ordered %d threads %d: twin %s '%s', fast %s '%s'", n, fault, ordered, t,
                      fg_status_str(sa), msg_a,
                      fg_status_str(sb), fg_last_error());
                if (sa == FG_OK && sb == FG_OK)
                    CHECK(a.n_vertices == b.n_vertices && a.n_images == b.n_images &&
                              memcmp(a.offsets, b.offsets, ((size_t)n + 1) * sizeof *a.offsets) == 0 &&
                              memcmp(a.adj, b.adj, a.offsets[n] * sizeof *a.adj) == 0,
                          "n %u fault %d ordered %d threads %d: the graphs differ", n, fault, ordered, t);
                CHECK(fault == 0 || m < 3 || sb != FG_OK, "n %u: planted fault %d found (%u edges)", n, fault,
                      (unsigned)m);
                if (sb == FG_OK) fg_csr_destroy(&b);
            }
            if (sa == FG_OK) fg_csr_destroy(&a);
            fg_free(e);
        }
    omp_set_num_threads(omp_get_num_procs());
}

/* A source giving the rows of ctx again (into buf, as a file reader does),
 * or failing from row `fail_at` on. */
typedef struct copy_source {
    const uint32_t *e;
    uint64_t fail_at;
} copy_source;

static const uint32_t *copy_rows(void *ctx, uint64_t r, uint64_t n, uint32_t *buf)
{
    const copy_source *c = ctx;
    if (r + n > c->fail_at) return NULL;
    memcpy(buf, c->e + 2 * r, 2 * n * sizeof *buf);
    return buf;
}

/* fg_i_csr_from_counted_rows: from the counts of a list and its rows given
 * again, the twin's graph; rows that changed after they were counted (a
 * vertex out of range, a self-loop, a vertex more often than counted) or that
 * cannot be had again are refused, naming the row, and nothing is written
 * outside the graph (the AddressSanitizer build checks that). */
static void counted_rows(fg_rng *r)
{
    const uint32_t n = 3000;
    for (int ordered = 0; ordered < 2; ordered++)
        for (int shares = 1; shares <= 3; shares++) {
            uint64_t m = 0;
            uint32_t *e = random_list(r, n, 200000, 0, ordered, &m);
            uint32_t *cnt = fg_calloc((size_t)shares * n, sizeof *cnt);
            for (int s = 0; s < shares; s++) {
                const uint64_t e0 = m * (uint64_t)s / (uint64_t)shares, e1 = m * (uint64_t)(s + 1) / (uint64_t)shares;
                for (uint64_t i = e0; i < e1; i++) {
                    cnt[(size_t)s * n + e[2 * i]]++;
                    cnt[(size_t)s * n + e[2 * i + 1]]++;
                }
            }
            fg_csr a, b;
            CHECK_OK(fg_i_csr_from_edge_list_ref(n, 10, e, m, "twin", &a));
            copy_source src = {e, UINT64_MAX};
            for (int t = 1; t <= 3; t++) {
                omp_set_num_threads(t);
                CHECK_OK(fg_i_csr_from_counted_rows(n, 10, m, shares, cnt, copy_rows, &src, "rows", &b));
                CHECK(memcmp(a.offsets, b.offsets, ((size_t)n + 1) * sizeof *a.offsets) == 0 &&
                          memcmp(a.adj, b.adj, a.offsets[n] * sizeof *a.adj) == 0,
                      "counted rows (%d shares, ordered %d, %d threads): the twin's graph", shares, ordered, t);
                fg_csr_destroy(&b);
            }
            omp_set_num_threads(omp_get_num_procs());
            const uint64_t at = m - 5; /* in the last share */
            uint32_t *x = fg_alloc(2 * m, sizeof *x);
            for (int change = 0; change < 4; change++) {
                memcpy(x, e, 2 * m * sizeof *x);
                if (change == 0) x[2 * at + 1] = n + 7;
                if (change == 1) x[2 * at + 1] = x[2 * at];
                if (change == 2) { /* row at - 1 twice: its vertices once more than counted */
                    x[2 * at] = x[2 * (at - 1)];
                    x[2 * at + 1] = x[2 * (at - 1) + 1];
                }
                copy_source cs = {x, change == 3 ? at : UINT64_MAX};
                fg_status st = fg_i_csr_from_counted_rows(n, 10, m, shares, cnt, copy_rows, &cs, "rows", &b);
                char want[128];
                if (change < 2) snprintf(want, sizeof want, "rows: edge row %llu changed", (unsigned long long)at);
                else if (change == 2) snprintf(want, sizeof want, "rows: edge row "); /* at or after at */
                else { /* the piece of 2^15 rows of the last share that holds row at */
                    const uint64_t e0 = m * (uint64_t)(shares - 1) / (uint64_t)shares;
                    snprintf(want, sizeof want, "rows: edge rows from %llu could not be read again",
                             (unsigned long long)(e0 + (at - e0) / 32768 * 32768));
                }
                CHECK(st == FG_EIO && strstr(fg_last_error(), want) &&
                          strstr(fg_last_error(), change < 3 ? "changed" : "again") && b.adj == NULL,
                      "a source changed (%d, %d shares): '%s'", change, shares, fg_last_error());
                if (st == FG_OK) fg_csr_destroy(&b);
            }
            fg_free(x);
            fg_csr_destroy(&a);
            fg_free(cnt);
            fg_free(e);
        }
}

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
    twin_trials(&r);
    counted_rows(&r);
    return fg_test_done("test_csr");
}
