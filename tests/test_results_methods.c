/* The runs table's `method`, `inertia`, `restarts` and `seconds_kmeans`
 * fields (issue 16), and the files written before them:
 *  1. A results file in the layout of the fnegraph before the k-means
 *     baselines, written here field by field with libhdf5 (the /runs record
 *     of that version: every field up to seconds_score, 232 bytes, with and
 *     without check tables), reads: its runs are FluidC runs (method fluidc,
 *     inertia NaN, restarts 0), their check values hold, has_run finds them
 *     as fluidc and not as kmeans; opened for appending it takes a FluidC
 *     row and refuses a k-means row with a message that says why.
 *  2. A new file keeps FluidC and k-means rows of the same keys apart
 *     (has_run_method), reads them back exactly, and refuses to read a row
 *     whose method or inertia is not one fnegraph writes. */
#include "fg_test.h"
#include "fnegraph/mem.h"
#include "fnegraph/results.h"
#include "io/results_i.h"

#include <hdf5.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

static hid_t str_t(size_t n)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, n);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    return t;
}

#define INS(t, f, ht) H5Tinsert(t, #f, offsetof(fg_run_row, f), ht)

/* The /runs record of the version before the baselines (its fields, its size). */
static hid_t old_run_type(void)
{
    const size_t size = offsetof(fg_run_row, seconds_score) + sizeof(double);
    hid_t t = H5Tcreate(H5T_COMPOUND, size), s64 = str_t(64), s16 = str_t(16);
    char name[32];
    INS(t, dataset, s64);
    INS(t, lo, H5T_NATIVE_DOUBLE);
    INS(t, hi, H5T_NATIVE_DOUBLE);
    INS(t, k, H5T_NATIVE_DOUBLE);
    INS(t, communities, H5T_NATIVE_INT64);
    INS(t, seed, H5T_NATIVE_INT64);
    INS(t, variant, s16);
    INS(t, n_images_scored, H5T_NATIVE_INT64);
    INS(t, n_images_outside, H5T_NATIVE_INT64);
    INS(t, sweeps, H5T_NATIVE_INT64);
    INS(t, converged, H5T_NATIVE_INT32);
    for (int i = 0; i < FG_NORM_COUNT; i++) {
        snprintf(name, sizeof name, "nmi_%s", fg_norm_name((fg_norm)i));
        H5Tinsert(t, name, offsetof(fg_run_row, nmi) + (size_t)i * sizeof(double), H5T_NATIVE_DOUBLE);
    }
    for (int i = 0; i < FG_NORM_COUNT; i++) {
        snprintf(name, sizeof name, "ami_%s", fg_norm_name((fg_norm)i));
        H5Tinsert(t, name, offsetof(fg_run_row, ami) + (size_t)i * sizeof(double), H5T_NATIVE_DOUBLE);
    }
    INS(t, seconds_fluidc, H5T_NATIVE_DOUBLE);
    INS(t, seconds_score, H5T_NATIVE_DOUBLE);
    H5Tclose(s64);
    H5Tclose(s16);
    return t;
}

static hid_t graph_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(fg_graph_row)), s64 = str_t(64);
    H5Tinsert(t, "dataset", offsetof(fg_graph_row, dataset), s64);
    const char *d[] = {"lo", "hi", "k"};
    for (int i = 0; i < 3; i++) H5Tinsert(t, d[i], offsetof(fg_graph_row, lo) + (size_t)i * 8, H5T_NATIVE_DOUBLE);
    const char *c[] = {"n_images",     "n_vertices",   "n_vertices_nonisolated", "n_edges", "n_edges_if",
                       "n_edges_ff",   "n_components", "largest_component",      "largest_component_images"};
    for (int i = 0; i < 9; i++) H5Tinsert(t, c[i], offsetof(fg_graph_row, n_images) + (size_t)i * 8, H5T_NATIVE_INT64);
    H5Tinsert(t, "seconds_graph", offsetof(fg_graph_row, seconds_graph), H5T_NATIVE_DOUBLE);
    H5Tclose(s64);
    return t;
}

static hid_t chunked(hid_t f, const char *name, hid_t type, hsize_t n)
{
    hsize_t dims[1] = {n}, maxd[1] = {H5S_UNLIMITED}, chunk[1] = {64};
    hid_t sp = H5Screate_simple(1, dims, maxd), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, chunk);
    hid_t d = H5Dcreate2(f, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(sp);
    return d;
}

