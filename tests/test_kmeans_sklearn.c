/* fnegraph's k-means against scikit-learn's KMeans (Debian python3-sklearn,
 * through /usr/bin/python3 tests/kmeans_sklearn.py): started from the same
 * initial centres (ours, k-means++), KMeans(init=array, n_init=1,
 * algorithm="lloyd") must reach the same labelling and the inertia to 1e-4
 * relative, on blobs and on a real FNE: 24 + 24 of the validation photos of
 * ../shared/data (hymenoptera ants and bees, linked into a class-per-folder
 * tree) through VGG16 with generated weights (gen-weights + extract), both inputs of the baselines
 * (standardized z and the ternary codes at (-2, 2)). Skips without sklearn;
 * the FNE part skips without the shared photos. */
#include "fg_test.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/kmeans.h"
#include "fnegraph/mem.h"

#include <string.h>
#include <unistd.h>

static char dir[256];
static FILE *cases;
static int n_cases;

static void put(const char *name, const char *ext, const void *p, size_t bytes)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(p, 1, bytes, f) == bytes && fclose(f) == 0, "cannot write %s", path);
}

/* Seed with k-means++ (seed s), run our Lloyd, write the case for the script. */
static void add_case(const char *name, const float *x, int64_t n, int64_t d, int64_t k, uint64_t s)
{
    float *init = fg_alloc((size_t)(k * d), sizeof *init);
    fg_rng r;
    fg_rng_seed(&r, s);
    fg_kmeans_opts o = fg_kmeans_opts_default(k, s);
    fg_kmeans_result res;
    memset(&res, 0, sizeof res);
    CHECK_OK(fg_kmeans_seed_pp(x, n, d, k, &r, init, NULL));
    CHECK_OK(fg_kmeans_lloyd(x, n, d, init, &o, &res));
    if (res.labels) {
        put(name, "x", x, (size_t)(n * d) * sizeof *x);
        put(name, "init", init, (size_t)(k * d) * sizeof *init);
        put(name, "labels", res.labels, (size_t)n * sizeof *res.labels);
        fprintf(cases,
                "%s{\"name\": \"%s\", \"n\": %lld, \"d\": %lld, \"k\": %lld, \"max_iter\": %d, \"tol\": %.17g, "
                "\"inertia\": %.17g, \"iterations\": %d}\n",
                n_cases++ ? "," : "", name, (long long)n, (long long)d, (long long)k, o.max_iter, o.tol,
                res.inertia, res.iterations);
        printf("%s: k %lld, %d iterations, inertia %.10g\n", name, (long long)k, res.iterations, res.inertia);
    }
    fg_kmeans_result_destroy(&res);
    fg_free(init);
}

static void blobs(const char *name, uint64_t s, int64_t n, int64_t d, int64_t k, double spread)
{
    fg_rng r;
    fg_rng_seed(&r, s);
    float *c = fg_alloc((size_t)(k * d), sizeof *c), *x = fg_alloc((size_t)(n * d), sizeof *x);
    for (int64_t i = 0; i < k * d; i++) c[i] = (float)(3.0 * fg_rng_normal(&r));
    for (int64_t i = 0; i < n; i++) {
        const int64_t j = (int64_t)fg_rng_below(&r, (uint64_t)k);
        for (int64_t f = 0; f < d; f++) x[i * d + f] = c[j * d + f] + (float)(spread * fg_rng_normal(&r));
    }
    add_case(name, x, n, d, k, s);
    fg_free(c);
    fg_free(x);
}

static int run(const char *cmd)
{
    int rc = system(cmd);
    if (rc != 0) fprintf(stderr, "failed (%d): %s\n", rc, cmd);
    return rc;
}

