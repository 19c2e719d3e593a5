/* The CSR builder and the components on random inputs:
 * - fg_graph_build gives a valid CSR (symmetric, sorted, no duplicate, no
 *   self-loop) identical to the plain edge-list builder of tests/support,
 *   with |E| = non-zero codes + ff edges, for several thread counts, with
 *   and without a feature graph, and with no images;
 * - fg_graph_summarize's counts against direct counts (and fg_graph_summarize_with);
 * - fg_components_find against union-find and (when installed) NetworkX;
 * - fg_components_extract: a valid graph, images first, edges mapped back. */
#include "fg_test.h"
#include "fnegraph/graph.h"
#include "fnegraph/mem.h"
#include "fnegraph/rng.h"
#include "ref_graph.h"

#include <omp.h>
#include <string.h>
#include <unistd.h>

static void random_codes(fg_rng *r, int64_t n, int64_t d, double p, fg_codes *c)
{
    c->n = n;
    c->d = d;
    c->words = (d + 63) / 64;
    c->lo = -2;
    c->hi = 2;
    c->bits = fg_calloc((size_t)(n * 2 * c->words + 1), sizeof *c->bits);
    for (int64_t i = 0; i < n; i++) {
        if (i % 7 == 6) continue; /* some images without codes: isolated */
        for (int64_t f = 0; f < d; f++) {
            if (f % 11 == 10 || fg_rng_uniform(r) >= p) continue; /* some features never used */
            int plane = (int)fg_rng_below(r, 2);
            c->bits[(i * 2 + plane) * c->words + f / 64] |= 1ull << (f % 64);
        }
    }
}

static void random_graph(fg_rng *r, uint32_t nv, uint64_t m, fg_csr *g)
{
    uint32_t *e = fg_alloc(2 * m, sizeof *e);
    unsigned char *seen = fg_calloc((size_t)nv * nv, 1);
    uint64_t k = 0;
    while (k < m) {
        uint32_t u = (uint32_t)fg_rng_below(r, nv), v = (uint32_t)fg_rng_below(r, nv);
        if (u == v || seen[(size_t)u * nv + v]) continue;
        seen[(size_t)u * nv + v] = seen[(size_t)v * nv + u] = 1;
        e[2 * k] = u;
        e[2 * k + 1] = v;
        k++;
    }
    CHECK_OK(fg_csr_from_edge_list(nv, 0, e, m, "random ff", g));
    fg_free(e);
    fg_free(seen);
}

static int same_csr(const fg_csr *a, const fg_csr *b)
{
    return a->n_vertices == b->n_vertices && a->n_images == b->n_images &&
           !memcmp(a->offsets, b->offsets, ((size_t)a->n_vertices + 1) * sizeof *a->offsets) &&
           !memcmp(a->adj, b->adj, a->offsets[a->n_vertices] * sizeof *a->adj);
}

/* NetworkX's number of components and largest size; 0 when unavailable */
static int networkx_components(const fg_csr *g, uint32_t *n_comp, uint32_t *largest)
{
    if (access("/usr/bin/python3", X_OK) != 0) return 0;
    char path[] = "/tmp/fg_test_graph_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return 0;
    FILE *f = fdopen(fd, "w");
    fprintf(f, "%u\n", g->n_vertices);
    for (uint32_t v = 0; v < g->n_vertices; v++)
        for (uint64_t e = g->offsets[v]; e < g->offsets[v + 1]; e++)
            if (v < g->adj[e]) fprintf(f, "%u %u\n", v, g->adj[e]);
    fclose(f);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import sys, networkx as nx\n"
             "f = open('%s'); G = nx.Graph(); G.add_nodes_from(range(int(f.readline())))\n"
             "G.add_edges_from(tuple(map(int, l.split())) for l in f)\n"
             "c = list(nx.connected_components(G)); print(len(c), max(len(x) for x in c))\" 2>/dev/null",
             path);
    FILE *p = popen(cmd, "r");
    int ok = p && fscanf(p, "%u %u", n_comp, largest) == 2;
    if (p) ok = pclose(p) == 0 && ok;
    unlink(path);
    return ok;
}

