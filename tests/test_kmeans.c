/* k-means (engine/kmeans, fnegraph/kmeans.h): the fast path (oneDNN product,
 * OpenMP assignment and update) against its simple twin (plain loops, double)
 * on random blobs: the same k-means++ picks, the same labels and iterations,
 * the inertia to 1e-6 relative; the same result for 1 and 3 threads and for
 * the same seed twice; an empty cluster re-seeded by the documented rule
 * (the point farthest from its centre), checked by hand; restarts keep the
 * lowest inertia; k > images refused with a message naming the data; the
 * baselines' inputs (standardized z, ternary codes as floats). */
#include "fg_test.h"
#include "fnegraph/kmeans.h"
#include "fnegraph/mem.h"
#include "kmeans/kmeans_i.h"

#include <omp.h>
#include <stdbool.h>
#include <string.h>

/* n points around k centres in d dimensions (spread s around unit-normal centres x 4). */
static float *blobs(fg_rng *r, int64_t n, int64_t d, int64_t k, double s)
{
    float *c = malloc((size_t)(k * d) * sizeof *c), *x = fg_alloc((size_t)(n * d), sizeof *x);
    for (int64_t i = 0; i < k * d; i++) c[i] = (float)(4.0 * fg_rng_normal(r));
    for (int64_t i = 0; i < n; i++) {
        const int64_t j = (int64_t)fg_rng_below(r, (uint64_t)k);
        for (int64_t f = 0; f < d; f++) x[i * d + f] = c[j * d + f] + (float)(s * fg_rng_normal(r));
    }
    free(c);
    return x;
}

/* picks: compare the k-means++ picks too. Not for tightly packed data: the
 * fast seeding's distances come from f32 products, and a draw or a choice
 * between two candidates whose potentials differ by less than that rounding
 * can go either way (the Lloyd part is compared from the same centres). */
static void fast_vs_twin(uint64_t seed, int64_t n, int64_t d, int64_t k, double spread, bool picks)
{
    fg_rng r;
    fg_rng_seed(&r, seed);
    float *x = blobs(&r, n, d, k, spread);
    float *c1 = fg_alloc((size_t)(k * d), sizeof *c1), *c2 = fg_alloc((size_t)(k * d), sizeof *c2);
    int64_t *i1 = malloc((size_t)k * sizeof *i1), *i2 = malloc((size_t)k * sizeof *i2);
    fg_rng a, b;
    fg_rng_seed(&a, seed + 1);
    b = a;
    CHECK_OK(fg_kmeans_seed_pp(x, n, d, k, &a, c1, i1));
    CHECK_OK(fg_i_kmeans_seed_pp_ref(x, n, d, k, &b, c2, i2));
    CHECK(!picks || memcmp(i1, i2, (size_t)k * sizeof *i1) == 0, "seed %llu n %lld d %lld k %lld: k-means++ picks differ",
          (unsigned long long)seed, (long long)n, (long long)d, (long long)k);
    fg_kmeans_opts o = fg_kmeans_opts_default(k, seed);
    fg_kmeans_result f, t;
    CHECK_OK(fg_kmeans_lloyd(x, n, d, c1, &o, &f));
    CHECK_OK(fg_i_kmeans_lloyd_ref(x, n, d, c1, &o, &t));
    if (f.labels && t.labels) {
        CHECK(memcmp(f.labels, t.labels, (size_t)n * sizeof *f.labels) == 0, "n %lld d %lld k %lld: labels differ",
              (long long)n, (long long)d, (long long)k);
        CHECK(f.iterations == t.iterations && f.converged == t.converged, "iterations %d/%d converged %d/%d",
              f.iterations, t.iterations, f.converged, t.converged);
        CHECK_NEAR(f.inertia / t.inertia, 1.0, 1e-6);
        CHECK(f.n_reseeded == t.n_reseeded, "re-seeded %lld vs %lld", (long long)f.n_reseeded,
              (long long)t.n_reseeded);
    }
    fg_kmeans_result_destroy(&f);
    fg_kmeans_result_destroy(&t);
    fg_free(x);
    fg_free(c1);
    fg_free(c2);
    free(i1);
    free(i2);
}