/* The FNE of the shared validation photos, standardized and ternarized. */
static void real_fne(void)
{
    const char *exe = getenv("FG_EXE");
    char root[512], cmd[2048], fne_path[300];
    snprintf(root, sizeof root, "%s/images/hymenoptera_data/val", FG_SHARED_DATA);
    if (!exe || access(root, R_OK) != 0) {
        printf("real FNE part skipped: %s\n", exe ? "the shared photos are absent" : "FG_EXE not set");
        return;
    }
    snprintf(fne_path, sizeof fne_path, "%s/fne.h5", dir);
    snprintf(cmd, sizeof cmd,
             "for c in ants bees; do mkdir -p '%s/photos/'$c && ls '%s/'$c | sort | head -24 | "
             "while read f; do ln -s '%s/'$c/\"$f\" '%s/photos/'$c/\"$f\"; done; done",
             dir, root, root, dir);
    if (run(cmd) != 0) {
        CHECK(0, "linking the photos");
        return;
    }
    snprintf(root, sizeof root, "%s/photos", dir);
    snprintf(cmd, sizeof cmd, "'%s' gen-weights --out '%s/w.h5' --seed 1 >/dev/null 2>&1", exe, dir);
    if (run(cmd) != 0) {
        CHECK(0, "gen-weights");
        return;
    }
    snprintf(cmd, sizeof cmd, "'%s' extract --dataset folder --root '%s' --weights '%s/w.h5' --out '%s' >/dev/null 2>&1",
             exe, root, dir, fne_path);
    if (run(cmd) != 0) {
        CHECK(0, "extract");
        return;
    }
    fg_fne f;
    fg_fne_stats s;
    fg_codes c;
    float *z = NULL, *t = NULL;
    memset(&f, 0, sizeof f);
    memset(&s, 0, sizeof s);
    memset(&c, 0, sizeof c);
    CHECK_OK(fg_fne_read(fne_path, &f));
    CHECK_OK(fg_fne_stats_compute(f.x, f.n, FG_FNE_DIM, NULL, 0, NULL, &s));
    CHECK_OK(fg_kmeans_standardized(f.x, f.n, FG_FNE_DIM, &s, &z));
    CHECK_OK(fg_codes_ternarize(f.x, f.n, FG_FNE_DIM, &s, -2.0, 2.0, NULL, &c));
    CHECK_OK(fg_kmeans_ternary(&c, &t));
    if (z && t) {
        add_case("fne_z_k2", z, f.n, FG_FNE_DIM, 2, 1);
        add_case("fne_z_k8", z, f.n, FG_FNE_DIM, 8, 2);
        add_case("fne_ternary_k2", t, f.n, FG_FNE_DIM, 2, 3);
        add_case("fne_ternary_k8", t, f.n, FG_FNE_DIM, 8, 4);
    }
    fg_free(z);
    fg_free(t);
    fg_codes_destroy(&c);
    fg_fne_stats_destroy(&s);
    fg_fne_destroy(&f);
}

int main(void)
{
    if (access("/usr/bin/python3", X_OK) != 0 ||
        system("/usr/bin/python3 -c 'import sklearn.cluster, numpy' >/dev/null 2>&1") != 0)
        FG_SKIP("/usr/bin/python3 cannot import sklearn (python3-sklearn)");
    snprintf(dir, sizeof dir, "/tmp/fg_kmeans_sklearn.XXXXXX");
    if (!mkdtemp(dir)) FG_SKIP("cannot make a temporary folder");
    char path[512];
    snprintf(path, sizeof path, "%s/cases.json", dir);
    cases = fopen(path, "w");
    if (!cases) FG_SKIP("cannot write %s", path);
    fputs("[\n", cases);
    blobs("blobs_small", 11, 400, 8, 5, 1.0);
    blobs("blobs_overlap", 12, 900, 40, 12, 8.0); /* heavy overlap: many iterations */
    blobs("blobs_wide", 13, 120, 2000, 4, 2.0);
    real_fne();
    fputs("]\n", cases);
    fclose(cases);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/tests/kmeans_sklearn.py' '%s'", FG_SOURCE_DIR, dir);
    CHECK(n_cases >= 3 && run(cmd) == 0, "scikit-learn disagrees (see above)");
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)!system(cmd);
    return fg_test_done("test_kmeans_sklearn");
}