static void check_components(const fg_csr *g)
{
    fg_components c;
    CHECK_OK(fg_components_find(g, &c));
    uint32_t *ref = fg_alloc(g->n_vertices, sizeof *ref);
    uint32_t nref = ref_components(g, ref), isolated = 0, bad = 0;
    CHECK(c.n_components == nref, "components %u, union-find %u", c.n_components, nref);
    /* ids follow the smallest vertex: the root of the union-find */
    uint32_t next = 0;
    for (uint32_t v = 0; v < g->n_vertices; v++) {
        if (ref[v] == v) bad += c.id[v] != next++;
        bad += c.id[v] != c.id[ref[v]];
        isolated += fg_csr_degree(g, v) == 0;
    }
    CHECK(bad == 0 && c.n_isolated == isolated, "component ids vs union-find: %u wrong; isolated %u vs %u",
          bad, c.n_isolated, isolated);
    uint32_t nx_n, nx_largest;
    if (networkx_components(g, &nx_n, &nx_largest))
        CHECK(nx_n == c.n_components && nx_largest == c.size[c.largest],
              "NetworkX: %u components, largest %u; ours %u, %u", nx_n, nx_largest, c.n_components,
              c.size[c.largest]);
    else
        printf("note: /usr/bin/python3 with networkx not available: NetworkX comparison skipped\n");

    /* the largest component and a singleton as graphs of their own */
    fg_csr sub;
    uint32_t *map;
    CHECK_OK(fg_components_extract(g, &c, c.largest, &sub, &map));
    CHECK_OK(fg_csr_validate(&sub));
    CHECK(sub.n_vertices == c.size[c.largest] && sub.n_images == c.images[c.largest], "sizes");
    uint64_t deg = 0;
    bad = 0;
    for (uint32_t u = 0; u < sub.n_vertices; u++) {
        bad += u > 0 && map[u] <= map[u - 1];
        bad += (u < sub.n_images) != (map[u] < g->n_images);
        deg += fg_csr_degree(g, map[u]);
        bad += fg_csr_degree(&sub, u) != fg_csr_degree(g, map[u]);
        for (uint64_t e = 0; e < fg_csr_degree(&sub, u); e++)
            bad += map[sub.adj[sub.offsets[u] + e]] != g->adj[g->offsets[map[u]] + e];
    }
    CHECK(bad == 0 && 2 * fg_csr_n_edges(&sub) == deg, "extracted component maps back: %u wrong", bad);
    fg_csr_destroy(&sub);
    fg_free(map);
    for (uint32_t v = 0; v < g->n_vertices; v++)
        if (fg_csr_degree(g, v) == 0) {
            CHECK_OK(fg_components_extract(g, &c, c.id[v], &sub, NULL));
            CHECK(sub.n_vertices == 1 && fg_csr_n_edges(&sub) == 0 && sub.n_images == (v < g->n_images),
                  "isolated vertex %u extracted alone", v);
            fg_csr_destroy(&sub);
            break;
        }
    CHECK_FAILS(fg_components_extract(g, &c, c.n_components, &sub, NULL), FG_EINVAL, "component");
    fg_components_destroy(&c);
    fg_free(ref);
}