/* The same result for any thread count and for the same seed. */
static void determinism(void)
{
    fg_rng r;
    fg_rng_seed(&r, 77);
    const int64_t n = 700, d = 37, k = 9;
    float *x = blobs(&r, n, d, k, 2.5);
    fg_kmeans_opts o = fg_kmeans_opts_default(k, 5);
    o.restarts = 3;
    fg_kmeans_result a, b, c, e;
    omp_set_num_threads(1);
    CHECK_OK(fg_kmeans_run(x, n, d, &o, &a));
    omp_set_num_threads(3);
    CHECK_OK(fg_kmeans_run(x, n, d, &o, &b));
    CHECK_OK(fg_kmeans_run(x, n, d, &o, &c));
    o.seed = 6;
    CHECK_OK(fg_kmeans_run(x, n, d, &o, &e));
    CHECK(a.inertia == b.inertia && a.iterations == b.iterations && a.restart == b.restart &&
              memcmp(a.labels, b.labels, (size_t)n * sizeof *a.labels) == 0 &&
              memcmp(a.centers, b.centers, (size_t)(k * d) * sizeof *a.centers) == 0,
          "1 and 3 threads differ (inertia %.17g vs %.17g)", a.inertia, b.inertia);
    CHECK(b.inertia == c.inertia && memcmp(b.labels, c.labels, (size_t)n * sizeof *b.labels) == 0,
          "the same seed twice differs");
    CHECK(e.inertia != b.inertia || memcmp(e.labels, b.labels, (size_t)n * sizeof *b.labels) != 0,
          "seeds 5 and 6 gave the very same clustering (inertia %.17g)", e.inertia);
    /* the kept restart is the lowest of the restarts run one by one */
    double low = INFINITY;
    int at = -1;
    for (int rr = 0; rr < 3; rr++) {
        fg_rng g;
        fg_rng_seed_stream(&g, 5, (uint64_t)rr);
        float *init = fg_alloc((size_t)(k * d), sizeof *init);
        fg_kmeans_result one;
        CHECK_OK(fg_kmeans_seed_pp(x, n, d, k, &g, init, NULL));
        fg_kmeans_opts o1 = fg_kmeans_opts_default(k, 5);
        CHECK_OK(fg_kmeans_lloyd(x, n, d, init, &o1, &one));
        if (one.inertia < low) {
            low = one.inertia;
            at = rr;
        }
        fg_kmeans_result_destroy(&one);
        fg_free(init);
    }
    CHECK(b.inertia == low && b.restart == at, "kept restart %d (%.17g), lowest %d (%.17g)", b.restart, b.inertia,
          at, low);
    omp_set_num_threads(omp_get_num_procs());
    fg_kmeans_result_destroy(&a);
    fg_kmeans_result_destroy(&b);
    fg_kmeans_result_destroy(&c);
    fg_kmeans_result_destroy(&e);
    fg_free(x);
}

/* 1-D points 0, 1, 2, 10, 11 with centres 0.5, 10.5 and 100: the third
 * centre gets no point in the first assignment and is re-seeded with the
 * point farthest from its centre: 2 (distance 1.5 to 0.5). */
static void empty_cluster(void)
{
    const float x[5] = {0, 1, 2, 10, 11}, init[3] = {0.5f, 10.5f, 100.0f};
    fg_kmeans_opts o = fg_kmeans_opts_default(3, 1);
    o.max_iter = 1; /* one iteration: the re-seeded centres, then the final assignment */
    fg_kmeans_result f, t;
    CHECK_OK(fg_kmeans_lloyd(x, 5, 1, init, &o, &f));
    CHECK_OK(fg_i_kmeans_lloyd_ref(x, 5, 1, init, &o, &t));
    if (f.centers && t.centers) {
        CHECK(f.n_reseeded == 1 && t.n_reseeded == 1, "re-seeded %lld / %lld, expected 1", (long long)f.n_reseeded,
              (long long)t.n_reseeded);
        /* cluster 0 = {0, 1} (2 moved out): 0.5; cluster 1 = {10, 11}: 10.5; cluster 2 = {2} */
        CHECK(f.centers[0] == 0.5f && f.centers[1] == 10.5f && f.centers[2] == 2.0f, "centres %g %g %g",
              f.centers[0], f.centers[1], f.centers[2]);
        const int32_t want[5] = {0, 0, 2, 1, 1};
        CHECK(memcmp(f.labels, want, sizeof want) == 0 && memcmp(t.labels, want, sizeof want) == 0,
              "labels %d %d %d %d %d", f.labels[0], f.labels[1], f.labels[2], f.labels[3], f.labels[4]);
        CHECK_NEAR(f.inertia, 1.0, 1e-12); /* 4 x 0.5^2 */
        CHECK(!f.converged && f.iterations == 1, "converged %d after %d", f.converged, f.iterations);
    }
    fg_kmeans_result_destroy(&f);
    fg_kmeans_result_destroy(&t);
    /* run to the end: it converges with every cluster non-empty */
    o.max_iter = 0;
    CHECK_OK(fg_kmeans_lloyd(x, 5, 1, init, &o, &f));
    CHECK(f.converged && f.n_reseeded == 1, "converged %d, re-seeded %lld", f.converged, (long long)f.n_reseeded);
    fg_kmeans_result_destroy(&f);
}