static fg_run_row fluidc_row(int64_t seed)
{
    fg_run_row r;
    fg_run_row_init(&r);
    snprintf(r.dataset, sizeof r.dataset, "wood");
    snprintf(r.variant, sizeof r.variant, "paper");
    r.lo = -2, r.hi = 2, r.k = 1.5, r.communities = 7, r.seed = seed;
    r.n_images_scored = 438, r.sweeps = 11, r.converged = 1;
    for (int i = 0; i < FG_NORM_COUNT; i++) r.nmi[i] = 0.3 + 0.01 * i, r.ami[i] = 0.2 + 0.01 * i;
    r.seconds_fluidc = 0.5, r.seconds_score = 0.01;
    return r;
}

/* An old-layout file with 3 FluidC runs (checks: with the check tables). */
static void write_old(const char *path, bool checks)
{
    fg_run_row rows[3];
    uint64_t c[3];
    for (int i = 0; i < 3; i++) {
        rows[i] = fluidc_row(i + 1);
        c[i] = fg_i_results_check_run(&rows[i]);
    }
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t rt = old_run_type(), gt = graph_type();
    hid_t mt = H5Tcreate(H5T_COMPOUND, sizeof(fg_run_row)); /* the old fields at their offsets in our struct */
    for (int i = 0; i < H5Tget_nmembers(rt); i++) {
        char *n = H5Tget_member_name(rt, (unsigned)i);
        hid_t m = H5Tget_member_type(rt, (unsigned)i);
        H5Tinsert(mt, n, H5Tget_member_offset(rt, (unsigned)i), m);
        H5Tclose(m);
        H5free_memory(n);
    }
    hid_t g = chunked(f, "graphs", gt, 0), r = chunked(f, "runs", rt, 3);
    CHECK(H5Dwrite(r, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0, "writing the old rows");
    if (checks) {
        hid_t gc = chunked(f, "graphs_check", H5T_STD_U64LE, 0), rc = chunked(f, "runs_check", H5T_STD_U64LE, 3);
        CHECK(H5Dwrite(rc, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, c) >= 0, "writing the checks");
        hid_t st = str_t(80), sp = H5Screate(H5S_SCALAR);
        hid_t a = H5Acreate2(f, "row_checks", st, sp, H5P_DEFAULT, H5P_DEFAULT);
        char v[80] = "fnv1a64 of the fields of each row, in /graphs_check and /runs_check";
        H5Awrite(a, st, v);
        H5Aclose(a);
        H5Sclose(sp);
        H5Tclose(st);
        H5Dclose(gc);
        H5Dclose(rc);
    }
    hid_t st = str_t(32), sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(f, "config", st, sp, H5P_DEFAULT, H5P_DEFAULT);
    char v[32] = "[sweep]\n";
    H5Awrite(a, st, v);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(st);
    H5Dclose(g);
    H5Dclose(r);
    H5Tclose(mt);
    H5Tclose(rt);
    H5Tclose(gt);
    H5Fclose(f);
}

static void old_file(const char *dir, bool checks)
{
    char path[512];
    snprintf(path, sizeof path, "%s/old%s.h5", dir, checks ? "" : "_nochecks");
    write_old(path, checks);
    const char *what = checks ? "old layout" : "old layout without check tables";
    fg_graph_row *g = NULL;
    fg_run_row *r = NULL;
    int64_t ng = 0, nr = 0;
    CHECK_OK(fg_results_read(path, &g, &ng, &r, &nr));
    CHECK(nr == 3, "%s: %lld runs read", what, (long long)nr);
    for (int64_t i = 0; r && i < nr; i++) {
        const fg_run_row want = fluidc_row(i + 1);
        CHECK(!strcmp(r[i].method, "fluidc") && isnan(r[i].inertia) && r[i].restarts == 0 &&
                  r[i].seconds_kmeans == 0,
              "%s: row %lld reads as method '%s', inertia %g, restarts %lld", what, (long long)i, r[i].method,
              r[i].inertia, (long long)r[i].restarts);
        CHECK(r[i].seed == want.seed && r[i].nmi[2] == want.nmi[2] && r[i].sweeps == want.sweeps &&
                  !strcmp(r[i].variant, "paper"),
              "%s: row %lld's old fields", what, (long long)i);
    }
    fg_free(g);
    fg_free(r);
    fg_results *h = NULL;
    CHECK_OK(fg_results_open(path, NULL, &h));
    if (h) {
        CHECK(!fg_results_has_methods(h), "%s: says it has the method field", what);
        CHECK(fg_results_has_run(h, "wood", -2, 2, 1.5, 7, 2, "paper"), "%s: has_run of a FluidC row", what);
        CHECK(fg_results_has_run_method(h, "wood", -2, 2, 1.5, 7, 2, "paper", "fluidc"), "%s: as fluidc", what);
        CHECK(!fg_results_has_run_method(h, "wood", -2, 2, 1.5, 7, 2, "paper", "kmeans"), "%s: as kmeans", what);
        fg_run_row x = fluidc_row(4);
        CHECK_OK(fg_results_add_run(h, &x));
        x = fluidc_row(5);
        snprintf(x.method, sizeof x.method, "kmeans");
        x.inertia = 12.5;
        x.restarts = 1;
        CHECK_FAILS(fg_results_add_run(h, &x), FG_EINVAL, "before the k-means baselines");
        fg_results_close(h);
    }
    CHECK_OK(fg_results_read(path, &g, &ng, &r, &nr));
    CHECK(nr == 4 && r && r[3].seed == 4 && !strcmp(r[3].method, "fluidc"), "%s: 4 FluidC rows after the append (%lld)",
          what, (long long)nr);
    fg_free(g);
    fg_free(r);
}

static void new_file(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/new.h5", dir);
    fg_results *h = NULL;
    CHECK_OK(fg_results_open(path, NULL, &h));
    if (!h) return;
    fg_run_row a = fluidc_row(1), b = fluidc_row(1), c = fluidc_row(1);
    snprintf(b.method, sizeof b.method, "kmeans");
    b.inertia = 1234.5, b.restarts = 3, b.seconds_kmeans = 2.5, b.seconds_fluidc = 0;
    snprintf(c.method, sizeof c.method, "kmeans-ternary");
    c.inertia = 99.0, c.restarts = 1, c.seconds_kmeans = 0.5, c.seconds_fluidc = 0;
    CHECK(fg_results_has_methods(h), "a new file has the method field");
    CHECK_OK(fg_results_add_run(h, &a));
    CHECK(!fg_results_has_run_method(h, "wood", -2, 2, 1.5, 7, 1, "paper", "kmeans"), "kmeans before it is added");
    CHECK_OK(fg_results_add_run(h, &b));
    CHECK_OK(fg_results_add_run(h, &c));
    CHECK(fg_results_has_run_method(h, "wood", -2, 2, 1.5, 7, 1, "paper", "kmeans") &&
              fg_results_has_run_method(h, "wood", -2, 2, 1.5, 7, 1, "paper", "kmeans-ternary") &&
              fg_results_has_run(h, "wood", -2, 2, 1.5, 7, 1, "paper"),
          "the three methods of one key");
    fg_results_close(h);
    fg_graph_row *g = NULL;
    fg_run_row *r = NULL;
    int64_t ng = 0, nr = 0;
    CHECK_OK(fg_results_read(path, &g, &ng, &r, &nr));
    CHECK(nr == 3 && r && !memcmp(&r[1], &b, sizeof b) && !memcmp(&r[2], &c, sizeof c) &&
              !strcmp(r[0].method, "fluidc") && isnan(r[0].inertia),
          "the rows read back exactly");
    fg_free(g);
    fg_free(r);
    /* rows fnegraph does not write are refused on reading */
    fg_run_row bad[3] = {fluidc_row(1), fluidc_row(2), fluidc_row(3)};
    snprintf(bad[0].method, sizeof bad[0].method, "spectral");
    bad[1].inertia = 5; /* FluidC with an inertia */
    snprintf(bad[2].method, sizeof bad[2].method, "kmeans");
    bad[2].inertia = NAN, bad[2].restarts = 1; /* k-means without one */
    const char *why[3] = {"method (expected fluidc, kmeans or kmeans-ternary)", "NaN and 0 for a FluidC run",
                          "finite inertia"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/bad%d.h5", dir, i);
        CHECK_OK(fg_results_open(path, NULL, &h));
        if (!h) continue;
        CHECK_OK(fg_results_add_run(h, &bad[i]));
        fg_results_close(h);
        CHECK_FAILS(fg_results_read(path, &g, &ng, &r, &nr), FG_EFORMAT, why[i]);
    }
}

int main(void)
{
    char dir[] = "/tmp/fg_results_methods.XXXXXX";
    if (!mkdtemp(dir)) FG_SKIP("cannot make a temporary folder");
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    old_file(dir, true);
    old_file(dir, false);
    new_file(dir);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)!system(cmd);
    return fg_test_done("test_results_methods");
}
