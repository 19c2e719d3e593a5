/* Feature-feature edges (docs/method.md §5):
 * - hand-computed aggregation: the 3x3 sum of a conv kernel, the 49-position
 *   sum of fc1 in Keras HWC order (a case where the Caffe CHW order gives the
 *   opposite edge), scalar and AVX-512 aggregation identical;
 * - hand-computed rules on a small matrix: positive and negative correlation,
 *   strictness at equality, a zero-std output without edges, both storages
 *   (double and float);
 * - the real-shape He weights: the feature graph equals an independent plain
 *   computation (edge list, sort, unique), counts per layer pair agree, the
 *   total is near 2 x 0.1336 x 20.5 M, conv1_1 has no edge below it, the
 *   aggregate is reused across k, and the result is the same for the two
 *   kernels and for 1 or 2 threads. */
#include "fg_test.h"
#include "fnegraph/graph.h"
#include "fnegraph/mem.h"
#include "fnegraph/rng.h"
#include "graph/graph_internal.h"
#include "ref_graph.h"

#include <omp.h>
#include <string.h>

static void hand_aggregation(void)
{
    /* conv: K[kh][kw][i][j] = (kh*3 + kw + 1) * (i + 1) + 10 j: W = 45 (i + 1) + 90 j */
    enum { CIN = 3, COUT = 37 };
    float *K = fg_alloc(9 * CIN * COUT, sizeof *K);
    double W[CIN * COUT], W2[CIN * COUT];
    for (int t = 0; t < 9; t++)
        for (int i = 0; i < CIN; i++)
            for (int j = 0; j < COUT; j++) K[(t * CIN + i) * COUT + j] = (float)((t + 1) * (i + 1) + 10 * j);
    fg_i_ff_aggregate(K, 9, CIN, COUT, FG_ISA_SCALAR, W);
    fg_i_ff_aggregate(K, 9, CIN, COUT, FG_ISA_AVX512, W2);
    int bad = 0;
    for (int i = 0; i < CIN; i++)
        for (int j = 0; j < COUT; j++) bad += W[i * COUT + j] != 45.0 * (i + 1) + 90.0 * j;
    CHECK(bad == 0, "conv 3x3 sums: %d wrong", bad);
    CHECK(!memcmp(W, W2, sizeof W), "conv sums: scalar and AVX-512 identical");
    fg_free(K);

    /* fc6: rows (h*7 + w)*C + c. value q + 1 + 100 c + 1000 j: W = 1225 + 4900 c + 49000 j */
    enum { C = 2, OUT = 19 };
    float *D = fg_alloc(49 * C * OUT, sizeof *D);
    double V[C * OUT], V2[C * OUT];
    for (int q = 0; q < 49; q++)
        for (int c = 0; c < C; c++)
            for (int j = 0; j < OUT; j++) D[(q * C + c) * OUT + j] = (float)(q + 1 + 100 * c + 1000 * j);
    fg_i_ff_aggregate(D, 49, C, OUT, FG_ISA_SCALAR, V);
    fg_i_ff_aggregate(D, 49, C, OUT, FG_ISA_AVX512, V2);
    bad = 0;
    for (int c = 0; c < C; c++)
        for (int j = 0; j < OUT; j++) bad += V[c * OUT + j] != 1225.0 + 4900.0 * c + 49000.0 * j;
    CHECK(bad == 0, "fc6 49-position sums: %d wrong", bad);
    CHECK(!memcmp(V, V2, sizeof V), "fc6 sums: scalar and AVX-512 identical");

    /* HWC vs CHW: channel 0 is 1 at positions 25..48 (rows 50, 52, .., 96),
     * channel 1 at positions 0..9 (rows 1, 3, .., 19). HWC: W(0) = 24, W(1) = 10,
     * so channel 0 is the positive outlier (n_in = 2: z = +-1, k = 0.5).
     * Read as CHW (channel c = rows 49c..49c+48) the sums would be 10 and 24. */
    memset(D, 0, 49 * C * OUT * sizeof *D);
    for (int q = 25; q < 49; q++) D[(q * C + 0) * OUT] = 1;
    for (int q = 0; q < 10; q++) D[(q * C + 1) * OUT] = 1;
    double chw[2] = {0, 0};
    for (int rrow = 0; rrow < 98; rrow++) chw[rrow / 49] += D[rrow * OUT];
    CHECK(chw[0] == 10 && chw[1] == 24, "the planted case does distinguish the orders");
    fg_i_ff_aggregate(D, 49, C, OUT, FG_ISA_AVX512, V);
    double mean[OUT], sd[OUT], lo[OUT], hi[OUT];
    fg_i_ff_column_stats(V, NULL, C, OUT, FG_ISA_AVX512, mean, sd, NULL);
    CHECK(V[0] == 24 && V[OUT] == 10 && mean[0] == 17 && sd[0] == 7, "HWC sums 24, 10; mean 17, std 7");
    for (int j = 0; j < OUT; j++) {
        hi[j] = sd[j] > 0 ? mean[j] + 0.5 * sd[j] : INFINITY;
        lo[j] = sd[j] > 0 ? mean[j] - 0.5 * sd[j] : -INFINITY;
    }
    uint64_t pos[C], neg[C];
    fg_i_ff_signs(V, NULL, C, OUT, lo, hi, FG_ISA_SCALAR, pos, neg);
    CHECK(pos[0] == 1 && neg[0] == 0 && pos[1] == 0 && neg[1] == 1,
          "HWC: channel 0 positive and channel 1 negative for output 0, no edge for the zero outputs");
    fg_free(D);
}