static void refusals(void)
{
    const float x[6] = {0, 1, 2, 3, 4, 5};
    fg_kmeans_opts o = fg_kmeans_opts_default(4, 1);
    o.what = "tiny.h5";
    fg_kmeans_result r;
    CHECK_FAILS(fg_kmeans_run(x, 3, 2, &o, &r), FG_EINVAL, "tiny.h5: 4 clusters, but only 3 images");
    o.k = 0;
    CHECK_FAILS(fg_kmeans_run(x, 3, 2, &o, &r), FG_EINVAL, "need at least 1");
    o.k = 2;
    o.tol = -1;
    CHECK_FAILS(fg_kmeans_run(x, 3, 2, &o, &r), FG_EINVAL, "tol");
    o.tol = 0;
    CHECK_OK(fg_kmeans_run(x, 3, 2, &o, &r)); /* k = 2 of 3 points is fine */
    CHECK(r.labels && r.labels[0] != r.labels[2], "two far points in one cluster");
    fg_kmeans_result_destroy(&r);
    o.k = 3;
    CHECK_OK(fg_kmeans_run(x, 3, 2, &o, &r)); /* k = n: every point its own cluster */
    CHECK(r.inertia == 0.0, "k = n: inertia %g", r.inertia);
    fg_kmeans_result_destroy(&r);
}

static void inputs(void)
{
    const int64_t n = 9, d = 70;
    fg_rng r;
    fg_rng_seed(&r, 3);
    float *x = fg_alloc((size_t)(n * d), sizeof *x);
    for (int64_t i = 0; i < n * d; i++) x[i] = (float)fg_rng_normal(&r);
    for (int64_t i = 0; i < n; i++) x[i * d + 5] = 2.0f; /* a constant feature: z = 0 */
    fg_fne_stats s;
    fg_codes c;
    float *z = NULL, *t = NULL;
    CHECK_OK(fg_fne_stats_compute(x, n, d, NULL, 0, NULL, &s));
    CHECK_OK(fg_codes_ternarize(x, n, d, &s, -0.5, 0.5, NULL, &c));
    CHECK_OK(fg_kmeans_standardized(x, n, d, &s, &z));
    CHECK_OK(fg_kmeans_ternary(&c, &t));
    int bad_z = 0, bad_t = 0;
    for (int64_t i = 0; z && t && i < n; i++)
        for (int64_t f = 0; f < d; f++) {
            const float m = (float)s.mean[f], sd = (float)s.std[f];
            const float want = sd != 0.0f ? (x[i * d + f] - m) / sd : 0.0f;
            bad_z += z[i * d + f] != want;
            bad_t += t[i * d + f] != (float)fg_codes_get(&c, i, f);
        }
    CHECK(bad_z == 0 && bad_t == 0, "%d z and %d ternary values differ", bad_z, bad_t);
    CHECK(z && z[5] == 0.0f, "the constant feature's z");
    fg_free(z);
    fg_free(t);
    fg_codes_destroy(&c);
    fg_fne_stats_destroy(&s);
    fg_free(x);
}

int main(void)
{
    const unsigned long long seed = fg_test_seed("test_kmeans");
    fast_vs_twin(seed, 500, 16, 6, 1.0, true);
    fast_vs_twin(seed + 10, 301, 123, 11, 3.0, true);  /* overlapping blobs: many iterations */
    fast_vs_twin(seed + 20, 97, 5, 40, 0.5, false);    /* many clusters for few points */
    fast_vs_twin(seed + 30, 64, 1000, 3, 1.0, true);   /* wide */
    determinism();
    empty_cluster();
    refusals();
    inputs();
    return fg_test_done("test_kmeans");
}
