/* The edge file (engine/io/edges_file.c): round trips of random graphs with
 * and without labels, files as h5py writes them (int64, attributes on
 * /edges), and every malformed file refused with a message naming the file
 * and the dataset, attribute or edge row. When /usr/bin/python3 has h5py, the
 * written layout is also checked from Python. */
#include "fg_test.h"
#include "fnegraph/edges_file.h"
#include "fnegraph/mem.h"
#include "fnegraph/rng.h"

#include <hdf5.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/fg_test_edges_XXXXXX";

static const char *path_of(const char *name)
{
    static char buf[4][512];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

/* A hand-made file: edges [E][ncols] of type `type` (values from e), the
 * attributes where asked (nv/ni < 0: left out), an optional /label. */
static void make_file(const char *path, hid_t type, int ncols, const int64_t *e, hsize_t E, int64_t nv, int64_t ni,
                      int attrs_on_edges, const int64_t *labels, hsize_t nl)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t dims[2] = {E, (hsize_t)ncols};
    hid_t sp = H5Screate_simple(2, dims, NULL);
    hid_t ds = H5Dcreate2(f, "edges", type, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (E) {
        if (H5Tget_class(type) == H5T_FLOAT) {
            double *d = malloc(E * ncols * sizeof *d);
            for (hsize_t i = 0; i < E * ncols; i++) d[i] = (double)e[i];
            H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, d);
            free(d);
        } else H5Dwrite(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, e);
    }
    hid_t on = attrs_on_edges ? ds : f, as = H5Screate(H5S_SCALAR);
    if (nv >= 0) {
        hid_t a = H5Acreate2(on, "n_vertices", H5T_STD_I64LE, as, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(a, H5T_NATIVE_INT64, &nv);
        H5Aclose(a);
    }
    if (ni >= 0) {
        hid_t a = H5Acreate2(on, "n_images", H5T_STD_I64LE, as, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(a, H5T_NATIVE_INT64, &ni);
        H5Aclose(a);
    }
    H5Sclose(as);
    H5Dclose(ds);
    H5Sclose(sp);
    if (labels) {
        hid_t ls = H5Screate_simple(1, &nl, NULL);
        hid_t ld = H5Dcreate2(f, "label", H5T_STD_I64LE, ls, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(ld, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels);
        H5Dclose(ld);
        H5Sclose(ls);
    }
    H5Fclose(f);
}

static int same_graph(const fg_csr *a, const fg_csr *b)
{
    if (a->n_vertices != b->n_vertices || a->n_images != b->n_images) return 0;
    if (memcmp(a->offsets, b->offsets, ((size_t)a->n_vertices + 1) * sizeof *a->offsets)) return 0;
    return !memcmp(a->adj, b->adj, a->offsets[a->n_vertices] * sizeof *a->adj);
}

static void round_trips(void)
{
    fg_rng r;
    fg_rng_seed(&r, 3);
    for (int trial = 0; trial < 4; trial++) {
        uint32_t n = 50 + 400 * trial, ni = n / 4;
        uint64_t m = 0, cap = (uint64_t)n * 8;
        uint32_t *e = malloc(2 * cap * sizeof *e);
        for (uint32_t u = 0; u < n; u++)
            for (uint32_t v = u + 1; v < n && m < cap; v++)
                if (fg_rng_uniform(&r) < 6.0 / n) {
                    e[2 * m] = u;
                    e[2 * m + 1] = v;
                    m++;
                }
        fg_csr g, back;
        CHECK_OK(fg_csr_from_edge_list(n, ni, e, m, "random", &g));
        int32_t *lab = malloc(ni * sizeof *lab), *lab_back = NULL;
        for (uint32_t i = 0; i < ni; i++) lab[i] = (int32_t)fg_rng_below(&r, 9) - 4;
        const char *p = path_of("rt.h5");
        CHECK_OK(fg_edges_file_write(p, &g, trial % 2 ? NULL : lab));
        CHECK_OK(fg_edges_file_read(p, &back, &lab_back));
        CHECK(same_graph(&g, &back), "trial %d: the graph read back differs", trial);
        if (trial % 2) CHECK(lab_back == NULL, "no /label written, none read");
        else CHECK(lab_back && !memcmp(lab, lab_back, ni * sizeof *lab), "labels read back (trial %d)", trial);
        fg_csr_destroy(&g);
        fg_csr_destroy(&back);
        fg_free(lab_back);
        free(lab);
        free(e);
    }
    /* no edges at all, and no images */
    fg_csr g, back;
    int32_t *lab = NULL;
    CHECK_OK(fg_csr_from_edge_list(3, 0, NULL, 0, "empty", &g));
    CHECK_OK(fg_edges_file_write(path_of("empty.h5"), &g, NULL));
    CHECK_OK(fg_edges_file_read(path_of("empty.h5"), &back, &lab));
    CHECK(back.n_vertices == 3 && fg_csr_n_edges(&back) == 0 && !lab, "empty graph round trip");
    fg_csr_destroy(&g);
    fg_csr_destroy(&back);

    /* as h5py writes it by default: int64, attributes on /edges, unsorted rows */
    int64_t e64[] = {2, 3, 0, 1, 1, 3, 0, 2}, l64[] = {7, -7};
    make_file(path_of("h5py.h5"), H5T_STD_I64LE, 2, e64, 4, 4, 2, 1, l64, 2);
    CHECK_OK(fg_edges_file_read(path_of("h5py.h5"), &back, &lab));
    CHECK(back.n_vertices == 4 && back.n_images == 2 && fg_csr_n_edges(&back) == 4 && fg_csr_degree(&back, 3) == 2,
          "int64 file with attributes on /edges");
    CHECK(lab && lab[0] == 7 && lab[1] == -7, "int64 labels");
    CHECK_OK(fg_csr_validate(&back));
    fg_csr_destroy(&back);
    fg_free(lab);
}

static void malformed(void)
{
    fg_csr g;
    int32_t *lab = NULL;
    int64_t ok[] = {0, 1, 1, 2};
    const char *p = path_of("bad.h5");

    int64_t swapped[] = {0, 1, 2, 1};
    make_file(p, H5T_STD_I32LE, 2, swapped, 2, 3, 1, 0, NULL, 0);
    CHECK_FAILS(fg_edges_file_read(p, &g, &lab), FG_EFORMAT, "bad.h5: /edges row 1 is (2, 1): each row must have u < v");
    CHECK(g.adj == NULL && lab == NULL, "nothing left behind after an error");

    int64_t loop[] = {0, 1, 2, 2};
    make_file(p, H5T_STD_I32LE, 2, loop, 2, 3, 1, 0, NULL, 0);
    CHECK_FAILS(fg_edges_file_read(p, &g, &lab), FG_EFORMAT, "row 1 is (2, 2)");

    int64_t range[] = {0, 1, 1, 3};
    make_file(p, H5T_STD_I32LE, 2, range, 2, 3, 1, 0, NULL, 0);
    CHECK_FAILS(fg_edges_file_read(p, &g, &lab), FG_EFORMAT, "/edges row 1 is (1, 3): a vertex outside 0..n_vertices-1 = 2");
    int64_t neg[] = {-1, 1};
    make_file(p, H5T_STD_I32LE, 2, neg, 1, 3, 1, 0, NULL, 0);
    CHECK_FAILS(fg_edges_file_read(p, &g, &lab), FG_EFORMAT, "row 0 is (-1, 1)");

    int64_t dup[] = {0, 1, 1, 2, 0, 1};
    make_file(p, H5T_STD_I32LE, 2, dup, 3, 3, 1, 0, NULL, 0);
    CHECK_FAILS(fg_edges_file_read(p, &g, &lab), FG_EFORMAT, "edge (0, 1) is listed more than once");

    make_file(p, H5T_STD_I32LE, 2, ok, 2, -1, 1, 0, NULL, 0);
    CHECK_FAILS(fg_edges_file_read(p, &g, &lab), FG_EFORMAT, "bad.h5: attribute n_vertices is missing");
    make_file(p, H5T_STD_I32LE, 2, ok, 2, 3, -1, 0, NULL, 0);
    CHECK_FAILS(fg_edges_file_read(p, &g, &lab), FG_EFORMAT, "attribute n_images is missing");
    make_file(p, H5T_STD_I32LE, 2, ok, 2, 3, 4, 0, NULL, 0);
    CHECK_FAILS(fg_edges_file_read(p, &g, &lab), FG_EFORMAT, "n_images = 4 is out of range");
    /* n_vertices as a float attribute */
    make_file(p, H5T_STD_I32LE, 2, ok, 2, -1, 1, 0, NULL, 0);
    {
        hid_t ff = H5Fopen(p, H5F_ACC_RDWR, H5P_DEFAULT), sc = H5Screate(H5S_SCALAR);
        double three = 3.0;
        hid_t at = H5Acreate2(ff, "n_vertices", H5T_IEEE_F64LE, sc, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(at, H5T_NATIVE_DOUBLE, &three);
        H5Aclose(at);
        H5Sclose(sc);
        H5Fclose(ff);
    }
    CHECK_FAILS(fg_edges_file_read(p, &g, &lab), FG_EFORMAT, "attribute n_vertices is floating-point; expected an integer");

    make_file(p, H5T_IEEE_F64LE, 2, ok, 2, 3, 1, 0, NULL, 0);
    CHECK_FAILS(fg_edges_file_read(p, &g, &lab), FG_EFORMAT, "bad.h5: /edges has floating-point values; expected int32");

    int64_t three[] = {0, 1, 5, 1, 2, 5};
    make_file(p, H5T_STD_I32LE, 3, three, 2, 3, 1, 0, NULL, 0);
    CHECK_FAILS(fg_edges_file_read(p, &g, &lab), FG_ESHAPE, "/edges must have shape [E][2]");

    int64_t lab3[] = {1, 2, 3};
    make_file(p, H5T_STD_I32LE, 2, ok, 2, 3, 2, 0, lab3, 3);
    CHECK_FAILS(fg_edges_file_read(p, &g, &lab), FG_ESHAPE, "bad.h5: /label has 3 entries but n_images = 2");
    int64_t big[] = {1, 5000000000LL};
    make_file(p, H5T_STD_I32LE, 2, ok, 2, 3, 2, 0, big, 2);
    CHECK_FAILS(fg_edges_file_read(p, &g, &lab), FG_EFORMAT, "/label[1] = 5000000000 does not fit int32");

    /* no /edges */
    hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t as = H5Screate(H5S_SCALAR);
    int64_t three_v = 3;
    hid_t a = H5Acreate2(f, "n_vertices", H5T_STD_I64LE, as, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT64, &three_v);
    H5Aclose(a);
    a = H5Acreate2(f, "n_images", H5T_STD_I64LE, as, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT64, &three_v);
    H5Aclose(a);
    H5Sclose(as);
    H5Fclose(f);
    CHECK_FAILS(fg_edges_file_read(p, &g, &lab), FG_EFORMAT, "bad.h5: dataset /edges is missing");

    FILE *t = fopen(path_of("text.h5"), "w");
    fputs("0 1\n1 2\n", t);
    fclose(t);
    CHECK_FAILS(fg_edges_file_read(path_of("text.h5"), &g, &lab), FG_EIO, "text.h5: not an HDF5 file");
    CHECK_FAILS(fg_edges_file_read(path_of("absent.h5"), &g, &lab), FG_EIO, "absent.h5");
    fg_csr none;
    CHECK_OK(fg_csr_from_edge_list(2, 1, NULL, 0, "x", &none));
    CHECK_FAILS(fg_edges_file_write("/nonexistent-dir/x.h5", &none, NULL), FG_EIO, "/nonexistent-dir/x.h5: cannot create");
    fg_csr_destroy(&none);
}

/* The layout seen from h5py: int32 [E][2], u < v, ascending rows. */
static void from_python(void)
{
    if (access("/usr/bin/python3", X_OK) != 0 ||
        system("/usr/bin/python3 -c 'import h5py, numpy' >/dev/null 2>&1") != 0) {
        printf("h5py part skipped: /usr/bin/python3 cannot import h5py\n");
        return;
    }
    uint32_t e[] = {3, 1, 0, 2, 4, 0, 1, 2, 2, 4};
    fg_csr g;
    int32_t lab[] = {5, 6};
    CHECK_OK(fg_csr_from_edge_list(5, 2, e, 5, "py", &g));
    CHECK_OK(fg_edges_file_write(path_of("py.h5"), &g, lab));
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import h5py, numpy as np; f = h5py.File('%s', 'r'); e = f['edges'][:];"
             " assert f['edges'].dtype == np.int32 and e.shape == (5, 2), e;"
             " assert (e[:, 0] < e[:, 1]).all();"
             " assert [tuple(r) for r in e] == sorted(tuple(r) for r in e) == [(0, 2), (0, 4), (1, 2), (1, 3), (2, 4)];"
             " assert int(f.attrs['n_vertices']) == 5 and int(f.attrs['n_images']) == 2;"
             " assert list(f['label'][:]) == [5, 6] and f['label'].dtype == np.int32\"",
             path_of("py.h5"));
    CHECK(system(cmd) == 0, "h5py sees the documented layout");
    fg_csr_destroy(&g);
}

int main(void)
{
    if (!mkdtemp(dir)) FG_SKIP("cannot create a temporary directory");
    round_trips();
    malformed();
    from_python();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("could not remove %s\n", dir);
    return fg_test_done("test_edges_file");
}