static void hand_rules(void)
{
    /* 4 inputs x 3 outputs, W[i][j] (bit j of row i in the expected words):
     *   output 0: -1 -1  1  1   mean 0, std 1
     *   output 1:  5  5  5  5   std 0: never an edge
     *   output 2:  0  0  0  4   mean 1, std sqrt(3) */
    const double W[12] = {-1, 5, 0, -1, 5, 0, 1, 5, 0, 1, 5, 4};
    float W32[12];
    for (int t = 0; t < 12; t++) W32[t] = (float)W[t];
    double mean[3], sd[3], m32[3], s32[3];
    float copy[12];
    fg_i_ff_column_stats(W, NULL, 4, 3, FG_ISA_SCALAR, mean, sd, NULL);
    fg_i_ff_column_stats(NULL, W32, 4, 3, FG_ISA_AVX512, m32, s32, copy);
    CHECK(!memcmp(copy, W32, sizeof copy), "the statistics pass copies the float weights");
    CHECK(mean[0] == 0 && sd[0] == 1 && mean[1] == 5 && sd[1] == 0 && mean[2] == 1,
          "column stats: (%g, %g) (%g, %g) (%g, %g)", mean[0], sd[0], mean[1], sd[1], mean[2], sd[2]);
    CHECK_NEAR(sd[2], sqrt(3.0), 1e-15);
    CHECK(!memcmp(mean, m32, sizeof mean) && !memcmp(sd, s32, sizeof sd), "float storage: same stats");
    static const struct { double k; uint64_t pos[4], neg[4]; } cases[] = {
        /* k = 0.5: output 0 splits 2/2; output 2: 4 > 1 + 0.87 (pos), 0 < 1 - 0.87 (neg) */
        {0.5, {0, 0, 1, 5}, {5, 5, 4, 0}},
        /* k = 1: output 0 at +-1 exactly: strict, no edge; output 2: 4 > 2.73 */
        {1.0, {0, 0, 0, 4}, {0, 0, 0, 0}},
        /* k = 1.7: 4 > 1 + 1.7 sqrt 3 = 3.94 still; k = 1.75: 4.03, none */
        {1.7, {0, 0, 0, 4}, {0, 0, 0, 0}},
        {1.75, {0, 0, 0, 0}, {0, 0, 0, 0}},
        /* k = 0: every non-mean weight of a non-constant output is an edge */
        {0.0, {0, 0, 1, 5}, {5, 5, 4, 0}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double lo[3], hi[3];
        for (int j = 0; j < 3; j++) {
            hi[j] = sd[j] > 0 ? mean[j] + cases[c].k * sd[j] : INFINITY;
            lo[j] = sd[j] > 0 ? mean[j] - cases[c].k * sd[j] : -INFINITY;
        }
        for (int isa = 0; isa <= 2; isa += 2)
            for (int storage = 0; storage < 2; storage++) {
                uint64_t pos[4], neg[4];
                fg_i_ff_signs(storage ? NULL : W, storage ? W32 : NULL, 4, 3, lo, hi, (fg_isa)isa, pos, neg);
                CHECK(!memcmp(pos, cases[c].pos, sizeof pos) && !memcmp(neg, cases[c].neg, sizeof neg),
                      "k = %g, isa %d, %s: pos %llx %llx %llx %llx neg %llx %llx %llx %llx", cases[c].k, isa,
                      storage ? "float" : "double", (unsigned long long)pos[0], (unsigned long long)pos[1],
                      (unsigned long long)pos[2], (unsigned long long)pos[3], (unsigned long long)neg[0],
                      (unsigned long long)neg[1], (unsigned long long)neg[2], (unsigned long long)neg[3]);
            }
    }
}

static int has_edge(const fg_csr *g, uint32_t u, uint32_t v)
{
    for (uint64_t e = g->offsets[u]; e < g->offsets[u + 1]; e++)
        if (g->adj[e] == v) return 1;
    return 0;
}

static void real_shapes(void)
{
    fg_weights w;
    fg_ff_weights a, a_ref;
    fg_ff_edges e, e2, e_ref, e_1t;
    fg_csr ref;
    uint64_t rp[FG_FF_PAIRS], rn[FG_FF_PAIRS];
    const uint32_t F = FG_FNE_DIM;
    CHECK_OK(fg_weights_generate(5, false, &w));
    /* a planted pair: conv1_2 output 3 gets a huge weight from input 7 at every
     * tap, and conv1_2 output 4 a huge negative one from input 9 */
    for (int t = 0; t < 9; t++) {
        w.kernel[1][(t * 64 + 7) * 64 + 3] = 10.0f;
        w.kernel[1][(t * 64 + 9) * 64 + 4] = -10.0f;
    }
    /* and a constant output: fc7 unit 5 has equal weights from every fc6 unit */
    for (int i = 0; i < 4096; i++) w.kernel[14][(size_t)i * 4096 + 5] = 0.25f;

    CHECK_OK(fg_i_ff_weights_aggregate(&w, FG_ISA_AVX512, &a));
    CHECK_OK(fg_i_ff_weights_aggregate(&w, FG_ISA_SCALAR, &a_ref));
    int same = 1;
    for (int p = 0; p < FG_FF_PAIRS; p++) {
        size_t nw = (size_t)a.n_in[p] * a.n_out[p];
        same &= a.w64[p] ? !memcmp(a.w64[p], a_ref.w64[p], nw * 8) : !memcmp(a.w32[p], a_ref.w32[p], nw * 4);
        same &= !memcmp(a.mean[p], a_ref.mean[p], (size_t)a.n_out[p] * 8);
        same &= !memcmp(a.std[p], a_ref.std[p], (size_t)a.n_out[p] * 8);
    }
    CHECK(same, "aggregated weights and stats: scalar and AVX-512 identical");
    CHECK(a.n_in[12] == 512 && a.n_out[12] == 4096 && a.w64[12] && a.w32[13] && !a.w64[13],
          "fc6 pair aggregates 512 channels; fc7 kept as float");
    CHECK(a.std[13][5] == 0 && a.mean[13][5] == 0.25, "constant fc7 output: std 0");
    /* the independent plain computation, then the weights go: the aggregate owns what it needs */
    CHECK_OK(ref_ff_graph(&w, 1.5, &ref, rp, rn));
    fg_weights_destroy(&w);

    CHECK_OK(fg_ff_edges_compute(&a, 1.5, &e));
    CHECK_OK(fg_csr_validate(&e.graph));
    CHECK(fg_csr_n_edges(&e.graph) == 2 * e.n_pairs, "edges = 2 x pairs");
    uint64_t total_pairs = 0;
    for (int p = 0; p < FG_FF_PAIRS; p++) total_pairs += (uint64_t)a.n_in[p] * a.n_out[p];
    double frac = (double)e.n_pairs / (double)total_pairs;
    printf("k = 1.5: %llu pairs of %llu (%.4f), %llu edges\n", (unsigned long long)e.n_pairs,
           (unsigned long long)total_pairs, frac, (unsigned long long)fg_csr_n_edges(&e.graph));
    CHECK(fabs(frac - 0.1336) < 0.002, "fraction of pairs beyond 1.5 std: %.4f, normal 0.1336", frac);

    /* the planted pairs: (7, 3) positive, (9, 4) negative between conv1_1 (0..63) and conv1_2 (64..) */
    CHECK(has_edge(&e.graph, 7, 64 + 3) && has_edge(&e.graph, F + 7, F + 64 + 3) &&
              !has_edge(&e.graph, 7, F + 64 + 3),
          "positive pair: (i+, j+) and (i-, j-)");
    CHECK(has_edge(&e.graph, 9, F + 64 + 4) && has_edge(&e.graph, F + 9, 64 + 4) &&
              !has_edge(&e.graph, 9, 64 + 4),
          "negative pair: (i+, j-) and (i-, j+)");
    uint32_t fc7_5 = (uint32_t)fg_vgg16_layers[14].fne_offset + 5;
    CHECK(fg_csr_degree(&e.graph, fc7_5) == 0 && fg_csr_degree(&e.graph, F + fc7_5) == 0,
          "constant output fc7 unit 5: no edges");
    /* conv1_1 has no layer below: all its neighbours are conv1_2 vertices */
    int below = 0;
    for (uint32_t x = 0; x < 64; x++)
        for (int sgn = 0; sgn < 2; sgn++)
            for (uint64_t t = e.graph.offsets[sgn * F + x]; t < e.graph.offsets[sgn * F + x + 1]; t++) {
                uint32_t v = e.graph.adj[t] % F;
                below += v < 64 || v >= 128;
            }
    CHECK(below == 0, "conv1_1 neighbours outside conv1_2: %d", below);
    CHECK(e.n_pairs_pos[0] + e.n_pairs_neg[0] > 0, "conv1_1 -> conv1_2 has pairs");

    CHECK(!memcmp(rp, e.n_pairs_pos, sizeof rp) && !memcmp(rn, e.n_pairs_neg, sizeof rn),
          "counts per layer pair equal the reference's");
    CHECK(ref.n_vertices == e.graph.n_vertices &&
              !memcmp(ref.offsets, e.graph.offsets, (2 * (size_t)F + 1) * sizeof *ref.offsets) &&
              !memcmp(ref.adj, e.graph.adj, ref.offsets[2 * F] * sizeof *ref.adj),
          "feature graph identical to the plain edge-list reference");
    fg_csr_destroy(&ref);
    for (int p = 0; p < FG_FF_PAIRS; p++)
        printf("  %-7s -> %-7s %9llu positive %9llu negative\n", fg_vgg16_layers[p].name,
               fg_vgg16_layers[p + 1].name, (unsigned long long)e.n_pairs_pos[p],
               (unsigned long long)e.n_pairs_neg[p]);

    /* same aggregate, other k; other kernel; one thread */
    CHECK_OK(fg_ff_edges_compute(&a, 2.0, &e2));
    frac = (double)e2.n_pairs / (double)total_pairs;
    CHECK(fabs(frac - 0.0455) < 0.002, "k = 2 from the same aggregate: fraction %.4f, normal 0.0455", frac);
    CHECK_OK(fg_csr_validate(&e2.graph));
    fg_ff_edges_destroy(&e2);
    CHECK_OK(fg_i_ff_edges_compute(&a_ref, 1.5, FG_ISA_SCALAR, &e_ref));
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    CHECK_OK(fg_ff_edges_compute(&a, 1.5, &e_1t));
    omp_set_num_threads(threads);
    size_t nadj = e.graph.offsets[2 * F] * sizeof *e.graph.adj;
    CHECK(!memcmp(e_ref.graph.adj, e.graph.adj, nadj) && !memcmp(e_1t.graph.adj, e.graph.adj, nadj) &&
              !memcmp(e_1t.graph.offsets, e.graph.offsets, (2 * (size_t)F + 1) * 8),
          "same feature graph from the scalar kernels and from one thread");
    CHECK_FAILS(fg_ff_edges_compute(&a, -1, &e2), FG_EINVAL, "k = -1");
    CHECK_FAILS(fg_ff_edges_compute(&a, NAN, &e2), FG_EINVAL, "finite k");
    fg_ff_edges_destroy(&e);
    fg_ff_edges_destroy(&e_ref);
    fg_ff_edges_destroy(&e_1t);
    fg_ff_weights_destroy(&a);
    fg_ff_weights_destroy(&a_ref);

    fg_weights none;
    memset(&none, 0, sizeof none);
    CHECK_FAILS(fg_ff_weights_aggregate(&none, &a), FG_EINVAL, "no kernel for conv1_2 (block1_conv2)");
}

int main(void)
{
    hand_aggregation();
    hand_rules();
    real_shapes();
    return fg_test_done("test_ff_edges");
}
