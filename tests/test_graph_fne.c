/* The whole of docs/method.md §4-5 at the real widths: a random ReLU-like FNE of
 * 96 images -> statistics -> codes -> He-initialised VGG16 weights ->
 * feature-feature edges (k = 1.5) -> graph. The graph is valid, equals the
 * plain edge-list reference, has |E| = non-zero codes + 2 x feature pairs,
 * numbers vertices as SPEC §5 says, and its summary and largest component are
 * consistent with the parts. */
#include "fg_test.h"
#include "fnegraph/graph.h"
#include "fnegraph/mem.h"
#include "fnegraph/rng.h"
#include "ref_graph.h"

#include <omp.h>
#include <string.h>

int main(void)
{
    enum { N = 96, D = FG_FNE_DIM };
    fg_rng r;
    fg_rng_seed(&r, 7);
    float *x = fg_alloc((size_t)N * D, sizeof *x);
    for (int f = 0; f < D; f++) {
        double shift = fg_rng_normal(&r), scale = 0.5 + fg_rng_uniform(&r);
        for (int i = 0; i < N; i++) {
            double v = shift + scale * fg_rng_normal(&r);
            x[(size_t)i * D + f] = (float)(v > 0 ? v : 0);
        }
    }
    fg_fne_stats st;
    fg_codes codes;
    CHECK_OK(fg_fne_stats_compute(x, N, D, NULL, 0, NULL, &st));
    CHECK_OK(fg_codes_ternarize(x, N, D, &st, -1.5, 1.5, NULL, &codes));
    CHECK(codes.words == FG_CODE_WORDS, "194 words a plane");
    uint64_t np, nn;
    fg_codes_count(&codes, &np, &nn);

    fg_weights w;
    fg_ff_weights a;
    fg_ff_edges ff;
    CHECK_OK(fg_weights_generate(3, false, &w));
    CHECK_OK(fg_ff_weights_aggregate(&w, &a));
    fg_weights_destroy(&w);
    CHECK_OK(fg_ff_edges_compute(&a, 1.5, &ff));
    fg_ff_weights_destroy(&a);

    fg_csr g, ref;
    CHECK_OK(fg_graph_build(&codes, &ff.graph, &g));
    CHECK_OK(fg_csr_validate(&g));
    CHECK(g.n_vertices == N + 2 * D && g.n_images == N, "|V| = N + 2F");
    CHECK(fg_csr_n_edges(&g) == np + nn + 2 * ff.n_pairs, "|E| %llu = codes %llu + 2 x pairs %llu",
          (unsigned long long)fg_csr_n_edges(&g), (unsigned long long)(np + nn),
          (unsigned long long)ff.n_pairs);
    CHECK_OK(ref_graph_build(&codes, &ff.graph, &ref));
    CHECK(ref.n_vertices == g.n_vertices &&
              !memcmp(ref.offsets, g.offsets, ((size_t)g.n_vertices + 1) * sizeof *g.offsets) &&
              !memcmp(ref.adj, g.adj, g.offsets[g.n_vertices] * sizeof *g.adj),
          "identical to the plain edge-list reference");
    fg_csr_destroy(&ref);

    /* SPEC §5 numbering, spot checks: image 0's codes and the vertices they reach */
    int bad = 0;
    uint64_t e = g.offsets[0];
    for (int f = 0; f < D; f++)
        if (fg_codes_get(&codes, 0, f) > 0) bad += g.adj[e++] != (uint32_t)(N + f);
    for (int f = 0; f < D; f++)
        if (fg_codes_get(&codes, 0, f) < 0) bad += g.adj[e++] != (uint32_t)(N + D + f);
    CHECK(bad == 0 && e == g.offsets[1], "image 0: +1 -> N + f, -1 -> N + F + f");

    fg_graph_summary s;
    CHECK_OK(fg_graph_summarize(&g, &s));
    CHECK(s.n_edges_if == np + nn && s.n_edges_ff == 2 * ff.n_pairs && s.n_edges_ii == 0, "edge kinds");
    printf("N = %d: |V| %u (non-isolated %u), |E| %llu = %llu image-feature + %llu feature-feature, "
           "%u components (%u with edges), largest %u vertices, %u images\n",
           N, s.n_vertices, s.n_vertices_nonisolated, (unsigned long long)s.n_edges,
           (unsigned long long)s.n_edges_if, (unsigned long long)s.n_edges_ff, s.n_components,
           s.n_components_nonisolated, s.largest_component, s.largest_component_images);
    CHECK(s.largest_component_images == N && s.largest_component > s.n_vertices_nonisolated / 2,
          "one giant component holds every image");

    fg_components c;
    fg_csr sub;
    uint32_t *map;
    CHECK_OK(fg_components_find(&g, &c));
    CHECK_OK(fg_components_extract(&g, &c, c.largest, &sub, &map));
    CHECK_OK(fg_csr_validate(&sub));
    CHECK(sub.n_images == N && map[N - 1] == N - 1 && map[N] >= (uint32_t)N, "images first, in order");
    fg_csr_destroy(&sub);
    fg_free(map);
    fg_components_destroy(&c);

    fg_csr_destroy(&g);
    fg_ff_edges_destroy(&ff);
    fg_codes_destroy(&codes);
    fg_fne_stats_destroy(&st);
    fg_free(x);
    return fg_test_done("test_graph_fne");
}