int main(void)
{
    fg_rng r;
    fg_rng_seed(&r, 99);
    static const struct { int64_t n, d; double p; uint64_t m; } cases[] = {
        {57, 150, 0.08, 400}, {200, 64, 0.2, 50}, {3, 1000, 0.01, 3000}, {0, 70, 0, 100}, {40, 129, 0.05, 0}};
    int threads = omp_get_max_threads();
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        fg_codes c;
        fg_csr ff, g, g1, g3, ref;
        random_codes(&r, cases[t].n, cases[t].d, cases[t].p, &c);
        random_graph(&r, 2 * (uint32_t)cases[t].d, cases[t].m, &ff);
        const fg_csr *ffp = cases[t].m ? &ff : NULL;
        CHECK_OK(fg_graph_build(&c, ffp, &g));
        CHECK_OK(fg_csr_validate(&g));
        CHECK_OK(ref_graph_build(&c, ffp, &ref));
        CHECK(same_csr(&g, &ref), "case %zu: identical to the edge-list reference", t);
        uint64_t np, nn;
        fg_codes_count(&c, &np, &nn);
        CHECK(fg_csr_n_edges(&g) == np + nn + cases[t].m, "case %zu: |E| %llu = codes %llu + ff %llu", t,
              (unsigned long long)fg_csr_n_edges(&g), (unsigned long long)(np + nn),
              (unsigned long long)cases[t].m);
        omp_set_num_threads(1);
        CHECK_OK(fg_graph_build(&c, ffp, &g1));
        omp_set_num_threads(3);
        CHECK_OK(fg_graph_build(&c, ffp, &g3));
        omp_set_num_threads(threads);
        CHECK(same_csr(&g, &g1) && same_csr(&g, &g3), "case %zu: same graph with 1 and 3 threads", t);

        fg_graph_summary s;
        CHECK_OK(fg_graph_summarize(&g, &s));
        uint32_t nonisolated = 0;
        for (uint32_t v = 0; v < g.n_vertices; v++) nonisolated += fg_csr_degree(&g, v) > 0;
        CHECK(s.n_vertices == (uint32_t)(cases[t].n + 2 * cases[t].d) && s.n_images == (uint32_t)cases[t].n &&
                  s.n_vertices_nonisolated == nonisolated && s.n_edges_if == np + nn &&
                  s.n_edges_ff == cases[t].m && s.n_edges_ii == 0,
              "case %zu: summary V %u/%u, E_if %llu, E_ff %llu", t, s.n_vertices, s.n_vertices_nonisolated,
              (unsigned long long)s.n_edges_if, (unsigned long long)s.n_edges_ff);
        CHECK(s.n_components - s.n_components_nonisolated == g.n_vertices - nonisolated, "isolated components");
        check_components(&g);
        fg_components comps;
        fg_graph_summary s2;
        CHECK_OK(fg_components_find(&g, &comps));
        CHECK_OK(fg_graph_summarize_with(&g, &comps, &s2));
        CHECK(!memcmp(&s, &s2, sizeof s), "case %zu: summary from found components = fg_graph_summarize", t);
        if (t == 0) {
            comps.n_vertices--;
            CHECK_FAILS(fg_graph_summarize_with(&g, &comps, &s2), FG_EINVAL, "components of another graph");
            comps.n_vertices++;
        }
        fg_components_destroy(&comps);

        fg_csr_destroy(&g);
        fg_csr_destroy(&g1);
        fg_csr_destroy(&g3);
        fg_csr_destroy(&ref);
        fg_csr_destroy(&ff);
        fg_codes_destroy(&c);
    }

    /* malformed input */
    fg_codes c;
    fg_csr ff, g;
    random_codes(&r, 5, 100, 0.1, &c);
    random_graph(&r, 150, 10, &ff);
    CHECK_FAILS(fg_graph_build(&c, &ff, &g), FG_EINVAL, "has 150 vertices, the codes 100 features");
    c.bits[(3 * 2 + 1) * c.words + 1] |= 1ull << 40; /* feature 104 of image 3 */
    CHECK_FAILS(fg_graph_build(&c, NULL, &g), FG_EINVAL, "image 3 have bits past feature 100");
    CHECK(g.offsets == NULL && g.adj == NULL, "nothing left after a failure");
    fg_codes_destroy(&c);
    fg_csr_destroy(&ff);
    return fg_test_done("test_graph");
}
